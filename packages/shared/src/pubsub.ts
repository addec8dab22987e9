// Pub/sub for live events: Redis in real deployments (every gateway replica hears every event),
// in-process when running embedded. Both implement graphql-subscriptions' PubSubEngine.
// Clients come from the one Redis module: the publisher has the command policy (a publish during
// an outage rejects within COMMAND_TIMEOUT_MS instead of hanging), the subscriber waits and
// resubscribes forever. Publishers decide what a failed publish means (LoopStore logs it).
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import type { Logger } from './logger.ts';
import { connectRedis, type RedisConnection } from './redis.ts';

export { PubSubEngine };

export interface PubSubHandle {
  pubsub: PubSubEngine;
  close(): Promise<void>;
}

export function createPubSub(redisUrl: string | undefined, prefix: string, log?: Logger): PubSubHandle {
  if (!redisUrl) {
    const pubsub = new PubSub();
    return { pubsub, close: async () => {} };
  }
  const publisher = connectRedis({ url: redisUrl, prefix, role: 'command', log, name: 'pubsub-publisher' });
  const subscriber = connectRedis({ url: redisUrl, prefix, role: 'subscriber', log, name: 'pubsub-subscriber' });
  const redisPubSub = new RedisPubSub({ publisher: publisher.client, subscriber: subscriber.client });
  return {
    pubsub: new PrefixedPubSub(redisPubSub, publisher),
    // quit() would wait for a Redis that is down; then there is nothing to flush anyway.
    close: async () => {
      await Promise.all([publisher, subscriber].map((c) => (c.isReady() ? c.close() : c.client.disconnect())));
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
    private readonly redis: Pick<RedisConnection, 'key'>,
  ) {
    super();
  }
  publish(trigger: string, payload: unknown) {
    return this.inner.publish(this.redis.key(trigger), payload);
  }
  subscribe(trigger: string, onMessage: (message: unknown) => void, options: object = {}) {
    return this.inner.subscribe(this.redis.key(trigger), onMessage, options);
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
