import { optionalViewer, requireStaff, requireViewer } from '@fffoto/shared/server';
import { DateTime } from '@fffoto/shared/scalars';
import { badInput, notFound } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';
import type { Context, TagParent } from './context.ts';
import { connection, decodeCursor, pageSize } from './cursor.ts';
import type { PostRow, WowRow } from './queries.ts';
import type { Resolvers } from './generated/resolvers-types.ts';
import { normaliseTag, TAG_MAX_LENGTH } from './text.ts';

const postKey = (p: PostRow) => ({ at: p.createdAt, id: p.id });

/** A post the viewer may see: it exists and no block stands between them and its author. */
async function visiblePost(ctx: Context, id: string): Promise<PostRow | null> {
  const viewer = optionalViewer(ctx);
  if (!isUuid(id)) throw badInput('id is not a valid id.', 'id');
  const post = await ctx.postById.load(id.toLowerCase());
  if (!post) return null;
  if (viewer && viewer.id !== post.authorId && (await ctx.queries.hiddenFrom(viewer.id, post.authorId))) return null;
  return post;
}

function tagName(raw: string, field: string): string {
  const name = normaliseTag(raw);
  if ([...name].length > TAG_MAX_LENGTH) throw badInput(`A tag has at most ${TAG_MAX_LENGTH} characters.`, field);
  return name;
}

async function page(ctx: Context, loader: Context['postsOfUser'], owner: string, args: { first?: number | null; after?: string | null }) {
  optionalViewer(ctx); // a bad token fails here rather than reading as anonymous
  const first = pageSize(args.first);
  const after = decodeCursor(args.after);
  const rows = await loader.load({ owner, limit: first + 1, after });
  return connection(rows, first, postKey);
}

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    post: (_p, { id }, ctx) => visiblePost(ctx, id),
    tag: async (_p, { name }, ctx) => {
      const tag = await ctx.tagByName.load(tagName(name, 'name'));
      return tag && tag.postCount > 0 ? tag : null;
    },
    searchTags: async (_p, { query, first }, ctx) => {
      const n = pageSize(first);
      const prefix = tagName(query, 'query');
      return prefix === '' ? [] : ctx.queries.searchTags(prefix, n);
    },
    trendingTags: async (_p, { first }, ctx) => {
      const top = await ctx.tagTrending.top(pageSize(first));
      const tags = await Promise.all(top.map((t) => ctx.tagByName.load(t.member)));
      return tags.filter((t): t is NonNullable<typeof t> => t !== null && t.postCount > 0);
    },
    wow: async (_p, { first, after }, ctx) => {
      const viewer = optionalViewer(ctx);
      const n = pageSize(first);
      const rows = await ctx.queries.wow(n + 1, decodeCursor(after), viewer?.id ?? null);
      return connection<WowRow>(rows, n, (r) => ({ at: r.pickedAt, id: r.id }));
    },
  },
  Mutation: {
    createPost: (_p, { input }, ctx) => ctx.posts.create(requireViewer(ctx), ctx.token, input),
    deletePost: (_p, { id }, ctx) => ctx.posts.delete(requireViewer(ctx), id),
    pickWow: (_p, { postId }, ctx) => ctx.posts.pickWow(requireStaff(ctx), postId),
    unpickWow: (_p, { postId }, ctx) => ctx.posts.unpickWow(requireStaff(ctx), postId),
  },
  Post: {
    // A reference to a deleted post is an error with a reason, not a bare null.
    __resolveReference: async (ref, ctx) => {
      const post = isUuid(ref.id) ? await ctx.postById.load(ref.id.toLowerCase()) : null;
      if (!post) throw notFound('Post');
      return post;
    },
    author: (post) => ({ __typename: 'User' as const, id: post.authorId }),
    loop: (post) => ({ __typename: 'Loop' as const, id: post.loopId }),
    tags: async (post, _a, ctx) => {
      const tags = await ctx.tagsOfPost.load(post.id);
      for (const t of tags) ctx.tagByName.prime(t.name, t);
      return tags;
    },
    wowPicked: (post, _a, ctx) => ctx.wowPicked.load(post.id),
  },
  Tag: {
    __resolveReference: (ref: TagParent) => ({ name: ref.name }),
    postCount: async (tag, _a, ctx) => tag.postCount ?? (await ctx.tagByName.load(tag.name))?.postCount ?? 0,
    posts: (tag, args, ctx) => page(ctx, ctx.postsOfTag, tag.name, args),
  },
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    posts: (user, args, ctx) => page(ctx, ctx.postsOfUser, user.id, args),
    postCount: (user, _a, ctx) => ctx.postCount.load(user.id),
  },
};
