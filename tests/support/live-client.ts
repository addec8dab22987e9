// A real graphql-ws client (the package's own createClient over `ws`) against the gateway, with
// what the tests need to observe: every result per subscription, how the socket closed, and
// settled(): a ping answered only once every subscribe sent before it is in place (the
// server's barrier, shared/live-socket.ts), so a test knows an event it causes next is seen.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';

export interface LiveSubscription<T = Record<string, unknown>> {
  results: Array<ExecutionResult<T>>;
  /** Resolves with the result at `index` (0-based) once it has arrived. */
  nth(index: number, timeoutMs?: number): Promise<ExecutionResult<T>>;
  done: boolean;
  error?: unknown;
  stop(): void;
}

export interface LiveClient {
  client: Client;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): LiveSubscription<T>;
  settled(timeoutMs?: number): Promise<void>;
  /** A ping carrying a fresh token (the connection's token refresh). */
  refresh(authorization: string): Promise<void>;
  /** How the socket closed, once it has. */
  closed: Promise<{ code: number; reason: string }>;
  /** The socket is open and acknowledged. */
  connected: Promise<void>;
  dispose(): Promise<void>;
}

let barrierSeq = 0;

export function liveClient(httpUrl: string, token?: string, params: Record<string, unknown> = {}): LiveClient {
  let socket: WebSocket | null = null;
  const pongs = new Map<number, () => void>();
  let onClosed!: (e: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  let onConnected!: () => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: false,
    // Closes are what these tests look at: reported through `closed`, not printed.
    onNonLazyError: () => undefined,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}`, ...params } : params,
    on: {
      connected: (s) => {
        socket = s as WebSocket;
        onConnected();
      },
      closed: (e) => {
        const event = e as { code?: number; reason?: string };
        onClosed({ code: event.code ?? 0, reason: String(event.reason ?? '') });
      },
      pong: (_received, payload) => {
        const id = (payload as { barrier?: number } | undefined)?.barrier;
        if (id !== undefined) pongs.get(id)?.();
      },
    },
  });
  client.on('error', () => undefined);

  const ping = async (payload: Record<string, unknown>, timeoutMs: number) => {
    await connected;
    // client.subscribe sends its message after a few microtasks; let them run first.
    await new Promise((r) => setImmediate(r));
    const id = ++barrierSeq;
    const pong = new Promise<void>((resolve, reject) => {
      pongs.set(id, resolve);
      setTimeout(() => reject(new Error(`no pong within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    socket!.send(JSON.stringify({ type: 'ping', payload: { barrier: id, ...payload } }));
    await pong;
  };

  return {
    client,
    closed,
    connected,
    subscribe<T>(query: string, variables?: Record<string, unknown>) {
      const waiters: Array<() => void> = [];
      const sub: LiveSubscription<T> = {
        results: [],
        done: false,
        nth: (index, timeoutMs = 20_000) =>
          new Promise((resolve, reject) => {
            const check = () => {
              if (sub.results.length > index) resolve(sub.results[index]!);
              else if (sub.done) reject(new Error(`subscription ended after ${sub.results.length} results: ${JSON.stringify(sub.error ?? null)}`));
              else return false;
              return true;
            };
            if (check()) return;
            const timer = setTimeout(() => reject(new Error(`result ${index} did not arrive in ${timeoutMs} ms (have ${JSON.stringify(sub.results)})`)), timeoutMs);
            waiters.push(() => {
              if (check()) clearTimeout(timer);
            });
          }),
        stop: () => unsubscribe(),
      };
      const wake = () => [...waiters].forEach((w) => w());
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (r) => {
            sub.results.push(r as ExecutionResult<T>);
            wake();
          },
          error: (err) => {
            sub.error = err;
            sub.done = true;
            wake();
          },
          complete: () => {
            sub.done = true;
            wake();
          },
        },
      );
      return sub;
    },
    settled: (timeoutMs = 15_000) => ping({}, timeoutMs),
    refresh: (authorization) => ping({ authorization }, 15_000),
    dispose: async () => {
      await client.dispose();
    },
  };
}
