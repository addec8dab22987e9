// Records the loopUpdated events the media processes publish on Redis (the channels the
// gateway's subscription listens to), so a test waits for a status change as an event, with a
// bound, instead of sleeping or polling.
import { Redis } from 'ioredis';

export interface LoopEvents {
  /** Every status published for the loop so far, in order. */
  statuses(id: string): string[];
  /** Resolves with the statuses so far once `status` has been published for the loop. */
  waitFor(id: string, status: string, timeoutMs?: number): Promise<string[]>;
  close(): void;
}

export async function recordLoopEvents(redisUrl: string, prefix: string): Promise<LoopEvents> {
  const redis = new Redis(redisUrl);
  const seen = new Map<string, string[]>();
  const listeners = new Set<() => void>();
  redis.on('pmessage', (_p, _c, message: string) => {
    const { loopUpdated } = JSON.parse(message) as { loopUpdated: { id: string; status: string } };
    seen.set(loopUpdated.id, [...(seen.get(loopUpdated.id) ?? []), loopUpdated.status]);
    for (const l of listeners) l();
  });
  await redis.psubscribe(`${prefix}loop-updated:*`);
  const statuses = (id: string) => [...(seen.get(id) ?? [])];
  return {
    statuses,
    waitFor(id, status, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!statuses(id).includes(status)) return;
          finish();
          resolve(statuses(id));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${status} event for loop ${id} within ${timeoutMs} ms (saw ${statuses(id).join(', ') || 'none'})`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close: () => redis.disconnect(),
  };
}
