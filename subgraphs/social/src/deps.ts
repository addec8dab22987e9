// What the social services share: the database, the read-through of posts and users, rate
// limits, live events, trending and the outbox relay.
import type { Db } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import type { OutboxRelay } from '@fffoto/shared/outbox';
import type { RateLimit } from '@fffoto/shared/rate-limit';
import type { Trending } from '@fffoto/shared/trending';
import type { Live } from './live.ts';
import type { PostRefs } from './post-refs.ts';

export interface SocialLimits {
  likes: RateLimit;
  comments: RateLimit;
  follows: RateLimit;
  reports: RateLimit;
  /** markActivityRead */
  reads: RateLimit;
}

export interface SocialDeps {
  db: Db;
  refs: PostRefs;
  limits: SocialLimits;
  live: Live;
  trending: Trending;
  relay: Pick<OutboxRelay, 'kick'>;
  log: Logger;
}

type Tx = Pick<Db, '$queryRaw'>;

/** Serialises writes about one (a, b) follow edge: follow, unfollow and block take it. */
export async function lockPair(tx: Tx, a: string, b: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`social:${a}:${b}`}, 0))`;
}
