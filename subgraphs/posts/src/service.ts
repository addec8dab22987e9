// Post writes: create, delete, WOW picks, and the event-driven clean-ups (user.deleted, block
// read model). Each change and the event announcing it share one transaction (outbox); tag
// counts change in that same transaction; trending is bumped after commit (a ranking, not a record).
import { Prisma, type Db, type Post } from '@fffoto/shared/db';
import { badInput, conflict, forbidden, notFound } from '@fffoto/shared/errors';
import { eventTypes } from '@fffoto/shared/events';
import { isUuid } from '@fffoto/shared/ids';
import type { Logger } from '@fffoto/shared/logger';
import { recordEvent, type OutboxRelay } from '@fffoto/shared/outbox';
import type { RateLimit } from '@fffoto/shared/rate-limit';
import type { Trending } from '@fffoto/shared/trending';
import { postsOutbox } from './outbox.ts';
import { normaliseCaption, parseHashtags, parseMentions } from './text.ts';
import type { Upstream } from './upstream.ts';

export const WOW_TAG = 'wow';

export interface PostsDeps {
  db: Db;
  relay: Pick<OutboxRelay, 'kick'>;
  trending: Trending;
  upstream: Upstream;
  /** createPost per user. */
  createLimit: RateLimit;
  /** deletePost, pickWow, unpickWow per user. */
  writeLimit: RateLimit;
  log: Logger;
}

export function requireId(id: string, field: string): string {
  if (!isUuid(id)) throw badInput(`${field} is not a valid id.`, field);
  return id.toLowerCase();
}

export class PostsService {
  constructor(private readonly deps: PostsDeps) {}

  async create(viewer: { id: string }, token: string | undefined, input: { loopId: string; caption?: string | null }): Promise<Post> {
    const { db, upstream } = this.deps;
    const loopId = requireId(input.loopId, 'input.loopId');
    const caption = normaliseCaption(input.caption);
    const tags = parseHashtags(caption);
    // After the checks that cost nothing (a typo must not spend the hour's quota), before the
    // calls to media and users.
    await this.deps.createLimit.consume(viewer.id);

    const loop = await upstream.loop(loopId, token);
    if (!loop) throw notFound('Loop');
    if (loop.owner.id !== viewer.id) throw forbidden('That loop is not yours.');
    if (loop.status !== 'READY') throw badInput(`The loop is ${loop.status}, not READY yet.`, 'input.loopId');
    // Cheap early answer; the unique index below is what really guarantees "at most once".
    if (await db.post.findUnique({ where: { loopId }, select: { id: true } })) throw postedTwice();

    const mentionedUserIds = (await upstream.userIds(parseMentions(caption), token)).filter((id) => id !== viewer.id);
    let post: Post;
    try {
      post = await db.$transaction(async (tx) => {
        const created = await tx.post.create({ data: { authorId: viewer.id, loopId, caption } });
        if (tags.length) {
          // Sorted: concurrent posts sharing tags lock the tag rows in the same order.
          await tx.$executeRaw`INSERT INTO tags (name, post_count) SELECT unnest(${[...tags].sort()}::text[]), 1
            ON CONFLICT (name) DO UPDATE SET post_count = tags.post_count + 1`;
          await tx.postTag.createMany({ data: tags.map((tagName) => ({ postId: created.id, tagName, createdAt: created.createdAt })) });
        }
        await recordEvent(tx, postsOutbox, eventTypes.postCreated, {
          postId: created.id,
          authorId: created.authorId,
          loopId,
          createdAt: created.createdAt.toISOString(),
          tags,
          mentionedUserIds: [...new Set(mentionedUserIds)],
        });
        return created;
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw postedTwice();
      throw err;
    }
    this.deps.relay.kick();
    await Promise.all(tags.map((t) => this.deps.trending.bump(t, 1, post.createdAt)));
    return post;
  }

  async delete(viewer: { id: string }, id: string): Promise<boolean> {
    const postId = requireId(id, 'id');
    await this.deps.writeLimit.consume(viewer.id);
    const post = await this.deps.db.post.findUnique({ where: { id: postId } });
    if (!post) throw notFound('Post');
    if (post.authorId !== viewer.id) throw forbidden('Only the author may delete a post.');
    if (!(await this.remove(post))) throw notFound('Post');
    return true;
  }

  /**
   * Deletes the post, its tags' counts, WOW pick and trending score, and announces it
   * (post.deleted: social removes it from feeds, likes, comments, activity). False when it was
   * already gone (a concurrent delete won).
   */
  private async remove(post: Post): Promise<boolean> {
    const { db } = this.deps;
    const tags = await db.$transaction(async (tx) => {
      const tagRows = await tx.postTag.findMany({ where: { postId: post.id }, select: { tagName: true } });
      const deleted = await tx.post.deleteMany({ where: { id: post.id } });
      if (!deleted.count) return null;
      const names = tagRows.map((t) => t.tagName).sort();
      if (names.length) await tx.$executeRaw`UPDATE tags SET post_count = post_count - 1 WHERE name = ANY(${names}::text[])`;
      await recordEvent(tx, postsOutbox, eventTypes.postDeleted, { postId: post.id, authorId: post.authorId });
      return names;
    });
    if (!tags) return false;
    this.deps.relay.kick();
    await Promise.all(tags.map((t) => this.deps.trending.bump(t, -1, post.createdAt)));
    return true;
  }

  async pickWow(staff: { id: string }, id: string): Promise<Post> {
    const postId = requireId(id, 'postId');
    await this.deps.writeLimit.consume(staff.id);
    const post = await this.requirePost(postId);
    const tagged = await this.deps.db.postTag.findUnique({ where: { postId_tagName: { postId: post.id, tagName: WOW_TAG } } });
    if (!tagged) throw badInput('Only posts tagged #wow can be picked for WOW.', 'postId');
    await this.deps.db.wowPick.upsert({ where: { postId: post.id }, create: { postId: post.id, pickedBy: staff.id }, update: {} });
    return post;
  }

  async unpickWow(staff: { id: string }, id: string): Promise<Post> {
    const postId = requireId(id, 'postId');
    await this.deps.writeLimit.consume(staff.id);
    const post = await this.requirePost(postId);
    await this.deps.db.wowPick.deleteMany({ where: { postId: post.id } });
    return post;
  }

  private async requirePost(id: string): Promise<Post> {
    const post = await this.deps.db.post.findUnique({ where: { id } });
    if (!post) throw notFound('Post');
    return post;
  }

  // ── event consumers (group "posts"); idempotent: an event may arrive twice ──

  /** user.deleted: the account's posts go (each announced, so social cleans up after them). */
  async deleteUserPosts(userId: string): Promise<number> {
    const posts = await this.deps.db.post.findMany({ where: { authorId: userId } });
    let n = 0;
    for (const post of posts) if (await this.remove(post)) n++;
    await this.deps.db.postBlock.deleteMany({ where: { OR: [{ blockerId: userId }, { blockedId: userId }] } });
    return n;
  }

  async blockAdded(blockerId: string, blockedId: string): Promise<void> {
    await this.deps.db.postBlock.createMany({ data: [{ blockerId, blockedId }], skipDuplicates: true });
  }

  async blockRemoved(blockerId: string, blockedId: string): Promise<void> {
    await this.deps.db.postBlock.deleteMany({ where: { blockerId, blockedId } });
  }
}

const postedTwice = () => conflict('That loop is already posted.', 'input.loopId');
