// A pass-through HTTP proxy in front of a subgraph that keeps every GraphQL request body, so a
// test can see exactly what the gateway sent (e.g. how many entity representations).
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface GraphqlProxy {
  url: string;
  bodies: Array<{ query: string; variables?: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * `delayMs` holds each request that long before passing it on (to make requests overlap);
 * `holdAnswerMs(body)` holds a request's answer that long after the subgraph gave it.
 */
export async function startGraphqlProxy(
  target: string,
  options: { delayMs?: number; holdAnswerMs?: (body: { query: string }) => number } = {},
): Promise<GraphqlProxy> {
  const bodies: GraphqlProxy['bodies'] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (body.length) bodies.push(JSON.parse(body.toString('utf8')));
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(target, { method: req.method, headers, body: body.length ? body : undefined });
    const hold = body.length && options.holdAnswerMs ? options.holdAnswerMs(JSON.parse(body.toString('utf8'))) : 0;
    if (hold) await new Promise((r) => setTimeout(r, hold));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  // WebSocket upgrades (the gateway's subscriptions to the subgraph) pass through untouched.
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(target);
    const upstream = connect(Number(url.port), url.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`), '', ''];
      upstream.write(lines.join('\r\n'));
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    bodies,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
