// Likes and comments. A like is one row per (post, user) under a unique constraint, inserted
// with ON CONFLICT DO NOTHING: concurrent likes by one person make one row, never an error.
// The activity for the post's author is written in the same statement (a CTE), only when the
// like or comment row was really inserted and the actor is not the author.
import { badInput, forbidden, notFound } from '@fffoto/shared/errors';
import { blockedEitherWay } from './blocks.ts';
import type { SocialDeps } from './deps.ts';
import { uuidArg } from './paging.ts';
import type { CommentRow, PostRef } from './rows.ts';

export const COMMENT_MAX = 500;

export class Engagement {
  constructor(private readonly d: SocialDeps) {}

  /** The post, visible to the viewer (not across a block). */
  private async visiblePost(viewerId: string, postId: string): Promise<PostRef> {
    const ref = await this.d.refs.require(uuidArg(postId, 'postId'));
    if (ref.authorId !== viewerId && (await blockedEitherWay(this.d.db, viewerId, ref.authorId))) {
      throw forbidden('You cannot interact with this post.');
    }
    return ref;
  }

  async like(viewerId: string, postId: string): Promise<{ id: string }> {
    uuidArg(postId, 'postId');
    await this.d.limits.likes.consume(viewerId);
    const post = await this.visiblePost(viewerId, postId);
    const rows = await this.d.db.$queryRaw<Array<{ id: string; activityId: string | null }>>`
      WITH ins AS (
        INSERT INTO likes (id, post_id, user_id) VALUES (gen_random_uuid(), ${post.postId}::uuid, ${viewerId}::uuid)
        ON CONFLICT (post_id, user_id) DO NOTHING RETURNING id, created_at),
      act AS (
        INSERT INTO activities (id, recipient_id, actor_id, kind, post_id, created_at)
        SELECT gen_random_uuid(), ${post.authorId}::uuid, ${viewerId}::uuid, 'LIKE', ${post.postId}::uuid, ins.created_at
        FROM ins WHERE ${post.authorId}::uuid <> ${viewerId}::uuid RETURNING id)
      SELECT ins.id::text AS id, (SELECT id::text FROM act) AS "activityId" FROM ins`;
    const like = rows[0];
    if (like) {
      await this.d.trending.bump(post.postId, 1);
      this.d.live.likeAdded({ id: like.id, postId: post.postId, userId: viewerId });
      if (like.activityId) this.d.live.activityAdded({ id: like.activityId, recipientId: post.authorId });
    }
    return { id: post.postId };
  }

  async unlike(viewerId: string, postId: string): Promise<{ id: string }> {
    uuidArg(postId, 'postId');
    await this.d.limits.likes.consume(viewerId);
    const post = await this.visiblePost(viewerId, postId);
    const rows = await this.d.db.$queryRaw<Array<{ createdAt: Date }>>`
      WITH del AS (DELETE FROM likes WHERE post_id = ${post.postId}::uuid AND user_id = ${viewerId}::uuid RETURNING created_at),
      act AS (DELETE FROM activities WHERE kind = 'LIKE' AND post_id = ${post.postId}::uuid AND actor_id = ${viewerId}::uuid
        AND EXISTS (SELECT 1 FROM del))
      SELECT created_at AS "createdAt" FROM del`;
    if (rows[0]) await this.d.trending.bump(post.postId, -1, rows[0].createdAt);
    return { id: post.postId };
  }

  async addComment(viewerId: string, postId: string, raw: string): Promise<CommentRow> {
    uuidArg(postId, 'postId');
    const text = raw.trim();
    // Characters are code points, as VARCHAR(500) counts them (an emoji is one, not two UTF-16 units).
    const length = [...text].length;
    if (length < 1 || length > COMMENT_MAX) throw badInput(`A comment is 1–${COMMENT_MAX} characters.`, 'text');
    await this.d.limits.comments.consume(viewerId);
    const post = await this.visiblePost(viewerId, postId);
    const rows = await this.d.db.$queryRaw<Array<CommentRow & { activityId: string | null }>>`
      WITH ins AS (
        INSERT INTO comments (id, post_id, author_id, text) VALUES (gen_random_uuid(), ${post.postId}::uuid, ${viewerId}::uuid, ${text})
        RETURNING id, post_id, author_id, text, created_at),
      act AS (
        INSERT INTO activities (id, recipient_id, actor_id, kind, post_id, comment_id, created_at)
        SELECT gen_random_uuid(), ${post.authorId}::uuid, ${viewerId}::uuid, 'COMMENT', ins.post_id, ins.id, ins.created_at
        FROM ins WHERE ${post.authorId}::uuid <> ${viewerId}::uuid RETURNING id)
      SELECT ins.id::text, ins.post_id::text AS "postId", ins.author_id::text AS "authorId", ins.text, ins.created_at AS "createdAt",
        (SELECT id::text FROM act) AS "activityId" FROM ins`;
    const { activityId, ...comment } = rows[0]!;
    await this.d.trending.bump(post.postId, 2);
    this.d.live.commentAdded({ id: comment.id, postId: comment.postId, authorId: viewerId });
    if (activityId) this.d.live.activityAdded({ id: activityId, recipientId: post.authorId });
    return comment;
  }

  /** The comment's author or the post's author may delete it (a block does not stop either). */
  async deleteComment(viewerId: string, commentId: string): Promise<boolean> {
    const id = uuidArg(commentId, 'id');
    await this.d.limits.comments.consume(viewerId);
    const found = await this.d.db.$queryRaw<Array<{ postId: string; authorId: string }>>`
      SELECT post_id::text AS "postId", author_id::text AS "authorId" FROM comments WHERE id = ${id}::uuid`;
    const comment = found[0];
    if (!comment) throw notFound('Comment');
    if (comment.authorId !== viewerId) {
      const post = await this.d.refs.require(comment.postId);
      if (post.authorId !== viewerId) throw forbidden('Only the comment\'s author or the post\'s author may delete it.');
    }
    const rows = await this.d.db.$queryRaw<Array<{ createdAt: Date }>>`
      WITH del AS (DELETE FROM comments WHERE id = ${id}::uuid RETURNING created_at),
      act AS (DELETE FROM activities WHERE comment_id = ${id}::uuid)
      SELECT created_at AS "createdAt" FROM del`;
    if (rows[0]) await this.d.trending.bump(comment.postId, -2, rows[0].createdAt);
    return true;
  }
}
