// The media worker: consumes the encode queue (BullMQ) and serves /health and /ready.
import express from 'express';
import { createServer } from 'node:http';
import { createLogger } from '@fffoto/shared/logger';
import { listen, type ServiceHandle } from '@fffoto/shared/server';
import type { MediaConfig } from '../config.ts';
import { startBullWorker } from '../queue.ts';
import { createRuntime, encodeDeps, workerOptions, type RuntimeOverrides } from '../runtime.ts';
import { encodeJobHandler, finalFailureHandler } from './encode-job.ts';

export async function startMediaWorker(config: MediaConfig, overrides: RuntimeOverrides = {}): Promise<ServiceHandle> {
  if (!config.REDIS_URL) throw new Error('config: REDIS_URL is missing: the media worker consumes a Redis queue');
  const log = createLogger('media-worker', config.LOG_LEVEL);
  const rt = createRuntime(config, overrides);
  const deps = { ...encodeDeps(rt, log), ffmpegThreads: config.WORKER_CONCURRENCY > 1 ? 1 : undefined };
  const worker = startBullWorker(config.REDIS_URL, config.REDIS_PREFIX, encodeJobHandler(deps), finalFailureHandler(deps), workerOptions(config));

  const app = express();
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: 'media-worker' }));
  app.get('/ready', async (_req, res) => {
    try {
      await rt.redis?.ping();
      await rt.db.$queryRaw`SELECT 1`;
      res.json({ status: 'ready', service: 'media-worker' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', error: (err as Error).message });
    }
  });
  const server = createServer(app);
  const port = await listen(server, config.WORKER_HEALTH_PORT, '0.0.0.0');
  log.info({ port, concurrency: config.WORKER_CONCURRENCY }, 'media worker ready');
  return {
    url: `http://127.0.0.1:${port}/health`,
    port,
    async stop() {
      // Finish the jobs in hand, then let go of connections.
      await worker.close();
      await new Promise((r) => server.close(r));
      await rt.close();
    },
  };
}
