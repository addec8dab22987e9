// PGlite (Postgres in WebAssembly, one session) served over the Postgres wire protocol for
// embedded `npm start`, to every service's connection pool at once.
//
// pglite-socket queues single protocol messages from all connections into the one session. A
// pg client sends each query as Parse/Bind/Describe/Execute/Sync; interleaving those messages
// from two connections mixes their unnamed statements and portals, so one request can get
// another's parameters or rows (seen: `me` answering another user). Here a connection that has
// started an extended-protocol exchange keeps the session until its Sync, as it already keeps
// it for a whole transaction.
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Messages that open or continue an extended-protocol exchange; Sync ('S') ends it. */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: unknown): void;
}

/** The fields of pglite-socket's (unexported) query queue that the replacement below uses. */
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

export interface PgliteServerOptions {
  db: PGlite;
  port: number;
  host: string;
  maxConnections: number;
}

export function createPgliteServer(opts: PgliteServerOptions): PGLiteSocketServer {
  const server = new PGLiteSocketServer(opts);
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let holder: number | null = null;

  q.processQueue = async function processQueue() {
    if (q.processing || q.queue.length === 0) return;
    q.processing = true;
    try {
      while (q.queue.length > 0) {
        // The connection mid-exchange, or inside a transaction, goes on; others wait for it.
        const owner = holder ?? (q.db.isInTransaction() ? q.lastHandlerId : null);
        const index = owner === null ? 0 : q.queue.findIndex((m) => m.handlerId === owner);
        if (index === -1) break; // its next message has not arrived yet; enqueue() resumes us
        const item = q.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await q.db.runExclusive(() =>
            q.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          holder = null;
          item.reject(err);
          continue;
        }
        q.lastHandlerId = item.handlerId;
        holder = EXTENDED.has(item.message[0]!) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      q.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (holder === handlerId) holder = null; // a connection that died mid-exchange lets go
  };
  return server;
}
