// The users subgraph's transactional outbox (table account_events): an event is written in the
// same transaction as the change it announces, so it exists if and only if the change does.
// The relay publishes unpublished rows to the event bus (events.ts) and marks them published:
// at start (what a crash or a Redis outage left behind), when kicked after a write, and every
// few seconds. A row published twice (crash between publish and mark) is fine: consumers are
// idempotent.
import type { Db, Prisma } from '@fffoto/shared/db';
import type { EventBus } from '@fffoto/shared/events';
import type { Logger } from '@fffoto/shared/logger';

type Tx = Pick<Db, 'accountEvent'>;

export function recordEvent(tx: Tx, type: string, userId: string, payload: Record<string, unknown>) {
  return tx.accountEvent.create({ data: { type, userId, payload: payload as Prisma.InputJsonObject } });
}

export interface OutboxRelay {
  /** Publish what is pending now (after a write), without waiting for the next tick. */
  kick(): void;
  /** Publishes pending rows until none are left; resolves with how many were published. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;

export function startOutboxRelay(db: Db, bus: EventBus, log: Logger, intervalMs = 5_000): OutboxRelay {
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const publishBatch = async (): Promise<number> =>
    db.$transaction(async (tx) => {
      // SKIP LOCKED: several users replicas relay side by side without publishing a row twice.
      const rows = await tx.$queryRaw<Array<{ id: bigint; type: string; user_id: string; payload: Record<string, unknown> }>>`
        SELECT id, type, user_id, payload FROM account_events
        WHERE published_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
      for (const row of rows) {
        await bus.publish({ type: row.type, eventId: `users:${row.id}`, payload: { ...row.payload, userId: row.user_id } });
        await tx.accountEvent.update({ where: { id: row.id }, data: { publishedAt: new Date() } });
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
        log.warn({ err: (err as Error).message }, 'outbox relay could not publish; will retry');
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
