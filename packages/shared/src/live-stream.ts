// Async iterators for live events, written as classes rather than async generators: a
// generator parked on `await` cannot be ended from outside until its next event, so an
// unsubscribe would hold its Redis subscription (and memory) until the stream spoke again.
// Here return() ends the stream at once and releases what it holds.
import { withDeadline } from './errors.ts';
import type { PubSubEngine } from './pubsub.ts';

/** How long a subscription waits for pub/sub (Redis) to confirm it. */
const SUBSCRIBE_DEADLINE_MS = 3_000;

/** Extensions a subgraph attaches to one event's result (e.g. who must not see it). */
export const LIVE_EXTENSIONS = Symbol('live-extensions');

/** What a subgraph tells the gateway about an event, beside its data. */
export interface LiveEventExtensions {
  /** Viewers on either side of a block with the event's people: the gateway delivers it to none of them. */
  hiddenFrom?: string[];
}

export class StreamOverflowError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} events waiting: the consumer fell behind`);
  }
}

/** A push-fed queue read as an async iterator, bounded: past `limit` waiting events it fails. */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private failure: ((err: Error) => void) | null = null;
  private error: Error | null = null;
  private done = false;

  constructor(
    private readonly limit: number,
    private readonly onEnd: () => void = () => {},
  ) {}

  /** False once the queue is ended (or failed): the producer may drop its reference. */
  push(item: T): boolean {
    if (this.done) return false;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failure = null;
      resolve({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.limit) {
      this.fail(new StreamOverflowError(this.limit));
      return false;
    }
    this.items.push(item);
    return true;
  }

  get size(): number {
    return this.items.length;
  }

  fail(err: Error): void {
    if (this.done) return;
    this.error = err;
    this.finish();
    const reject = this.failure;
    this.waiting = this.failure = null;
    reject?.(err);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failure = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.finish();
    const resolve = this.waiting;
    this.waiting = this.failure = null;
    resolve?.({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<T>> {
    this.fail(err instanceof Error ? err : new Error(String(err)));
    return Promise.reject(err);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private finish() {
    if (this.done) return;
    this.done = true;
    this.onEnd();
  }
}

/**
 * The events of one pub/sub channel, resolved once the subscription is in place (for Redis:
 * once the server confirmed SUBSCRIBE), so an event published after this returns is delivered.
 */
export async function channelEvents<T>(pubsub: PubSubEngine, channel: string, limit = 256): Promise<AsyncIterableIterator<T>> {
  let id: number | undefined;
  let ended = false;
  const queue = new EventQueue<T>(limit, () => {
    ended = true;
    if (id !== undefined) pubsub.unsubscribe(id);
  });
  const subscribed = pubsub.subscribe(channel, (message: T) => queue.push(message), {});
  // Redis down: a subscribe would wait for it indefinitely; the caller is told instead, and a
  // subscription that lands later is dropped at once.
  void subscribed.then((late) => {
    id = late;
    if (ended) pubsub.unsubscribe(late);
  }, () => undefined);
  try {
    await withDeadline('Live events', SUBSCRIBE_DEADLINE_MS, subscribed, () => true);
  } catch (err) {
    await queue.return();
    throw err;
  }
  return queue;
}

/**
 * Maps a stream through an async function, one event at a time and in order; events mapped to
 * undefined are skipped. return() ends the source at once.
 */
export function mapStream<T, U>(source: AsyncIterator<T>, map: (item: T) => Promise<U | undefined>): AsyncIterableIterator<U> {
  const it: AsyncIterableIterator<U> = {
    async next() {
      for (;;) {
        const r = await source.next();
        if (r.done) return { value: undefined, done: true };
        const mapped = await map(r.value);
        if (mapped !== undefined) return { value: mapped, done: false };
      }
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await source.return?.();
      throw err;
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** `first` then the events of `rest`: a subscription that starts with the current state. */
export function startWith<T>(first: T, rest: AsyncIterator<T>): AsyncIterableIterator<T> {
  let sent = false;
  const it: AsyncIterableIterator<T> = {
    next() {
      if (!sent) {
        sent = true;
        return Promise.resolve({ value: first, done: false });
      }
      return rest.next();
    },
    async return() {
      await rest.return?.();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await rest.return?.();
      throw err;
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
