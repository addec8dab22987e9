// The live-event iterators (packages/shared/src/live-stream.ts): pure logic, and the in-process
// pub/sub that `npm start` uses.
import { describe, expect, it } from 'vitest';
import { PubSub } from 'graphql-subscriptions';
import { channelEvents, EventQueue, mapStream, startWith, StreamOverflowError } from '../packages/shared/src/live-stream.ts';

describe('EventQueue', () => {
  it('hands items out in order, to a waiting reader at once', async () => {
    const q = new EventQueue<number>(10);
    const first = q.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
  });

  it('fails past its bound (a consumer that fell behind) and says so to the producer', async () => {
    const q = new EventQueue<number>(2);
    expect(q.push(1)).toBe(true);
    expect(q.push(2)).toBe(true);
    expect(q.push(3)).toBe(false);
    expect(await q.next()).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    await expect(q.next()).rejects.toBeInstanceOf(StreamOverflowError);
  });

  it('return() ends a reader parked on next() at once and runs onEnd once', async () => {
    let ended = 0;
    const q = new EventQueue<number>(5, () => ended++);
    const parked = q.next();
    await q.return();
    await q.return();
    expect(await parked).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
    expect(q.push(1)).toBe(false);
  });
});

describe('mapStream and startWith', () => {
  it('maps in order, skips undefined, and return() ends the source', async () => {
    const source = new EventQueue<number>(10);
    const mapped = mapStream(source, async (n) => (n % 2 ? undefined : n * 10));
    for (const n of [1, 2, 3, 4]) source.push(n);
    expect(await mapped.next()).toEqual({ value: 20, done: false });
    expect(await mapped.next()).toEqual({ value: 40, done: false });
    await mapped.return!();
    expect(source.push(5)).toBe(false);
  });

  it('startWith yields the current state before the changes', async () => {
    const changes = new EventQueue<string>(10);
    const it = startWith('PENDING', changes);
    changes.push('READY');
    expect((await it.next()).value).toBe('PENDING');
    expect((await it.next()).value).toBe('READY');
  });
});

describe('channelEvents on the in-process pub/sub', () => {
  it('delivers what is published after it resolves, and unsubscribes on return()', async () => {
    const pubsub = new PubSub();
    const events = await channelEvents<{ n: number }>(pubsub, 'c');
    await pubsub.publish('c', { n: 1 });
    expect(await events.next()).toEqual({ value: { n: 1 }, done: false });
    await events.return!();
    // Nothing listens any more: graphql-subscriptions' PubSub keeps no subscriber for the channel.
    expect((pubsub as unknown as { ee: { listenerCount(c: string): number } }).ee.listenerCount('c')).toBe(0);
  });
});
