// Pub/sub for live events: Redis in real deployments (every gateway replica hears every event),
// in-process when running embedded. Both implement graphql-subscriptions' PubSubEngine.
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import { Redis } from 'ioredis';

export { PubSubEngine };

export interface PubSubHandle {
  pubsub: PubSubEngine;
  close(): Promise<void>;
}

export function createPubSub(redisUrl: string | undefined, prefix: string): PubSubHandle {
  if (!redisUrl) {
    const pubsub = new PubSub();
    return { pubsub, close: async () => {} };
  }
  const options = { maxRetriesPerRequest: null };
  const redisPubSub = new RedisPubSub({ publisher: new Redis(redisUrl, options), subscriber: new Redis(redisUrl, options) });
  return {
    pubsub: new PrefixedPubSub(redisPubSub, prefix),
    close: async () => {
      await redisPubSub.close();
    },
  };
}

/**
 * Prefixes channel names. ioredis' keyPrefix covers keys, not pub/sub channels, and channels
 * need the same isolation between deployments (and test runs) sharing one Redis.
 */
class PrefixedPubSub extends PubSubEngine {
  constructor(
    private readonly inner: PubSubEngine,
    private readonly prefix: string,
  ) {
    super();
  }
  publish(trigger: string, payload: unknown) {
    return this.inner.publish(this.prefix + trigger, payload);
  }
  subscribe(trigger: string, onMessage: (message: unknown) => void, options: object = {}) {
    return this.inner.subscribe(this.prefix + trigger, onMessage, options);
  }
  unsubscribe(id: number) {
    return this.inner.unsubscribe(id);
  }
}

/** Channel names, one place, so publishers and the gateway agree. */
export const channels = {
  loopUpdated: (loopId: string) => `loop-updated:${loopId}`,
  likeAdded: (postId: string) => `like-added:${postId}`,
  commentAdded: (postId: string) => `comment-added:${postId}`,
  activityAdded: (userId: string) => `activity-added:${userId}`,
};
