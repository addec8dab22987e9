// Durable domain events between subgraphs (e.g. `user.deleted` from users to media, posts,
// social). Redis Streams when there is Redis: one stream `<prefix>events`; each consuming
// subgraph reads it with its own consumer group, acknowledges an event only after handling it,
// and re-claims entries a crashed replica left pending, so a consumer being down only delays
// its work. Without Redis (embedded `npm start`: one process) an in-process bus with the same
// interface, per REDIS_PREFIX; durability there comes from the producer's outbox, which is
// re-delivered at start (subgraphs/users/src/outbox.ts). Handlers must be idempotent: an
// event can arrive more than once.
import { hostname } from 'node:os';
import type { Logger } from './logger.ts';
import { connectRedis, type RedisConnection } from './redis.ts';

export interface DomainEvent {
  type: string;
  /** The producer's id of the event (e.g. its outbox row), for logs and deduplication. */
  eventId: string;
  payload: Record<string, unknown>;
}

/** Event types, one place, so producers and consumers agree. */
export const eventTypes = {
  /** payload: { userId } — the account is gone: delete what belongs to it. */
  userDeleted: 'user.deleted',
  /** payload: { postId, authorId, loopId, createdAt (ISO), tags: string[], mentionedUserIds: string[] } */
  postCreated: 'post.created',
  /** payload: { postId, authorId } — remove it everywhere it shows. */
  postDeleted: 'post.deleted',
  /** payload: { blockerId, blockedId } */
  blockAdded: 'block.added',
  /** payload: { blockerId, blockedId } */
  blockRemoved: 'block.removed',
} as const;

export type EventHandler = (event: DomainEvent) => Promise<void>;

export interface Consumer {
  stop(): Promise<void>;
}

export interface ConsumeOptions {
  /** The consuming subgraph: each group gets every event once. */
  group: string;
  handler: EventHandler;
  /** Entries pending this long on another consumer (crashed replica) are taken over. */
  claimIdleMs?: number;
  /** Longest wait per blocking read (also the bound on stop()). */
  blockMs?: number;
}

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  consume(opts: ConsumeOptions): Consumer;
  close(): Promise<void>;
}

export interface EventBusOptions {
  url?: string;
  prefix: string;
  log?: Logger;
}

export function openEventBus(opts: EventBusOptions): EventBus {
  return opts.url ? redisBus(opts.url, opts.prefix, opts.log) : memoryBus(opts.prefix, opts.log);
}

// ── Redis Streams ────────────────────────────────────────────────────────────

const STREAM_MAX_LEN = 100_000;

function decode(fields: string[]): DomainEvent | undefined {
  const i = fields.indexOf('event');
  if (i < 0) return undefined;
  try {
    return JSON.parse(fields[i + 1]!) as DomainEvent;
  } catch {
    return undefined;
  }
}

type Entries = Array<[id: string, fields: string[]]>;

function redisBus(url: string, prefix: string, log?: Logger): EventBus {
  const writer = connectRedis({ url, prefix, role: 'command', log, name: 'events' });
  const stream = writer.key('events');
  const consumers = new Set<Consumer>();
  return {
    async publish(event) {
      await writer.client.xadd(stream, 'MAXLEN', '~', String(STREAM_MAX_LEN), '*', 'event', JSON.stringify(event));
    },
    consume(copts) {
      const c = redisConsumer(url, prefix, stream, copts, log);
      consumers.add(c);
      return {
        stop: async () => {
          consumers.delete(c);
          await c.stop();
        },
      };
    },
    async close() {
      await Promise.all([...consumers].map((c) => c.stop()));
      await writer.close();
    },
  };
}

function redisConsumer(url: string, prefix: string, stream: string, copts: ConsumeOptions, log?: Logger): Consumer {
  // Blocking reads wait longer than the command policy's timeout: the subscriber policy (no
  // timeout, reconnects forever) fits a reader that waits for events.
  const reader: RedisConnection = connectRedis({ url, prefix, role: 'subscriber', log, name: `events:${copts.group}` });
  const { group, handler } = copts;
  const name = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const claimIdleMs = copts.claimIdleMs ?? 60_000;
  const blockMs = copts.blockMs ?? 2_000;
  let running = true;
  let lastClaim = 0;

  const handle = async (entries: Entries) => {
    for (const [id, fields] of entries) {
      const event = decode(fields);
      try {
        if (event) await handler(event);
        else log?.warn({ id, stream }, 'dropping an unreadable event');
        await reader.client.xack(stream, group, id);
      } catch (err) {
        // Left pending: re-read at restart or claimed after claimIdleMs.
        log?.error({ err, id, type: event?.type, group }, 'event handler failed; will retry');
      }
    }
  };

  const loop = async () => {
    // The group starts at the beginning of the stream, so a subgraph deployed (or created)
    // after events were published still gets them.
    const createGroup = () =>
      reader.client.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((err: Error) => {
        if (!/BUSYGROUP/.test(err.message)) throw err;
      });
    await createGroup();
    // What this consumer name left pending (none for a fresh name, but cheap), then new ones.
    while (running) {
      try {
        if (Date.now() - lastClaim >= Math.min(claimIdleMs, 30_000)) {
          lastClaim = Date.now();
          const claimed = (await reader.client.xautoclaim(stream, group, name, claimIdleMs, '0-0', 'COUNT', 100)) as [string, Entries];
          if (claimed[1]?.length) await handle(claimed[1].filter((e) => e && e[1]));
        }
        const res = (await reader.client.xreadgroup(
          'GROUP', group, name, 'COUNT', 20, 'BLOCK', blockMs, 'STREAMS', stream, '>',
        )) as Array<[string, Entries]> | null;
        if (res) for (const [, entries] of res) await handle(entries);
      } catch (err) {
        if (!running) break;
        // Redis lost its data (a restart without persistence): the stream and our group are
        // gone. Make them again, or this consumer would read nothing, ever.
        if (/NOGROUP/.test((err as Error).message)) await createGroup().catch(() => undefined);
        log?.warn({ err: (err as Error).message, group }, 'event stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000).unref());
      }
    }
  };
  const done = loop().catch((err) => log?.error({ err, group }, 'event consumer stopped'));

  return {
    async stop() {
      running = false;
      // A blocking read returns within blockMs; disconnecting ends it at once.
      reader.client.disconnect();
      await done;
    },
  };
}

// ── in-process ───────────────────────────────────────────────────────────────

interface MemoryStream {
  events: DomainEvent[];
  /** Per group: the index of the next event to hand out. */
  cursors: Map<string, number>;
  wake: Set<() => void>;
}
const streams = new Map<string, MemoryStream>();

function memoryBus(prefix: string, log?: Logger): EventBus {
  let s = streams.get(prefix);
  if (!s) streams.set(prefix, (s = { events: [], cursors: new Map(), wake: new Set() }));
  const stream = s;
  const consumers = new Set<Consumer>();
  return {
    async publish(event) {
      stream.events.push(event);
      for (const w of stream.wake) w();
    },
    consume({ group, handler }) {
      let running = true;
      let wakeUp: () => void = () => undefined;
      const wake = () => wakeUp();
      stream.wake.add(wake);
      const loop = async () => {
        while (running) {
          const at = stream.cursors.get(group) ?? 0;
          const event = stream.events[at];
          if (!event) {
            await new Promise<void>((r) => (wakeUp = r));
            continue;
          }
          try {
            await handler(event);
            stream.cursors.set(group, at + 1);
          } catch (err) {
            log?.error({ err, type: event.type, group }, 'event handler failed; will retry');
            await new Promise((r) => setTimeout(r, 1_000).unref());
          }
        }
      };
      const done = loop();
      const consumer: Consumer = {
        async stop() {
          running = false;
          stream.wake.delete(wake);
          wakeUp();
          consumers.delete(consumer);
          await done;
        },
      };
      consumers.add(consumer);
      return consumer;
    },
    async close() {
      await Promise.all([...consumers].map((c) => c.stop()));
    },
  };
}
