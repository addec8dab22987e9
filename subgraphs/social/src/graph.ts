// The social graph: follows and blocks. Each write about a pair of users runs in a transaction
// holding the pair's advisory lock, so racing follow/unfollow/block calls end in one of the
// states a serial order would give: follows, feed entries and FOLLOW activity agree.
import { badInput, forbidden } from '@fffoto/shared/errors';
import { eventTypes } from '@fffoto/shared/events';
import { recordEvent } from '@fffoto/shared/outbox';
import { blockedEitherWay } from './blocks.ts';
import { lockPair, type SocialDeps } from './deps.ts';
import { BACKFILL_POSTS } from './feed.ts';
import { socialOutbox } from './outbox.ts';
import { uuidArg } from './paging.ts';

export class Graph {
  constructor(private readonly d: SocialDeps) {}

  private async other(viewerId: string, userId: string, verb: string): Promise<string> {
    const id = uuidArg(userId, 'userId');
    if (id === viewerId) throw badInput(`You cannot ${verb} yourself.`, 'userId');
    return id;
  }

  /** Follows `userId` (idempotent): backfills their latest posts into the viewer's feed. */
  async follow(viewerId: string, userId: string): Promise<{ id: string }> {
    const id = await this.other(viewerId, userId, 'follow');
    await this.d.limits.follows.consume(viewerId);
    await this.d.refs.requireUser(id);
    const activityId = await this.d.db.$transaction(async (tx) => {
      await lockPair(tx, viewerId, id);
      if (await blockedEitherWay(tx, viewerId, id)) throw forbidden('You cannot follow this person.');
      const rows = await tx.$queryRaw<Array<{ activityId: string | null }>>`
        WITH ins AS (
          INSERT INTO follows (follower_id, followee_id) VALUES (${viewerId}::uuid, ${id}::uuid)
          ON CONFLICT DO NOTHING RETURNING created_at),
        feed AS (
          INSERT INTO feed_entries (user_id, post_id, author_id, created_at)
          SELECT ${viewerId}::uuid, r.post_id, r.author_id, r.created_at FROM (
            SELECT post_id, author_id, created_at FROM post_refs WHERE author_id = ${id}::uuid
            ORDER BY created_at DESC LIMIT ${BACKFILL_POSTS}) r
          WHERE EXISTS (SELECT 1 FROM ins) ON CONFLICT DO NOTHING),
        act AS (
          INSERT INTO activities (id, recipient_id, actor_id, kind, created_at)
          SELECT gen_random_uuid(), ${id}::uuid, ${viewerId}::uuid, 'FOLLOW', ins.created_at FROM ins RETURNING id)
        SELECT (SELECT id::text FROM act) AS "activityId" FROM ins`;
      return rows[0]?.activityId ?? null;
    });
    if (activityId) this.d.live.activityAdded({ id: activityId, recipientId: id });
    return { id };
  }

  /** Unfollows (idempotent): their posts leave the viewer's feed, the FOLLOW activity goes. */
  async unfollow(viewerId: string, userId: string): Promise<{ id: string }> {
    const id = await this.other(viewerId, userId, 'unfollow');
    await this.d.limits.follows.consume(viewerId);
    await this.d.db.$transaction(async (tx) => {
      await lockPair(tx, viewerId, id);
      await tx.$queryRaw`
        WITH del AS (DELETE FROM follows WHERE follower_id = ${viewerId}::uuid AND followee_id = ${id}::uuid RETURNING 1),
        feed AS (DELETE FROM feed_entries WHERE user_id = ${viewerId}::uuid AND author_id = ${id}::uuid),
        act AS (DELETE FROM activities WHERE kind = 'FOLLOW' AND actor_id = ${viewerId}::uuid AND recipient_id = ${id}::uuid)
        SELECT count(*)::int AS n FROM del`;
    });
    return { id };
  }

  /**
   * Blocks `userId` (idempotent): follows both ways, each other's posts in the two feeds and
   * the activity between them are removed; block.added tells posts to hide posts both ways.
   */
  async block(viewerId: string, userId: string): Promise<boolean> {
    const id = await this.other(viewerId, userId, 'block');
    await this.d.limits.follows.consume(viewerId);
    await this.d.refs.requireUser(id);
    await this.d.db.$transaction(async (tx) => {
      // Both follow edges' locks, in one global order (no deadlock with a follow either way).
      const [a, b] = [`${viewerId}:${id}`, `${id}:${viewerId}`].sort();
      for (const pair of [a!, b!]) {
        const [x, y] = pair.split(':');
        await lockPair(tx, x!, y!);
      }
      const inserted = await tx.$executeRaw`INSERT INTO blocks (blocker_id, blocked_id) VALUES (${viewerId}::uuid, ${id}::uuid) ON CONFLICT DO NOTHING`;
      await tx.$executeRaw`DELETE FROM follows WHERE (follower_id = ${viewerId}::uuid AND followee_id = ${id}::uuid)
        OR (follower_id = ${id}::uuid AND followee_id = ${viewerId}::uuid)`;
      await tx.$executeRaw`DELETE FROM feed_entries WHERE (user_id = ${viewerId}::uuid AND author_id = ${id}::uuid)
        OR (user_id = ${id}::uuid AND author_id = ${viewerId}::uuid)`;
      await tx.$executeRaw`DELETE FROM activities WHERE (recipient_id = ${viewerId}::uuid AND actor_id = ${id}::uuid)
        OR (recipient_id = ${id}::uuid AND actor_id = ${viewerId}::uuid)`;
      if (inserted) await recordEvent(tx, socialOutbox, eventTypes.blockAdded, { blockerId: viewerId, blockedId: id });
    });
    this.d.relay.kick();
    return true;
  }

  /** Removes the viewer's own block of `userId` (idempotent); a block the other way stays. */
  async unblock(viewerId: string, userId: string): Promise<boolean> {
    const id = await this.other(viewerId, userId, 'unblock');
    await this.d.limits.follows.consume(viewerId);
    await this.d.db.$transaction(async (tx) => {
      const removed = await tx.$executeRaw`DELETE FROM blocks WHERE blocker_id = ${viewerId}::uuid AND blocked_id = ${id}::uuid`;
      if (removed) await recordEvent(tx, socialOutbox, eventTypes.blockRemoved, { blockerId: viewerId, blockedId: id });
    });
    this.d.relay.kick();
    return true;
  }
}
