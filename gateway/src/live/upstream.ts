// The gateway's side of the subgraphs' graphql-ws: one multiplexed socket per subgraph (the
// graphql-ws client), opened when the first subscription needs it. open() resolves once the
// subgraph has the subscription in place: after the subscribe message went out, a ping is
// sent and the subgraph answers it only when every earlier subscribe of the socket is in
// place (shared/live-socket.ts). A dropped socket ends its subscriptions with an error; the
// hub re-subscribes (with a fresh token where the stream is personal), so the client's own
// retry, which would resend a stale token, is off.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { serviceUnavailable } from '@fffoto/shared/errors';
import type { Logger } from '@fffoto/shared/logger';

const IN_PLACE_TIMEOUT_MS = 10_000;

export interface UpstreamPayload {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  /** The viewer's `Bearer` token, for a personal stream. */
  authorization?: string;
}

export interface UpstreamSink {
  next(result: ExecutionResult): void;
  /** The subscription ended: `error` is why (null when the subgraph completed it). */
  end(error: Error | null): void;
}

export type Unsubscribe = () => void;

let nextId = 0;

/** A subscription that failed before it was in place: its GraphQL errors, as the subgraph sent them. */
export class UpstreamRefusal extends Error {
  constructor(readonly errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>) {
    super(errors[0]?.message ?? 'subscription refused');
  }
}

class SubgraphSocket {
  private readonly client: Client;
  private readonly sent = new Map<number, () => void>();
  private readonly pongs = new Map<number, () => void>();
  private socket: WebSocket | null = null;

  constructor(
    readonly name: string,
    url: string,
    private readonly log: Logger,
  ) {
    const sent = this.sent;
    // Sees each subscribe go out, so the barrier ping is sent only after it.
    class ObservedSocket extends WebSocket {
      override send(data: unknown, ...rest: unknown[]) {
        const message = typeof data === 'string' ? (JSON.parse(data) as { type?: string; payload?: { extensions?: { upstreamId?: number } } }) : undefined;
        (super.send as (...a: unknown[]) => void)(data, ...rest);
        const id = message?.type === 'subscribe' ? message.payload?.extensions?.upstreamId : undefined;
        if (id !== undefined) sent.get(id)?.();
      }
    }
    this.client = createClient({
      url,
      webSocketImpl: ObservedSocket,
      lazy: true,
      lazyCloseTimeout: 5_000,
      retryAttempts: 0,
      shouldRetry: () => false,
      keepAlive: 10_000,
      on: {
        connected: (socket) => {
          this.socket = socket as WebSocket;
        },
        closed: () => {
          this.socket = null;
        },
        pong: (_received, payload) => {
          const id = (payload as { barrier?: number } | undefined)?.barrier;
          if (id === undefined) return;
          this.pongs.get(id)?.();
          this.pongs.delete(id);
        },
      },
    });
  }

  /** Resolves when the subscription is in place; rejects with what refused it (or an outage). */
  async open(payload: UpstreamPayload, sink: UpstreamSink): Promise<Unsubscribe> {
    const id = ++nextId;
    let refusal: Error | null = null;
    let inPlace = false;
    const sent = new Promise<void>((resolve) => this.sent.set(id, resolve));
    const ended = new Promise<never>((_, reject) => {
      const unsubscribe = this.client.subscribe(
        {
          query: payload.query,
          operationName: payload.operationName,
          variables: payload.variables,
          extensions: { upstreamId: id, ...(payload.authorization ? { authorization: payload.authorization } : {}) },
        },
        {
          next: (result) => {
            // A subscription the subgraph refused arrives as one result with errors and no data, then complete.
            if (!inPlace && result.errors?.length && result.data == null) refusal = new UpstreamRefusal(result.errors);
            else sink.next(result as ExecutionResult);
          },
          error: (err) => {
            refusal = Array.isArray(err) ? new UpstreamRefusal(err) : toError(err, this.name);
            if (inPlace) sink.end(refusal);
            else reject(refusal);
          },
          complete: () => {
            if (inPlace) sink.end(null);
            else reject(refusal ?? new UpstreamRefusal([{ message: 'The subscription ended at once.' }]));
          },
        },
      );
      this.unsubscribers.set(id, unsubscribe);
    });
    ended.catch(() => undefined);
    const unsubscribe = () => {
      this.unsubscribers.get(id)?.();
      this.unsubscribers.delete(id);
      this.sent.delete(id);
    };
    try {
      await Promise.race([this.barrier(id, sent), ended, timeout(this.name)]);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    if (refusal) {
      unsubscribe();
      throw refusal;
    }
    inPlace = true;
    return unsubscribe;
  }

  private readonly unsubscribers = new Map<number, () => void>();

  private async barrier(id: number, sent: Promise<void>): Promise<void> {
    await sent;
    this.sent.delete(id);
    const pong = new Promise<void>((resolve) => this.pongs.set(id, resolve));
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) throw serviceUnavailable(`The ${this.name} subgraph`);
    this.socket.send(JSON.stringify({ type: 'ping', payload: { barrier: id } }));
    await pong;
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toError(err: unknown, name: string): Error {
  if (err instanceof Error) return err;
  const code = (err as { code?: number })?.code;
  return new Error(`the ${name} subgraph's socket closed${code ? ` (${code})` : ''}`);
}

function timeout(name: string): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(() => reject(serviceUnavailable(`The ${name} subgraph`)), IN_PLACE_TIMEOUT_MS);
    timer.unref();
  });
}

/** One socket per subgraph, by name; ws URLs are the routing URLs with ws(s)://. */
export class Upstreams {
  private readonly sockets = new Map<string, SubgraphSocket>();

  constructor(
    private readonly urls: Map<string, string>,
    private readonly log: Logger,
  ) {}

  open(subgraph: string, payload: UpstreamPayload, sink: UpstreamSink): Promise<Unsubscribe> {
    let socket = this.sockets.get(subgraph);
    if (!socket) {
      const url = this.urls.get(subgraph);
      if (!url) throw new Error(`no routing URL for subgraph ${subgraph}`);
      socket = new SubgraphSocket(subgraph, url.replace(/^http/, 'ws'), this.log);
      this.sockets.set(subgraph, socket);
    }
    return socket.open(payload, sink);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sockets.values()].map((s) => s.close()));
  }
}
