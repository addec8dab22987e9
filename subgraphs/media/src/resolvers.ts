import { DateTime } from '@fffoto/shared/scalars';
import { requireViewer } from '@fffoto/shared/server';
import type { Resolvers } from './generated/resolvers-types.ts';
import { outputKeys } from './limits.ts';
import { DAILY_THEMES, dailyTheme } from './pipeline/index.ts';
import type { Context, LoopParent } from './context.ts';

const outputUrl = (kind: keyof ReturnType<typeof outputKeys>) => (loop: LoopParent, _a: unknown, ctx: Context) =>
  loop.status === 'READY' ? ctx.outputUrl(outputKeys(loop.id)[kind]) : null;

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    loop: (_p, { id }, ctx) => ctx.loopById.load(id),
    effects: () => {
      const today = dailyTheme(new Date());
      return [
        { effect: 'NONE', name: 'None', description: 'The burst as shot.' },
        { effect: 'DAZE', name: 'Daze', description: 'Lightens and auto-corrects, a little warm.' },
        { effect: 'SOLO', name: 'Solo', description: 'Black and white, contrasty and grainy.' },
        {
          effect: 'DAILY',
          name: today.name,
          description: `Today's filter: ${today.description} Rotates daily through ${DAILY_THEMES.map((t) => t.name).join(', ')}.`,
        },
      ];
    },
  },
  Subscription: {
    loopUpdated: {
      subscribe: (_p, { id }, ctx) => ctx.media.loops.updates(id, requireViewer(ctx).id),
      resolve: (payload: { loopUpdated: LoopParent }) => payload.loopUpdated,
    },
  },
  Mutation: {
    requestUpload: (_p, { input }, ctx) => ctx.media.requestUpload(requireViewer(ctx).id, input),
    createLoop: (_p, { input }, ctx) => ctx.media.createLoop(requireViewer(ctx).id, input),
    previewLoop: (_p, { input }, ctx) => ctx.previewer.preview(requireViewer(ctx).id, input),
  },
  Loop: {
    __resolveReference: (ref, ctx) => ctx.loopById.load(ref.id),
    owner: (loop) => ({ __typename: 'User', id: loop.ownerId }),
    mp4Url: outputUrl('mp4'),
    webpUrl: outputUrl('webp'),
    gifUrl: outputUrl('gif'),
    posterUrl: outputUrl('poster'),
  },
};
