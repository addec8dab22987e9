// Events social consumes (consumer group "social"), each handler idempotent:
// - post.created: store the post_ref, MENTION activities (not across a block, never the
//   author), then fan the post out into feeds (feed.ts) — createPost never waits for this.
// - post.deleted: the post leaves feeds, trending, likes, comments and activity.
// - user.deleted: the account's follows, likes, comments, blocks, activity, feed and post_refs go.
import type { Db } from '@fffoto/shared/db';
import { eventTypes, type DomainEvent, type EventHandler } from '@fffoto/shared/events';
import { isUuid } from '@fffoto/shared/ids';
import type { Logger } from '@fffoto/shared/logger';
import type { Trending } from '@fffoto/shared/trending';
import { fanOut } from './feed.ts';
import type { Live } from './live.ts';
import { savePostRef } from './post-refs.ts';

export interface ConsumerDeps {
  db: Db;
  trending: Trending;
  live: Live;
  log: Logger;
}

const str = (v: unknown) => (typeof v === 'string' && isUuid(v) ? v.toLowerCase() : undefined);

export async function onPostCreated(deps: ConsumerDeps, event: DomainEvent): Promise<void> {
  const postId = str(event.payload.postId);
  const authorId = str(event.payload.authorId);
  const createdAt = new Date(String(event.payload.createdAt));
  if (!postId || !authorId || Number.isNaN(createdAt.getTime())) {
    deps.log.warn({ eventId: event.eventId }, 'post.created without postId/authorId/createdAt; ignored');
    return;
  }
  const ref = { postId, authorId, createdAt };
  await savePostRef(deps.db, ref);
  const mentioned = (Array.isArray(event.payload.mentionedUserIds) ? event.payload.mentionedUserIds : [])
    .map(str)
    .filter((id): id is string => !!id && id !== authorId);
  if (mentioned.length) {
    const rows = await deps.db.$queryRaw<Array<{ id: string; recipientId: string }>>`
      INSERT INTO activities (id, recipient_id, actor_id, kind, post_id, created_at)
      SELECT gen_random_uuid(), m.id, ${authorId}::uuid, 'MENTION', ${postId}::uuid, ${createdAt}::timestamptz
      FROM unnest(${[...new Set(mentioned)]}::uuid[]) AS m(id)
      WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.kind = 'MENTION' AND a.post_id = ${postId}::uuid AND a.recipient_id = m.id)
        AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = m.id AND b.blocked_id = ${authorId}::uuid)
          OR (b.blocked_id = m.id AND b.blocker_id = ${authorId}::uuid))
      RETURNING id::text, recipient_id::text AS "recipientId"`;
    for (const a of rows) deps.live.activityAdded(a);
  }
  await fanOut(deps.db, ref);
}

export async function onPostDeleted(deps: ConsumerDeps, event: DomainEvent): Promise<void> {
  const postId = str(event.payload.postId);
  if (!postId) return;
  await deps.db.$transaction([
    deps.db.$executeRaw`DELETE FROM feed_entries WHERE post_id = ${postId}::uuid`,
    deps.db.$executeRaw`DELETE FROM likes WHERE post_id = ${postId}::uuid`,
    deps.db.$executeRaw`DELETE FROM comments WHERE post_id = ${postId}::uuid`,
    deps.db.$executeRaw`DELETE FROM activities WHERE post_id = ${postId}::uuid`,
    deps.db.$executeRaw`DELETE FROM post_refs WHERE post_id = ${postId}::uuid`,
  ]);
  await deps.trending.remove(postId);
}

export async function onUserDeleted(deps: ConsumerDeps, event: DomainEvent): Promise<void> {
  const userId = str(event.payload.userId);
  if (!userId) return;
  const u = userId;
  // Their posts' rows first (posts also sends post.deleted for each; this does not wait for it).
  const own = deps.db.$queryRaw<Array<{ id: string }>>`SELECT post_id::text AS id FROM post_refs WHERE author_id = ${u}::uuid`;
  const postIds = (await own).map((r) => r.id);
  await deps.db.$transaction([
    deps.db.$executeRaw`DELETE FROM likes WHERE user_id = ${u}::uuid OR post_id = ANY(${postIds}::uuid[])`,
    deps.db.$executeRaw`DELETE FROM comments WHERE author_id = ${u}::uuid OR post_id = ANY(${postIds}::uuid[])`,
    deps.db.$executeRaw`DELETE FROM activities WHERE actor_id = ${u}::uuid OR recipient_id = ${u}::uuid OR post_id = ANY(${postIds}::uuid[])`,
    deps.db.$executeRaw`DELETE FROM follows WHERE follower_id = ${u}::uuid OR followee_id = ${u}::uuid`,
    deps.db.$executeRaw`DELETE FROM blocks WHERE blocker_id = ${u}::uuid OR blocked_id = ${u}::uuid`,
    deps.db.$executeRaw`DELETE FROM feed_entries WHERE user_id = ${u}::uuid OR author_id = ${u}::uuid`,
    deps.db.$executeRaw`DELETE FROM activity_reads WHERE user_id = ${u}::uuid`,
    // Their reports go with them (the staff queue would otherwise name a reporter who is gone).
    deps.db.$executeRaw`DELETE FROM reports WHERE reporter_id = ${u}::uuid`,
    deps.db.$executeRaw`DELETE FROM post_refs WHERE author_id = ${u}::uuid`,
  ]);
  for (const id of postIds) await deps.trending.remove(id);
  deps.log.info({ userId, posts: postIds.length }, 'removed the social data of a deleted account');
}

export function socialEventHandler(deps: ConsumerDeps): EventHandler {
  return async (event) => {
    switch (event.type) {
      case eventTypes.postCreated:
        return onPostCreated(deps, event);
      case eventTypes.postDeleted:
        return onPostDeleted(deps, event);
      case eventTypes.userDeleted:
        return onUserDeleted(deps, event);
    }
  };
}
