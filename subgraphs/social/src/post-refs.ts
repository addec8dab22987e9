// What social knows about posts: post_refs (id, author, time), fed by post.created/post.deleted.
// A post can be liked before its post.created event arrives (likePost right after createPost),
// so an unknown id is read through from posts (`_entities`, edge social → posts) and stored.
// Existence of users (follow, block, report) is asked of users the same way (edge social → users).
import type { Db } from '@fffoto/shared/db';
import { notFound } from '@fffoto/shared/errors';
import type { SubgraphClient } from '@fffoto/shared/subgraph-client';
import type { PostRef } from './rows.ts';

type Sql = Pick<Db, '$queryRaw' | '$executeRaw'>;

export async function savePostRef(db: Sql, ref: PostRef): Promise<void> {
  await db.$executeRaw`INSERT INTO post_refs (post_id, author_id, created_at)
    VALUES (${ref.postId}::uuid, ${ref.authorId}::uuid, ${ref.createdAt}::timestamptz) ON CONFLICT (post_id) DO NOTHING`;
}

const POST_QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Post { id author { id } createdAt } } }`;
const USER_QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }`;

type Entities<T> = { _entities: Array<T | null> };

export class PostRefs {
  constructor(
    private readonly db: Db,
    private readonly posts: SubgraphClient,
    private readonly users: SubgraphClient,
  ) {}

  async local(postId: string): Promise<PostRef | null> {
    const rows = await this.db.$queryRaw<PostRef[]>`SELECT post_id::text AS "postId", author_id::text AS "authorId",
      created_at AS "createdAt" FROM post_refs WHERE post_id = ${postId}::uuid`;
    return rows[0] ?? null;
  }

  /** The post, from post_refs or else from posts (then stored); NOT_FOUND when neither has it. */
  async require(postId: string): Promise<PostRef> {
    const known = await this.local(postId);
    if (known) return known;
    const data = await this.posts
      .request<Entities<{ id: string; author: { id: string } | null; createdAt: string }>>(POST_QUERY, { r: [{ __typename: 'Post', id: postId }] })
      .catch((err: { extensions?: { code?: string } }) => {
        if (err.extensions?.code === 'NOT_FOUND') return { _entities: [null] };
        throw err;
      });
    const post = data._entities[0];
    if (!post?.author) throw notFound('Post');
    const ref = { postId, authorId: post.author.id, createdAt: new Date(post.createdAt) };
    await savePostRef(this.db, ref);
    return ref;
  }

  /** NOT_FOUND unless users knows a live account with this id. */
  async requireUser(userId: string): Promise<void> {
    const data = await this.users
      .request<Entities<{ id: string }>>(USER_QUERY, { r: [{ __typename: 'User', id: userId }] })
      .catch((err: { extensions?: { code?: string } }) => {
        if (err.extensions?.code === 'NOT_FOUND') return { _entities: [null] };
        throw err;
      });
    if (!data._entities[0]) throw notFound('User');
  }

  async userExists(userId: string): Promise<boolean> {
    try {
      await this.requireUser(userId);
      return true;
    } catch (err) {
      if ((err as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return false;
      throw err;
    }
  }
}
