// Events the posts subgraph consumes, as the consumer group "posts": user.deleted (from users)
// and block.added / block.removed (from social, feeding the post_blocks read model).
import { eventTypes, type EventBus, type Consumer, type DomainEvent } from '@fffoto/shared/events';
import { isUuid } from '@fffoto/shared/ids';
import type { Logger } from '@fffoto/shared/logger';
import type { PostsService } from './service.ts';

const ids = (event: DomainEvent, ...names: string[]): string[] | null => {
  const values = names.map((n) => event.payload[n]);
  return values.every((v) => typeof v === 'string' && isUuid(v)) ? (values as string[]) : null;
};

export function startConsumers(bus: EventBus, posts: PostsService, log: Logger): Consumer {
  return bus.consume({
    group: 'posts',
    handler: async (event) => {
      switch (event.type) {
        case eventTypes.userDeleted: {
          const [userId] = ids(event, 'userId') ?? [];
          if (!userId) return log.warn({ eventId: event.eventId }, 'user.deleted without a valid userId; ignored');
          const deleted = await posts.deleteUserPosts(userId);
          log.info({ userId, deleted }, 'deleted the posts of a deleted account');
          return;
        }
        case eventTypes.blockAdded:
        case eventTypes.blockRemoved: {
          const pair = ids(event, 'blockerId', 'blockedId');
          if (!pair) return log.warn({ eventId: event.eventId, type: event.type }, 'block event without valid ids; ignored');
          if (event.type === eventTypes.blockAdded) await posts.blockAdded(pair[0]!, pair[1]!);
          else await posts.blockRemoved(pair[0]!, pair[1]!);
          return;
        }
        default:
          return; // other groups' events
      }
    },
  });
}
