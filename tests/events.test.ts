// The durable event bus (packages/shared/src/events.ts) over Redis Streams: a consumer group
// gets each event, and keeps getting them after Redis lost its data (a restart without
// persistence drops the stream and the group: the consumer must make them again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventBus, type DomainEvent, type EventBus } from '@fffoto/shared/events';
import { skipWithout } from './support/needs.ts';
import { startOwnRedis, type OwnRedis } from './support/own-redis.ts';

describe.skipIf(skipWithout('redis-server', 'the event-stream recovery test'))('event bus on Redis Streams', () => {
  let redis: OwnRedis;
  let bus: EventBus;
  const seen: string[] = [];

  async function until(done: () => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`not delivered in time; seen ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    redis = await startOwnRedis();
    bus = openEventBus({ url: redis.url, prefix: 'events-test:' });
    bus.consume({ group: 'g', blockMs: 200, handler: async (e: DomainEvent) => void seen.push(e.eventId) });
  });
  afterAll(async () => {
    await bus?.close();
    await redis?.kill();
  });

  it('delivers an event to the group, and goes on delivering after Redis restarts empty', async () => {
    await bus.publish({ type: 't', eventId: 'before', payload: {} });
    await until(() => seen.includes('before'));
    await redis.restart(); // the stream and the group are gone
    // Publishing again until the writer has reconnected and the consumer has the event.
    for (let i = 0; !seen.includes('after'); i++) {
      await bus.publish({ type: 't', eventId: 'after', payload: {} }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      if (i > 40) throw new Error(`not delivered after the restart; seen ${JSON.stringify(seen)}`);
    }
    expect(seen.filter((id) => id === 'before')).toHaveLength(1);
  });
});
