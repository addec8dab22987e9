// Transactional outboxes: a subgraph writes the event that announces a change in the same
// transaction as the change (so it exists if and only if the change does), into an outbox table
// of its own (columns id bigserial, type, payload jsonb, created_at, published_at). The relay
// publishes unpublished rows to the event bus (events.ts) and marks them published: at start
// (what a crash or a Redis outage left behind), when kicked after a write, and every few
// seconds. A row published twice (crash between publish and mark) is fine: consumers are
// idempotent. Several replicas relay side by side (FOR UPDATE SKIP LOCKED).
import { Prisma, type Db } from './db.ts';
import type { EventBus } from './events.ts';
import type { Logger } from './logger.ts';

/** Anything that can run raw SQL: the client or an interactive transaction. */
type Sql = Pick<Db, '$executeRaw' | '$queryRaw'>;

export interface Outbox {
  /** The outbox table (a constant of the owning subgraph, never user input). */
  table: string;
  /** Prefix of published event ids, e.g. "posts" → "posts:42". */
  source: string;
}

/** Writes an event inside the caller's transaction `tx`. */
export async function recordEvent(tx: Sql, outbox: Outbox, type: string, payload: Record<string, unknown>): Promise<void> {
  await tx.$executeRaw`INSERT INTO ${Prisma.raw(`"${outbox.table}"`)} (type, payload) VALUES (${type}, ${JSON.stringify(payload)}::jsonb)`;
}

export interface OutboxRelay {
  /** Publish what is pending now (after a write), without waiting for the next tick. */
  kick(): void;
  /** Publishes pending rows until none are left; resolves with how many were published. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;

export function startOutboxRelay(db: Db, outbox: Outbox, bus: EventBus, log: Logger, intervalMs = 5_000): OutboxRelay {
  const table = Prisma.raw(`"${outbox.table}"`);
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const publishBatch = async (): Promise<number> =>
    db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ id: bigint; type: string; payload: Record<string, unknown> }>>`
        SELECT id, type, payload FROM ${table}
        WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
      for (const row of rows) {
        await bus.publish({ type: row.type, eventId: `${outbox.source}:${row.id}`, payload: row.payload });
      }
      if (rows.length) {
        await tx.$executeRaw`UPDATE ${table} SET published_at = now() WHERE id = ANY(${rows.map((r) => r.id)}::bigint[])`;
      }
      return rows.length;
    });

  const flushOnce = async () => {
    let total = 0;
    for (;;) {
      const n = await publishBatch();
      total += n;
      if (n < BATCH) return total;
    }
  };

  const flush = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await flushOnce();
        } while (again && !stopped);
      } catch (err) {
        // Left unpublished: the next tick tries again.
        log.warn({ err: (err as Error).message, outbox: outbox.table }, 'outbox relay could not publish; will retry');
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };

  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  void flush();

  return {
    kick: () => void flush(),
    flush,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
