// The media worker: consumes the encode queue (BullMQ) and serves /health and /ready.
import { bindHost, closeServer, createHttpService, finishApp, listen } from '@fffoto/shared/http';
import { createLogger } from '@fffoto/shared/logger';
import type { ServiceHandle } from '@fffoto/shared/server';
import type { MediaConfig } from '../config.ts';
import { startBullWorker } from '../queue.ts';
import { createRuntime, encodeDeps, workerOptions, type RuntimeOverrides } from '../runtime.ts';
import { encodeJobHandler, finalFailureHandler } from '../encode-job.ts';

export async function startMediaWorker(config: MediaConfig, overrides: RuntimeOverrides = {}): Promise<ServiceHandle> {
  if (!config.REDIS_URL) throw new Error('config: REDIS_URL is missing: the media worker consumes a Redis queue');
  const log = createLogger('media-worker', config.LOG_LEVEL);
  const rt = createRuntime(config, overrides, log);
  const deps = { ...encodeDeps(rt, log), ffmpegThreads: config.WORKER_CONCURRENCY > 1 ? 1 : undefined };
  const worker = startBullWorker(config.REDIS_URL, config.REDIS_PREFIX, encodeJobHandler(deps), finalFailureHandler(deps), workerOptions(config), log);

  const { app, server } = createHttpService({
    service: 'media-worker',
    ready: async () => {
      await rt.redis?.client.ping();
      await rt.db.$queryRaw`SELECT 1`;
    },
  });
  finishApp(app);
  const port = await listen(server, config.WORKER_HEALTH_PORT, bindHost());
  log.info({ port, concurrency: config.WORKER_CONCURRENCY }, 'media worker ready');
  return {
    url: `http://127.0.0.1:${port}/health`,
    port,
    async stop() {
      // Finish the jobs in hand, then let go of connections.
      await worker.close();
      await closeServer(server);
      await rt.close();
    },
  };
}
