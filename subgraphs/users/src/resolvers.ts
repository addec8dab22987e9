import { optionalViewer, requireViewer } from '@fffoto/shared/server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { SEARCH_MAX } from './service.ts';
import { DateTime } from '@fffoto/shared/scalars';
import { notFound } from '@fffoto/shared/errors';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    me: async (_p, _a, ctx) => {
      const viewer = optionalViewer(ctx);
      return viewer ? ctx.users.requireLive(viewer.id) : null;
    },
    user: (_p, { handle }, ctx) => ctx.users.byHandle(handle),
    searchUsers: (_p, { query, first }, ctx) => ctx.users.search(query, first ?? Math.min(20, SEARCH_MAX)),
  },
  Mutation: {
    signUp: (_p, { input }, ctx) => ctx.users.signUp(input),
    logIn: (_p, { input }, ctx) => ctx.users.logIn(input),
    refreshSession: (_p, { refreshToken }, ctx) => ctx.users.sessions.refresh(refreshToken),
    logOut: async (_p, { refreshToken }, ctx) => {
      await ctx.users.sessions.end(refreshToken);
      return true;
    },
    updateProfile: (_p, { input }, ctx) => ctx.users.updateProfile(requireViewer(ctx).id, input),
    deleteAccount: (_p, { password }, ctx) => ctx.users.deleteAccount(requireViewer(ctx).id, password),
  },
  User: {
    // A reference to a deleted or unknown account is an error with a reason, not a bare null
    // (which the gateway would turn into a parent null with nothing in `errors`).
    __resolveReference: async (ref, ctx) => {
      const user = await ctx.userById.load(ref.id);
      if (!user) throw notFound('User');
      return user;
    },
  },
};
