import { DateTime } from '@fffoto/shared/scalars';
import { notFound } from '@fffoto/shared/errors';
import { optionalViewer, requireStaff, requireViewer } from '@fffoto/shared/server';
import type { ActivityParent, CommentParent, LikeParent } from './context.ts';
import type { Resolvers } from './generated/resolvers-types.ts';
import { decodeCursor, pageSize, connection } from './paging.ts';

const byTime = <R extends { createdAt: Date; id: string }>(r: R) => ({ at: r.createdAt, id: r.id });

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    feed: (_p, { first, after }, ctx) => ctx.social.feed(requireViewer(ctx).id, first, after),
    activity: (_p, { first, after }, ctx) => ctx.social.news.activity(requireViewer(ctx).id, pageSize(first), decodeCursor(after)),
    unreadActivityCount: (_p, _a, ctx) => ctx.social.news.unreadCount(requireViewer(ctx).id),
    trendingPosts: (_p, { first }, ctx) => ctx.social.trendingPosts(optionalViewer(ctx)?.id ?? null, first),
    reports: (_p, { first, after }, ctx) => {
      requireStaff(ctx);
      return ctx.social.news.openReports(pageSize(first), decodeCursor(after));
    },
  },
  Subscription: {
    // Public streams: the viewer, when there is one, only makes a post they are blocked from NOT_FOUND.
    likeAdded: {
      subscribe: (_p, { postId }, ctx) => ctx.social.streams.likes(postId, optionalViewer(ctx)?.id ?? null),
      resolve: (payload: { likeAdded: LikeParent }) => payload.likeAdded,
    },
    commentAdded: {
      subscribe: (_p, { postId }, ctx) => ctx.social.streams.comments(postId, optionalViewer(ctx)?.id ?? null),
      resolve: (payload: { commentAdded: CommentParent }) => payload.commentAdded,
    },
    activityAdded: {
      subscribe: (_p, _a, ctx) => ctx.social.streams.activity(requireViewer(ctx).id),
      resolve: (payload: { activityAdded: ActivityParent }) => payload.activityAdded,
    },
  },
  Mutation: {
    follow: (_p, { userId }, ctx) => ctx.social.graph.follow(requireViewer(ctx).id, userId),
    unfollow: (_p, { userId }, ctx) => ctx.social.graph.unfollow(requireViewer(ctx).id, userId),
    blockUser: (_p, { userId }, ctx) => ctx.social.graph.block(requireViewer(ctx).id, userId),
    unblockUser: (_p, { userId }, ctx) => ctx.social.graph.unblock(requireViewer(ctx).id, userId),
    likePost: (_p, { postId }, ctx) => ctx.social.engagement.like(requireViewer(ctx).id, postId),
    unlikePost: (_p, { postId }, ctx) => ctx.social.engagement.unlike(requireViewer(ctx).id, postId),
    addComment: (_p, { postId, text }, ctx) => ctx.social.engagement.addComment(requireViewer(ctx).id, postId, text),
    deleteComment: (_p, { id }, ctx) => ctx.social.engagement.deleteComment(requireViewer(ctx).id, id),
    report: (_p, { input }, ctx) => ctx.social.news.report(requireViewer(ctx).id, input),
    markActivityRead: (_p, { before }, ctx) =>
      ctx.social.news.markRead(requireViewer(ctx).id, before ? new Date(before) : null),
  },
  User: {
    __resolveReference: (ref) => ({ id: ref.id }),
    followerCount: (u, _a, ctx) => ctx.loaders.followerCount.load(u.id),
    followingCount: (u, _a, ctx) => ctx.loaders.followingCount.load(u.id),
    viewerIsFollowing: (u, _a, ctx) => {
      optionalViewer(ctx);
      return ctx.loaders.viewerIsFollowing.load(u.id);
    },
    followers: async (u, { first, after }, ctx) =>
      connection(await ctx.loaders.followers(u.id, first, after), pageSize(first),
        (r) => ({ at: r.createdAt, id: r.userId }), (r) => ({ id: r.userId })),
    following: async (u, { first, after }, ctx) =>
      connection(await ctx.loaders.following(u.id, first, after), pageSize(first),
        (r) => ({ at: r.createdAt, id: r.userId }), (r) => ({ id: r.userId })),
  },
  Post: {
    __resolveReference: (ref) => ({ id: ref.id }),
    likeCount: (p, _a, ctx) => ctx.loaders.likeCount.load(p.id),
    commentCount: (p, _a, ctx) => ctx.loaders.commentCount.load(p.id),
    viewerHasLiked: (p, _a, ctx) => {
      optionalViewer(ctx);
      return ctx.loaders.viewerHasLiked.load(p.id);
    },
    likes: async (p, { first, after }, ctx) =>
      connection(await ctx.loaders.likes(p.id, first, after), pageSize(first), byTime, (r) => r),
    comments: async (p, { first, after }, ctx) =>
      connection(await ctx.loaders.comments(p.id, first, after), pageSize(first), byTime, (r) => r),
  },
  Comment: {
    __resolveReference: async (ref, ctx) => {
      const comment = await ctx.loaders.commentById.load(ref.id);
      if (!comment) throw notFound('Comment');
      return comment;
    },
    author: (c) => ({ id: c.authorId }),
    post: (c) => ({ id: c.postId }),
  },
  Like: {
    user: (l) => ({ id: l.userId }),
    post: (l) => ({ id: l.postId }),
  },
  Activity: {
    actor: (a) => ({ id: a.actorId }),
    post: (a) => (a.postId ? { id: a.postId } : null),
    comment: (a, _args, ctx) => (a.commentId ? ctx.loaders.commentById.load(a.commentId) : null),
    unread: (a) => a.unread ?? false,
  },
  Report: {
    reporter: (r) => ({ id: r.reporterId }),
  },
};
