// Pub/sub for live events: Redis in real deployments (every gateway replica hears every event),
// in-process when running embedded. Both implement graphql-subscriptions' PubSubEngine.
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';

export type { PubSubEngine };

export interface PubSubHandle {
  pubsub: PubSubEngine;
  close(): Promise<void>;
}

export function createPubSub(redisUrl: string | undefined, prefix: string): PubSubHandle {
  if (!redisUrl) {
    const pubsub = new PubSub();
    return { pubsub, close: async () => {} };
  }
  const options = { keyPrefix: prefix, maxRetriesPerRequest: null };
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, options);
  const pubsub = new RedisPubSub({ publisher, subscriber });
  return {
    pubsub,
    close: async () => {
      await pubsub.close();
    },
  };
}

/** Channel names, one place, so publishers and the gateway agree. */
export const channels = {
  loopUpdated: (loopId: string) => `loop-updated:${loopId}`,
  likeAdded: (postId: string) => `like-added:${postId}`,
  commentAdded: (postId: string) => `comment-added:${postId}`,
  activityAdded: (userId: string) => `activity-added:${userId}`,
};
