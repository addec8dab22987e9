// Worker-side test tools around real parts: a media worker started when the test is ready
// for it (with its own settings, or a fault-injecting storage), the stack's BullMQ queue to
// pause and inspect, and a storage wrapper that delegates to the real S3 client.
import { Queue } from 'bullmq';
import type { ServiceHandle } from '@fffoto/shared/server';
import type { Stack } from '../../../../tests/support/stack.ts';
import { loadMediaConfig } from '../../src/config.ts';
import { QUEUE_NAME } from '../../src/queue.ts';
import type { ObjectStorage } from '../../src/storage.ts';
import { startMediaWorker } from '../../src/worker/app.ts';

/** A media worker on the stack's database, Redis prefix and bucket. */
export function startWorker(stack: Stack, env: NodeJS.ProcessEnv = {}, storage?: ObjectStorage): Promise<ServiceHandle> {
  return startMediaWorker(loadMediaConfig({ ...stack.env, WORKER_HEALTH_PORT: '0', ...env }), storage ? { storage } : {});
}

/** The stack's encode queue, as BullMQ sees it (same name and prefix as queue.ts). */
export function encodeQueue(stack: Stack) {
  const queue = new Queue(QUEUE_NAME, {
    connection: { url: stack.env.REDIS_URL!, maxRetriesPerRequest: null },
    prefix: `${stack.env.REDIS_PREFIX}bull`,
  });
  return {
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    /** Every job, in any state, that encodes this loop. */
    async jobsFor(loopId: string) {
      const jobs = await queue.getJobs(['waiting', 'paused', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
      return jobs.filter((j) => j?.data?.loopId === loopId);
    },
    close: () => queue.close(),
  };
}

export type Put = ObjectStorage['put'];
export type Get = ObjectStorage['get'];

/** The real storage with `put`/`get` replaced by hooks that may delay, fail, or call through. */
export function faultyStorage(real: ObjectStorage, hooks: { put?: (real: Put) => Put; get?: (real: Get) => Get; onDeletePrefix?: (prefix: string) => void }): ObjectStorage {
  const put = real.put.bind(real);
  const get = real.get.bind(real);
  return {
    ...real,
    put: hooks.put ? hooks.put(put) : put,
    get: hooks.get ? hooks.get(get) : get,
    async deletePrefix(prefix) {
      await real.deletePrefix(prefix);
      hooks.onDeletePrefix?.(prefix);
    },
    // The stack owns the real client; a worker stopping must not destroy it.
    destroy() {},
  };
}

/**
 * Waits (bounded) until BullMQ has finished the loop's job, completed or failed. A failed
 * loop's status is published before its outputs are removed; the job ends only after that.
 */
export async function jobFinished(stack: Stack, loopId: string, timeoutMs = 20_000): Promise<string> {
  const queue = new Queue(QUEUE_NAME, { connection: { url: stack.env.REDIS_URL!, maxRetriesPerRequest: null }, prefix: `${stack.env.REDIS_PREFIX}bull` });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await queue.getJob(loopId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed' || state === 'completed') return state;
      if (Date.now() > deadline) throw new Error(`job of loop ${loopId} still ${state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await queue.close();
  }
}

/** The keys under the loop's output prefix. */
export async function outputsLeft(stack: Stack, loopId: string): Promise<string[]> {
  return (await stack.storage().list(`loops/${loopId}/`)).map((o) => o.key);
}
