// The HTTP side every process shares (gateway, subgraphs, the worker's health server): an
// express app without X-Powered-By, GET /health and /ready, JSON for every HTTP-level refusal
// (bad JSON, too large, unsupported media type, unknown route), keep-alive settings that
// cannot race the gateway's pooled sockets, listening, and a bounded graceful close.
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpMetrics } from './metrics.ts';

/**
 * Idle keep-alive time of our servers. Node's default (5 s) races a client that reuses a pooled
 * socket just as the server closes it (ECONNRESET / "socket hang up"). Clients that pool sockets
 * (the gateway's subgraph agent) must drop idle sockets well before this: see CLIENT_IDLE_SOCKET_MS.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;
/** How long a pooled client socket may sit idle; strictly below SERVER_KEEP_ALIVE_MS. */
export const CLIENT_IDLE_SOCKET_MS = 30_000;
/** Largest request body (JSON) any of our servers reads. */
export const MAX_BODY = '1mb';

/** The body of every HTTP-level refusal: the GraphQL error shape, so clients parse one format. */
export function httpError(res: express.Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** A probe that hangs (a dependency reconnecting forever) counts as not ready. */
const READY_TIMEOUT_MS = 3_000;

async function withTimeout<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise?.catch(() => undefined);
  }
}

/** Thrown by a readiness probe to answer 503 with details (e.g. which subgraph is down). */
export class NotReadyError extends Error {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface HttpServiceOptions {
  service: string;
  /** Readiness: resolves with details to show, throws when a dependency is unreachable. */
  ready?: () => Promise<Record<string, unknown> | void>;
}

/** An express app with /health and /ready, and the node server that will carry it. */
export function createHttpService(opts: HttpServiceOptions): { app: Express; server: Server } {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: express would hash every GraphQL response (POST answers are never revalidated).
  app.set('etag', false);
  app.use(httpMetrics(opts.service));
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: opts.service }));
  app.get('/ready', async (_req, res) => {
    try {
      const details = (await withTimeout(opts.ready?.(), READY_TIMEOUT_MS)) ?? {};
      res.json({ status: 'ready', service: opts.service, ...details });
    } catch (err) {
      const details = err instanceof NotReadyError ? err.details : {};
      res.status(503).json({ status: 'unavailable', service: opts.service, error: (err as Error).message, ...details });
    }
  });
  const server = createServer(app);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  // Above keepAliveTimeout, or Node may close a reused socket while headers are on their way.
  server.headersTimeout = SERVER_KEEP_ALIVE_MS + 1_000;
  return { app, server };
}

/**
 * Middleware for a GraphQL POST endpoint: JSON bodies only. GET is left to Apollo: it runs
 * queries (persisted queries a CDN can cache), refuses mutations (405) and, with CSRF
 * prevention, any GET without a preflight-forcing header. Types a browser can send without a preflight
 * (text/plain, forms) are left to Apollo's CSRF prevention, which answers them in JSON itself.
 */
export function graphqlBody(): RequestHandler[] {
  const csrfSimple = /^(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
  // Both JSON types the check below lets through are parsed (express.json alone takes only the first).
  const json = express.json({ limit: MAX_BODY, type: ['application/json', 'application/graphql-response+json'] });
  return [
    (req, res, next) => {
      if (req.method !== 'POST') return next();
      const type = req.headers['content-type'] ?? '';
      if (/^application\/(json|graphql-response\+json)\b/i.test(type) || csrfSimple.test(type)) return next();
      httpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the operation as JSON (content-type: application/json).');
    },
    json,
    // express.json leaves other types unparsed; Apollo needs a body to answer (with CSRF's 400).
    (req, _res, next) => {
      req.body ??= {};
      next();
    },
  ];
}

/** Last in the chain: JSON for unknown routes and for errors (bad JSON, too large, anything thrown). */
export function finishApp(app: Express): void {
  app.use((_req, res) => httpError(res, 404, 'NOT_FOUND', 'No such route.'));
  const onError: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (err?.type === 'entity.too.large') return httpError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body is over ${MAX_BODY}.`);
    if (err?.type === 'entity.parse.failed') return httpError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON.');
    if (status === 415 || err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      return httpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding or charset.');
    }
    if (status < 500) return httpError(res, status, 'BAD_REQUEST', 'Bad request.');
    httpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
  app.use(onError);
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The interface a service binds to: loopback unless HOST says otherwise (containers: 0.0.0.0). */
export const bindHost = (env: NodeJS.ProcessEnv = process.env): string => env.HOST || '127.0.0.1';

/**
 * Stops accepting, lets requests in flight finish, closes idle keep-alive sockets at once, and
 * after `graceMs` closes whatever is left (a client holding a socket open must not stall a deploy).
 */
export async function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
