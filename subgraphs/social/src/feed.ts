// The home feed: fan-out on write into feed_entries (one row per reader and post, keyed by the
// post's own time), read by keyset on (created_at DESC, post_id DESC). A page costs one index
// range scan of the reader's rows, whatever the number of follows or posts; concurrent inserts
// of newer posts never shift a cursor, so pages neither repeat nor skip older posts.
import { Prisma, type Db } from '@fffoto/shared/db';
import { connection, type Connection, type Keyset } from './paging.ts';
import type { PostRef } from './rows.ts';
import type { PostParent } from './context.ts';

type Sql = Pick<Db, '$queryRaw' | '$executeRaw'>;

/** Followers written per INSERT … SELECT; a big account's post is several such statements. */
export const FANOUT_BATCH = 10_000;
/** Posts of a newly followed account copied into the follower's feed. */
export const BACKFILL_POSTS = 100;

/**
 * Writes a new post into its author's feed and each follower's, FANOUT_BATCH followers per
 * statement (keyset over the followee's follows). Idempotent (ON CONFLICT DO NOTHING).
 */
export async function fanOut(db: Sql, ref: PostRef, batch = FANOUT_BATCH): Promise<number> {
  await db.$executeRaw`INSERT INTO feed_entries (user_id, post_id, author_id, created_at)
    VALUES (${ref.authorId}::uuid, ${ref.postId}::uuid, ${ref.authorId}::uuid, ${ref.createdAt}::timestamptz) ON CONFLICT DO NOTHING`;
  let after: { at: Date; id: string } | null = null;
  let total = 0;
  for (;;) {
    const cursor: Prisma.Sql = after
      ? Prisma.sql`AND (created_at, follower_id) > (${after.at}::timestamptz, ${after.id}::uuid)`
      : Prisma.empty;
    const rows: Array<{ n: number; at: Date | null; id: string | null }> = await db.$queryRaw`
      WITH batch AS (
        SELECT follower_id, created_at FROM follows WHERE followee_id = ${ref.authorId}::uuid ${cursor}
        ORDER BY created_at, follower_id LIMIT ${batch}),
      ins AS (
        INSERT INTO feed_entries (user_id, post_id, author_id, created_at)
        SELECT follower_id, ${ref.postId}::uuid, ${ref.authorId}::uuid, ${ref.createdAt}::timestamptz FROM batch
        ON CONFLICT DO NOTHING)
      SELECT (SELECT count(*)::int FROM batch) AS n, last.created_at AS at, last.follower_id::text AS id
      FROM (SELECT 1) one LEFT JOIN LATERAL (
        SELECT created_at, follower_id FROM batch ORDER BY created_at DESC, follower_id DESC LIMIT 1) last ON TRUE`;
    const row = rows[0]!;
    total += row.n;
    if (row.n < batch || !row.at || !row.id) return total;
    after = { at: row.at, id: row.id };
  }
}

/** A page of the reader's feed. Entries of people no longer followed (a race with unfollow) are skipped. */
export async function feedPage(db: Db, readerId: string, first: number, after: Keyset | null): Promise<Connection<PostParent>> {
  const cursor = after ? Prisma.sql`AND (fe.created_at, fe.post_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
  const rows = await db.$queryRaw<Array<{ postId: string; createdAt: Date }>>`
    SELECT fe.post_id::text AS "postId", fe.created_at AS "createdAt" FROM feed_entries fe
    WHERE fe.user_id = ${readerId}::uuid ${cursor}
      AND (fe.author_id = ${readerId}::uuid OR EXISTS (
        SELECT 1 FROM follows f WHERE f.follower_id = ${readerId}::uuid AND f.followee_id = fe.author_id))
    ORDER BY fe.created_at DESC, fe.post_id DESC LIMIT ${first + 1}`;
  return connection(rows, first, (r) => ({ at: r.createdAt, id: r.postId }), (r) => ({ id: r.postId }));
}
