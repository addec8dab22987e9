/**
 * Recorded subgraphs, so that a benchmark of gateways measures the gateways: one small HTTP
 * server per subgraph in front of the real one. The first time a request is seen (same
 * Authorization header, same body) it is passed on and its answer (status, content type, bytes)
 * is kept; after that the answer is replayed without reaching the subgraph. The data does not
 * change during a benchmark (no mutations are sent; media URLs are signed per 15-minute window),
 * so a replayed answer is the one the subgraph would give. `stats()` says how many requests were
 * passed on and how many replayed, per subgraph, to tell a warm memo from a cold one.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const MEMO_LIMIT = 50_000; // distinct requests kept per subgraph; a benchmark sends a few hundred

interface Recorded {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface ReplayStats {
  passedOn: number;
  replayed: number;
}

export interface ReplaySubgraphs {
  /** Each subgraph's replaying URL, in the order given. */
  urls: Array<[string, string]>;
  stats: () => Record<string, ReplayStats>;
  stop: () => Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function replayOne(name: string, target: string, stats: ReplayStats): Promise<{ url: string; server: http.Server }> {
  const memo = new Map<string, Recorded>();
  const pending = new Map<string, Promise<Recorded>>();
  const passOn = async (req: http.IncomingMessage, body: Buffer): Promise<Recorded> => {
    const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? 'application/json' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (req.headers['apollo-require-preflight']) headers['apollo-require-preflight'] = String(req.headers['apollo-require-preflight']);
    const res = await fetch(target, { method: 'POST', headers, body: new Uint8Array(body) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/json', body: Buffer.from(await res.arrayBuffer()) };
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      const key = `${req.headers.authorization ?? ''}\n${body.toString('utf8')}`;
      let answer = memo.get(key);
      if (answer) stats.replayed++;
      else {
        stats.passedOn++;
        let inFlight = pending.get(key);
        if (!inFlight) {
          inFlight = passOn(req, body).finally(() => pending.delete(key));
          pending.set(key, inFlight);
        }
        answer = await inFlight;
        if (answer.status === 200 && memo.size < MEMO_LIMIT) memo.set(key, answer);
      }
      res.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length });
      res.end(answer.body);
    })().catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`replaying ${name}: ${err.message}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${new URL(target).pathname}`, server };
}

/** Starts a replaying server for each `[name, url]`. */
export async function replaySubgraphs(subgraphs: Array<[string, string]>): Promise<ReplaySubgraphs> {
  const stats: Record<string, ReplayStats> = {};
  const servers: http.Server[] = [];
  const urls: Array<[string, string]> = [];
  for (const [name, target] of subgraphs) {
    stats[name] = { passedOn: 0, replayed: 0 };
    const { url, server } = await replayOne(name, target, stats[name]);
    servers.push(server);
    urls.push([name, url]);
  }
  return {
    urls,
    stats: () => structuredClone(stats),
    stop: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      })));
    },
  };
}
