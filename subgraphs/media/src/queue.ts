// The encode queue. BullMQ on Redis in real deployments (retries with backoff, stalled-job
// recovery when a worker dies); an in-process queue with the same contract when embedded.
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';

export { UnrecoverableError };

export const QUEUE_NAME = 'loop-encode';

export interface EncodeJob {
  loopId: string;
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
  enqueue(loopId: string): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  concurrency: number;
  attempts: number;
  timeoutMs: number;
  lockMs: number;
}

export interface LoopWorker {
  close(): Promise<void>;
}

const bullConnection = (redisUrl: string) => ({ url: redisUrl, maxRetriesPerRequest: null });

export function createBullQueue(redisUrl: string, prefix: string, attempts: number): LoopQueue {
  const queue = new Queue<EncodeJob>(QUEUE_NAME, { connection: bullConnection(redisUrl), prefix: `${prefix}bull` });
  return {
    async enqueue(loopId) {
      // jobId = loopId: enqueueing the same loop twice is a no-op, so a loop is encoded once.
      await queue.add('encode', { loopId }, {
        jobId: loopId,
        attempts,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
    },
    close: () => queue.close(),
  };
}

export function startBullWorker(
  redisUrl: string,
  prefix: string,
  handle: JobHandler,
  onFailure: FailureHandler,
  opts: WorkerOptions,
): LoopWorker {
  const worker = new Worker<EncodeJob>(
    QUEUE_NAME,
    async (job: Job<EncodeJob>) => {
      const signal = AbortSignal.timeout(opts.timeoutMs);
      await handle({ loopId: job.data.loopId, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1, signal });
    },
    {
      connection: bullConnection(redisUrl),
      prefix: `${prefix}bull`,
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
  return { close: () => worker.close() };
}

/** In-process queue for embedded mode: same retries and failure contract, no Redis. */
export function createMemoryQueue(handle: JobHandler, onFailure: FailureHandler, opts: WorkerOptions): LoopQueue {
  const seen = new Set<string>();
  const pending: string[] = [];
  let running = 0;
  let closed = false;
  const run = async (loopId: string) => {
    for (let attempt = 1; attempt <= opts.attempts; attempt++) {
      try {
        await handle({ loopId, attempt, attempts: opts.attempts, signal: AbortSignal.timeout(opts.timeoutMs) });
        return;
      } catch (err) {
        if (err instanceof UnrecoverableError || attempt === opts.attempts) return onFailure(loopId, err as Error);
        await new Promise((r) => setTimeout(r, 2_000 * 2 ** (attempt - 1)));
      }
    }
  };
  const pump = () => {
    while (!closed && running < opts.concurrency && pending.length) {
      const loopId = pending.shift()!;
      running++;
      void run(loopId).finally(() => {
        running--;
        pump();
      });
    }
  };
  return {
    async enqueue(loopId) {
      if (seen.has(loopId)) return;
      seen.add(loopId);
      pending.push(loopId);
      pump();
    },
    async close() {
      closed = true;
    },
  };
}
