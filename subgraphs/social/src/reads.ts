// Batched reads behind the per-request DataLoaders (context.ts): each function answers a whole
// batch of keys with ONE statement — counts with GROUP BY, per-parent pages with LATERAL joins
// (each parent's page read from its index, LIMIT first+1), so a page of 50 posts costs what a
// page of 20 does.
import { Prisma, type Db } from '@fffoto/shared/db';
import { isUuid } from '@fffoto/shared/ids';
import { notBlockedWith } from './blocks.ts';
import type { Keyset } from './paging.ts';
import type { ActivityRow, CommentRow, FollowRow, LikeRow } from './rows.ts';

const uuids = (ids: readonly string[]) => Prisma.sql`${[...ids]}::uuid[]`;

async function countBy(db: Db, table: 'likes' | 'comments' | 'follows', col: string, ids: readonly string[]): Promise<number[]> {
  const rows = await db.$queryRaw<Array<{ id: string; n: number }>>`
    SELECT ${Prisma.raw(col)}::text AS id, count(*)::int AS n FROM ${Prisma.raw(table)}
    WHERE ${Prisma.raw(col)} = ANY(${uuids(ids)}) GROUP BY ${Prisma.raw(col)}`;
  const byId = new Map(rows.map((r) => [r.id, r.n]));
  return ids.map((id) => byId.get(id) ?? 0);
}

export const likeCounts = (db: Db, postIds: readonly string[]) => countBy(db, 'likes', 'post_id', postIds);
export const commentCounts = (db: Db, postIds: readonly string[]) => countBy(db, 'comments', 'post_id', postIds);
export const followerCounts = (db: Db, userIds: readonly string[]) => countBy(db, 'follows', 'followee_id', userIds);
export const followingCounts = (db: Db, userIds: readonly string[]) => countBy(db, 'follows', 'follower_id', userIds);

/** For each post: whether `viewerId` liked it. */
export async function likedBy(db: Db, viewerId: string, postIds: readonly string[]): Promise<boolean[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT post_id::text AS id FROM likes WHERE user_id = ${viewerId}::uuid AND post_id = ANY(${uuids(postIds)})`;
  const liked = new Set(rows.map((r) => r.id));
  return postIds.map((id) => liked.has(id));
}

/** For each user: whether `viewerId` follows them. */
export async function followedBy(db: Db, viewerId: string, userIds: readonly string[]): Promise<boolean[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT followee_id::text AS id FROM follows WHERE follower_id = ${viewerId}::uuid AND followee_id = ANY(${uuids(userIds)})`;
  const followed = new Set(rows.map((r) => r.id));
  return userIds.map((id) => followed.has(id));
}

export async function commentsByIds(db: Db, ids: readonly string[]): Promise<Array<CommentRow | null>> {
  const rows = await db.$queryRaw<CommentRow[]>`
    SELECT id::text, post_id::text AS "postId", author_id::text AS "authorId", text, created_at AS "createdAt"
    FROM comments WHERE id = ANY(${uuids(ids.filter(isUuid))})`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** One page per parent id, grouped by parent (each list holds up to first+1 rows). */
function groupBy<R>(ids: readonly string[], rows: R[], parent: (r: R) => string): R[][] {
  const out = new Map<string, R[]>(ids.map((id) => [id, []]));
  for (const r of rows) out.get(parent(r))?.push(r);
  return ids.map((id) => out.get(id)!);
}

export interface PageArgs {
  first: number;
  after: Keyset | null;
  viewerId: string | null;
}

/** Comments of each post, oldest first, leaving out people on the other side of a block. */
export async function commentPages(db: Db, postIds: readonly string[], p: PageArgs): Promise<CommentRow[][]> {
  const after = p.after ? Prisma.sql`AND (c.created_at, c.id) > (${p.after.at}::timestamptz, ${p.after.id}::uuid)` : Prisma.empty;
  const rows = await db.$queryRaw<CommentRow[]>`
    SELECT c.id::text, c.post_id::text AS "postId", c.author_id::text AS "authorId", c.text, c.created_at AS "createdAt"
    FROM unnest(${uuids(postIds)}) AS p(id) CROSS JOIN LATERAL (
      SELECT * FROM comments c WHERE c.post_id = p.id ${after} AND ${notBlockedWith(p.viewerId, Prisma.sql`c.author_id`)}
      ORDER BY c.created_at, c.id LIMIT ${p.first + 1}) c`;
  return groupBy(postIds, rows, (r) => r.postId);
}

/** Likes of each post, newest first, leaving out people on the other side of a block. */
export async function likePages(db: Db, postIds: readonly string[], p: PageArgs): Promise<LikeRow[][]> {
  const after = p.after ? Prisma.sql`AND (l.created_at, l.id) < (${p.after.at}::timestamptz, ${p.after.id}::uuid)` : Prisma.empty;
  const rows = await db.$queryRaw<LikeRow[]>`
    SELECT l.id::text, l.post_id::text AS "postId", l.user_id::text AS "userId", l.created_at AS "createdAt"
    FROM unnest(${uuids(postIds)}) AS p(id) CROSS JOIN LATERAL (
      SELECT * FROM likes l WHERE l.post_id = p.id ${after} AND ${notBlockedWith(p.viewerId, Prisma.sql`l.user_id`)}
      ORDER BY l.created_at DESC, l.id DESC LIMIT ${p.first + 1}) l`;
  return groupBy(postIds, rows, (r) => r.postId);
}

/**
 * Followers (`side` = followers) or followed people (`following`) of each user, newest follow
 * first, leaving out people on the other side of a block with the viewer.
 */
export async function followPages(db: Db, side: 'followers' | 'following', userIds: readonly string[], p: PageArgs): Promise<FollowRow[][]> {
  const [own, other] = side === 'followers' ? ['followee_id', 'follower_id'] : ['follower_id', 'followee_id'];
  const o = Prisma.raw(`f.${own}`);
  const u = Prisma.raw(`f.${other}`);
  const after = p.after ? Prisma.sql`AND (f.created_at, ${u}) < (${p.after.at}::timestamptz, ${p.after.id}::uuid)` : Prisma.empty;
  const rows = await db.$queryRaw<FollowRow[]>`
    SELECT f.owner_id::text AS "ownerId", f.user_id::text AS "userId", f.created_at AS "createdAt"
    FROM unnest(${uuids(userIds)}) AS p(id) CROSS JOIN LATERAL (
      SELECT ${o} AS owner_id, ${u} AS user_id, f.created_at FROM follows f
      WHERE ${o} = p.id ${after} AND ${notBlockedWith(p.viewerId, u)}
      ORDER BY f.created_at DESC, ${u} DESC LIMIT ${p.first + 1}) f`;
  return groupBy(userIds, rows, (r) => r.ownerId);
}

export async function likesByIds(db: Db, ids: readonly string[]): Promise<Array<LikeRow | null>> {
  const rows = await db.$queryRaw<LikeRow[]>`
    SELECT id::text, post_id::text AS "postId", user_id::text AS "userId", created_at AS "createdAt"
    FROM likes WHERE id = ANY(${uuids(ids.filter(isUuid))})`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function activitiesByIds(db: Db, ids: readonly string[]): Promise<Array<ActivityRow | null>> {
  const rows = await db.$queryRaw<ActivityRow[]>`
    SELECT id::text, recipient_id::text AS "recipientId", actor_id::text AS "actorId", kind::text AS kind,
      post_id::text AS "postId", comment_id::text AS "commentId", created_at AS "createdAt"
    FROM activities WHERE id = ANY(${uuids(ids.filter(isUuid))})`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id) ?? null);
}
