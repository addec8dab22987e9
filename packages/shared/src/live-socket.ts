// graphql-ws on a service's own HTTP server and path, for the gateway (clients) and for the
// subgraphs (the gateway). One addition to the protocol, within it: a `ping` is answered only
// after every `subscribe` the same socket sent before it is in place, so a client that wants
// to know its subscriptions are live sends a ping and waits for the pong (graphql-ws has no
// "subscribed" message). Closing the server closes every socket with 1001.
import type { IncomingMessage, Server } from 'node:http';
import type { ServerOptions } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from './logger.ts';

/** Close codes of the public contract (DESIGN.md, Subscriptions) plus the two of WebSocket itself. */
const CLOSE_BAD_REQUEST = 4400;

export const CLOSE = {
  goingAway: 1001,
  /** A consumer so slow that its undelivered events passed the bound: reconnect and catch up. */
  slowConsumer: 1013,
  badRequest: CLOSE_BAD_REQUEST,
  tokenExpired: 4401,
  forbidden: 4403,
  tooMany: 4429,
} as const;

/** Largest message a client may send (a subscribe document with variables). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a ping waits for earlier subscribes before it is answered anyway. */
const BARRIER_MS = 10_000;
/** After 1001, how long a client has to finish the close handshake before its socket is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * graphql-ws closes with its own codes where the contract means "bad request" (4400): a
 * subscribe before connection_init (its 4401 would read "token expired") and a second
 * connection_init (its 4429 would read "too many").
 */
const PROTOCOL_CLOSES: Record<string, number> = { Unauthorized: CLOSE_BAD_REQUEST, 'Too many initialisation requests': CLOSE_BAD_REQUEST };

class ContractSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    const mapped = typeof reason === 'string' && (code === 4401 || code === 4429) ? PROTOCOL_CLOSES[reason] : undefined;
    super.close(mapped ?? code, mapped ? `${reason}: send connection_init once, before anything else` : reason);
  }
}

export type LiveExtra = Extra;
export type LiveServerOptions<P extends Record<string, unknown>> = ServerOptions<P, Extra>;

export interface LiveSocketServer {
  /** Open sockets. */
  connections(): number;
  /** Closes every socket with 1001 and stops accepting. */
  close(): Promise<void>;
}

/** Per socket: the subscribes not yet in place, by id. */
const pendingOf = new WeakMap<object, Map<string, { inPlace: Promise<void>; done: () => void }>>();

function settle(extra: object, id: string) {
  const pending = pendingOf.get(extra);
  pending?.get(id)?.done();
  pending?.delete(id);
}

/** Serves graphql-ws at `path` of `server` with `options`, adding the ping barrier. */
export function serveLive<P extends Record<string, unknown>>(
  server: Server,
  path: string,
  options: LiveServerOptions<P>,
  log: Logger,
): LiveSocketServer {
  const wss = new WebSocketServer({ server, path, maxPayload: MAX_MESSAGE_BYTES, WebSocket: ContractSocket });
  wss.on('error', (err) => log.warn({ err: err.message }, 'live socket server error'));
  const withBarrier: LiveServerOptions<P> = {
    ...options,
    onSubscribe(ctx, id, payload) {
      // Runs as the subscribe message arrives, before any later message of the socket.
      let pending = pendingOf.get(ctx.extra);
      if (!pending) pendingOf.set(ctx.extra, (pending = new Map()));
      let done!: () => void;
      const inPlace = new Promise<void>((resolve) => (done = resolve));
      pending.set(id, { inPlace, done });
      return options.onSubscribe?.(ctx, id, payload);
    },
    onOperation(ctx, id, payload, args, result) {
      settle(ctx.extra, id);
      return options.onOperation?.(ctx, id, payload, args, result);
    },
    onError(ctx, id, payload, errors) {
      settle(ctx.extra, id);
      return options.onError?.(ctx, id, payload, errors);
    },
    onComplete(ctx, id, payload) {
      settle(ctx.extra, id);
      return options.onComplete?.(ctx, id, payload);
    },
    async onPing(ctx, payload) {
      const pending = [...(pendingOf.get(ctx.extra)?.values() ?? [])].map((p) => p.inPlace);
      if (pending.length) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, BARRIER_MS)))]);
        clearTimeout(timer);
      }
      return options.onPing?.(ctx, payload);
    },
  };
  const disposable = useServer(withBarrier, wss);
  return {
    connections: () => wss.clients.size,
    close: async () => {
      // A client that stopped reading never answers the close frame; ws would wait 30 s for it.
      const cut = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, CLOSE_GRACE_MS);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

/** The `Authorization` value a client put in connection_init (either spelling), if any. */
export function connectionAuthorization(params: Record<string, unknown> | undefined | null): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

export type { IncomingMessage };
