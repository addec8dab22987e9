// What each process's main.ts starts before its service: tracing (tracing.ts, on when an OTLP
// endpoint is configured) and the metrics server (metrics.ts' registry at GET /metrics on
// METRICS_PORT). Stopped last, after the service, so the spans of its last requests are sent.
import { createServer } from 'node:http';
import { loadConfig, z } from './config.ts';
import { closeServer, listen } from './http.ts';
import type { Logger } from './logger.ts';
import { collectProcessMetrics, registry } from './metrics.ts';
import { startTracing } from './tracing.ts';

/** Where Prometheus scrapes a process in production (each pod or container has its own). */
export const PRODUCTION_METRICS_PORT = 9464;

export const observabilityShape = {
  /**
   * The metrics port; 0 serves none. Default: 9464 when NODE_ENV=production, else 0, so the
   * processes of `npm start` and of the tests never race for one port.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** The interface for /metrics; default HOST, else every interface (Prometheus scrapes from outside). */
  METRICS_HOST: z.string().optional(),
};

/**
 * Connections the metrics port holds at once: Prometheus keeps one per scraper. Past it, new
 * ones are closed at once, so a flood on this port cannot take the process's file descriptors.
 */
export const METRICS_MAX_CONNECTIONS = 64;

/** GET /metrics on its own port (Prometheus text format); anything else 404. */
export async function serveMetrics(metricsPort: number, host: string): Promise<{ port: number; stop(): Promise<void> }> {
  collectProcessMetrics();
  // A scrape is one small request: a client slower than this with its headers (slowloris) or
  // its request is dropped, checked every second (Node's defaults: 60 s and 300 s, every 30 s).
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000, connectionsCheckingInterval: 1_000, keepAliveTimeout: 30_000 }, (req, res) => {
    const path = req.url?.split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics failed\n'),
    );
  });
  server.maxConnections = METRICS_MAX_CONNECTIONS;
  const bound = await listen(server, metricsPort, host);
  return { port: bound, stop: () => closeServer(server, 1_000) };
}

/** Tracing and metrics for the process named `service`; stop() after the service has stopped. */
export async function startObservability(service: string, log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<{ stop(): Promise<void> }> {
  const config = loadConfig(observabilityShape, env);
  const tracing = startTracing(service, env);
  const metricsPort = config.METRICS_PORT ?? (env.NODE_ENV === 'production' ? PRODUCTION_METRICS_PORT : 0);
  const metrics = metricsPort ? await serveMetrics(metricsPort, config.METRICS_HOST || env.HOST || '0.0.0.0') : undefined;
  log.info({ tracing: tracing ? 'otlp' : 'off', metricsPort: metrics?.port ?? 'off' }, 'observability');
  return {
    async stop() {
      await Promise.allSettled([metrics?.stop(), tracing?.stop()]);
    },
  };
}
