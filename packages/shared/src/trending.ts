// Trending: one sorted set per UTC day (`<prefix>trending:<name>:<YYYY-MM-DD>`), scored by use
// (tags) or engagement (posts), expiring a few days after its day. In Redis, so every replica
// counts into the same set; in memory under embedded `npm start`. A Redis outage loses counts
// (they are a ranking, not a record) and never fails the write that bumped them.
import type { Logger } from './logger.ts';
import type { RedisConnection } from './redis.ts';

export interface Trending {
  /** Adds `by` to `member`'s score for the day of `at` (default now); negative takes away. */
  bump(member: string, by: number, at?: Date): Promise<void>;
  /** Removes `member` from the last `days` days (a deleted post or tag). */
  remove(member: string, days?: number): Promise<void>;
  /** The day's members, highest score first (ties by member), at most `count`. */
  top(count: number, day?: Date): Promise<Array<{ member: string; score: number }>>;
}

export interface TrendingOptions {
  name: string;
  redis?: RedisConnection;
  /** Days a day's set is kept after it ends. */
  keepDays?: number;
  log?: Logger;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

export function createTrending(opts: TrendingOptions): Trending {
  const keepSeconds = (opts.keepDays ?? 7) * 86_400;
  const { redis, log } = opts;
  if (redis) {
    const key = (day: string) => redis.key('trending', opts.name, day);
    const soft = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        log?.warn({ err: (err as Error).message, trending: opts.name }, `trending ${what} failed`);
      }
    };
    return {
      bump: (member, by, at = new Date()) =>
        soft('bump', async () => {
          const k = key(utcDay(at));
          await redis.client.multi().zincrby(k, by, member).expire(k, keepSeconds + 86_400).exec();
        }),
      remove: (member, days = 2) =>
        soft('remove', async () => {
          const multi = redis.client.multi();
          for (let i = 0; i < days; i++) multi.zrem(key(utcDay(new Date(Date.now() - i * DAY_MS))), member);
          await multi.exec();
        }),
      async top(count, day = new Date()) {
        const flat = await redis.client.zrevrange(key(utcDay(day)), 0, count - 1, 'WITHSCORES');
        const out: Array<{ member: string; score: number }> = [];
        for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: Number(flat[i + 1]) });
        return out.filter((e) => e.score > 0);
      },
    };
  }
  const days = new Map<string, Map<string, number>>();
  return {
    async bump(member, by, at = new Date()) {
      const day = utcDay(at);
      let set = days.get(day);
      if (!set) days.set(day, (set = new Map()));
      set.set(member, (set.get(member) ?? 0) + by);
      for (const d of days.keys()) if (Date.parse(d) < Date.now() - keepSeconds * 1000 - DAY_MS) days.delete(d);
    },
    async remove(member) {
      for (const set of days.values()) set.delete(member);
    },
    async top(count, day = new Date()) {
      const set = days.get(utcDay(day)) ?? new Map<string, number>();
      return [...set]
        .filter(([, score]) => score > 0)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, count)
        .map(([member, score]) => ({ member, score }));
    },
  };
}
