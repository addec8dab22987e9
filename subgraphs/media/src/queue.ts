// The encode queue. BullMQ on Redis in real deployments (retries with backoff, stalled-job
// recovery when a worker dies); an in-process queue with the same contract when embedded.
// BullMQ's clients have the queue policy (they wait for Redis forever), so every call made for
// a request is bounded here: an outage answers SERVICE_UNAVAILABLE within QUEUE_DEADLINE_MS.
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { withDeadline } from '@fffoto/shared/errors';
import type { Logger } from '@fffoto/shared/logger';
import { recordEncode, watchQueue } from '@fffoto/shared/metrics';
import { inJobSpan, traceCarrier, type TraceCarrier } from '@fffoto/shared/tracing';
import { bullConnection, isRedisOutage } from '@fffoto/shared/redis';

export { UnrecoverableError };

export const QUEUE_NAME = 'loop-encode';

export interface EncodeJob {
  loopId: string;
  /** The trace of the request that enqueued it (tracing.ts), when tracing is on; the worker continues it. */
  trace?: TraceCarrier;
}

export interface JobInfo {
  loopId: string;
  attempt: number;
  attempts: number;
  signal: AbortSignal;
}

/** Processes one job; throwing UnrecoverableError fails it at once, other errors retry. */
export type JobHandler = (job: JobInfo) => Promise<void>;
/** Called once a job has failed for good (no attempts left, or unrecoverable). */
export type FailureHandler = (loopId: string, err: Error) => Promise<void>;

export interface LoopQueue {
  /** Adds the loop's job; a no-op when the queue already holds it. */
  enqueue(loopId: string): Promise<void>;
  /**
   * Makes sure a job will run for the loop: adds it when missing, or replaces a finished one
   * (failed or completed while the loop is still unfinished). True when it (re)queued.
   */
  ensureQueued(loopId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** How long a request waits for the queue's Redis before answering SERVICE_UNAVAILABLE. */
export const QUEUE_DEADLINE_MS = 3_000;

export interface WorkerOptions {
  concurrency: number;
  attempts: number;
  timeoutMs: number;
  lockMs: number;
}

export interface LoopWorker {
  close(): Promise<void>;
}

/** One attempt, in a span continuing the enqueuer's trace, timed by outcome (metrics.ts). */
async function runAttempt(handle: JobHandler, job: JobInfo, trace: TraceCarrier | undefined, lastAttempt: boolean): Promise<void> {
  const startedAt = performance.now();
  try {
    await inJobSpan('loop-encode', trace, { 'fffoto.loop.id': job.loopId, 'fffoto.attempt': job.attempt }, () => handle(job));
    recordEncode('completed', startedAt);
  } catch (err) {
    recordEncode(lastAttempt || err instanceof UnrecoverableError ? 'failed' : 'retried', startedAt);
    throw err;
  }
}

/** BullMQ's keys: `<REDIS_PREFIX>bull:<queue>:…`, the same spelling as RedisConnection.key('bull'). */
const bullPrefix = (prefix: string) => `${prefix}bull`;

export function createBullQueue(redisUrl: string, prefix: string, attempts: number, log?: Logger): LoopQueue {
  const queue = new Queue<EncodeJob>(QUEUE_NAME, { connection: bullConnection(redisUrl), prefix: bullPrefix(prefix) });
  let down = false; // log an outage once, not once per reconnect attempt
  queue.on('error', (err) => {
    if (!down) log?.warn({ err: err.message }, 'encode queue: redis unreachable');
    down = true;
  });
  const bounded = <T>(promise: Promise<T>) => withDeadline('The encode queue', QUEUE_DEADLINE_MS, promise, isRedisOutage);
  const unwatch = watchQueue(() => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
  const add = async (loopId: string) => {
    // jobId = loopId: enqueueing the same loop twice is a no-op, so a loop is encoded once.
    const trace = traceCarrier();
    await queue.add('encode', trace ? { loopId, trace } : { loopId }, {
      jobId: loopId,
      attempts,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    down = false;
  };
  return {
    enqueue: (loopId) => bounded(add(loopId)),
    ensureQueued: (loopId) =>
      bounded(
        (async () => {
          const job = await queue.getJob(loopId);
          if (job) {
            const state = await job.getState();
            if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return false;
            await job.remove();
          }
          await add(loopId);
          return true;
        })(),
      ),
    close: () => {
      unwatch();
      return queue.close();
    },
  };
}

export function startBullWorker(
  redisUrl: string,
  prefix: string,
  handle: JobHandler,
  onFailure: FailureHandler,
  opts: WorkerOptions,
  log?: Logger,
): LoopWorker {
  const worker = new Worker<EncodeJob>(
    QUEUE_NAME,
    async (job: Job<EncodeJob>) => {
      const signal = AbortSignal.timeout(opts.timeoutMs);
      const info = { loopId: job.data.loopId, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1, signal };
      await runAttempt(handle, info, job.data.trace, info.attempt >= info.attempts);
    },
    {
      connection: bullConnection(redisUrl),
      prefix: bullPrefix(prefix),
      concurrency: opts.concurrency,
      lockDuration: opts.lockMs,
      stalledInterval: Math.max(1_000, Math.floor(opts.lockMs / 2)),
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) void onFailure(job.data.loopId, err); // onFailure catches and logs its own errors
  });
  // Redis outages surface here (BullMQ reconnects by itself); an unheard 'error' would throw.
  worker.on('error', (err) => log?.warn({ err: err.message }, 'encode worker: queue error'));
  return { close: () => worker.close() };
}

/** In-process queue for embedded mode: same retries and failure contract, no Redis. */
export function createMemoryQueue(handle: JobHandler, onFailure: FailureHandler, opts: WorkerOptions): LoopQueue {
  const seen = new Set<string>();
  const pending: Array<{ loopId: string; trace?: TraceCarrier }> = [];
  let running = 0;
  let closed = false;
  const unwatch = watchQueue(async () => ({ waiting: pending.length, active: running }));
  const run = async ({ loopId, trace }: { loopId: string; trace?: TraceCarrier }) => {
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
      try {
        const info = { loopId, attempt, attempts: opts.attempts, signal: AbortSignal.timeout(opts.timeoutMs) };
        await runAttempt(handle, info, trace, attempt === opts.attempts);
        return;
      } catch (err) {
        if (err instanceof UnrecoverableError || attempt === opts.attempts) return onFailure(loopId, err as Error);
        await new Promise((r) => setTimeout(r, 2_000 * 2 ** (attempt - 1)));
      }
    }
  };
  const pump = () => {
    while (!closed && running < opts.concurrency && pending.length) {
      const job = pending.shift()!;
      running++;
      void run(job).finally(() => {
        running--;
        pump();
      });
    }
  };
  const enqueue = (loopId: string) => {
    if (seen.has(loopId)) return false;
    seen.add(loopId);
    pending.push({ loopId, trace: traceCarrier() });
    pump();
    return true;
  };
  return {
    async enqueue(loopId) {
      enqueue(loopId);
    },
    async ensureQueued(loopId) {
      return enqueue(loopId);
    },
    async close() {
      closed = true;
      unwatch();
    },
  };
}
