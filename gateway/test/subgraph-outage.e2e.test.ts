// A subgraph that is down, through the gateway: every field it owes is SERVICE_UNAVAILABLE with
// retryAfterSeconds and the field's path, the message names the service but not its address,
// and the status follows the gateway's rule (503 + Retry-After when no root field got data,
// 200 with partial data). "Down" is a gateway routed to a port nothing listens on, while the
// real subgraph keeps serving the key set and the other gateway routes.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import type { GqlError } from '../../tests/support/client.ts';
import { graphqlClient } from '../../tests/support/client.ts';
import { composeSupergraphFile, startGatewayService, type SupergraphFile } from '../../tests/support/gateway-services.ts';
import { signUpUser } from '../../tests/support/media.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';

const run = Date.now().toString(36);

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/graphql`;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  raw: string;
  data?: Record<string, unknown> | null;
  errors?: GqlError[] & Array<{ path?: Array<string | number> }>;
}

async function post(url: string, query: string, variables?: object, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), raw, ...JSON.parse(raw) };
}

function expectUnavailable(res: Answer, service: string, path: Array<string | number>, retryAfterSeconds = 5): void {
  const error = res.errors?.find((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
  expect(error, res.raw).toBeDefined();
  expect(error!.message).toBe(`The ${service} service is unavailable right now; try again shortly.`);
  expect(error!.extensions?.retryAfterSeconds).toBe(retryAfterSeconds);
  expect(error!.path).toEqual(path);
  expect(res.errors!.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
  // Nothing of where the subgraph lives or how the connection failed.
  expect(res.raw).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:\/\//);
}

let stack: Stack;
let supergraph: SupergraphFile;
let token: string;
let loopId: string;

beforeAll(async () => {
  stack = await startStack({ media: true });
  supergraph = composeSupergraphFile(['users', 'media']);
  const me = await signUpUser(graphqlClient(stack.gatewayUrl), `outage_${run}`);
  token = me.token;
  const upload = await stack.usersDb.upload.create({
    data: { ownerId: me.id, kind: 'FRAMES', partCount: 3, contentType: 'image/jpeg', expiresAt: new Date(Date.now() + 60_000) },
  });
  loopId = (
    await stack.usersDb.loop.create({
      data: { ownerId: me.id, uploadId: upload.id, mode: 'BOUNCE', effect: 'NONE', fps: 10, effectDay: new Date() },
    })
  ).id;
});
afterAll(async () => {
  await stack?.stop();
  supergraph?.remove();
});

describe('the users subgraph is down', () => {
  let gateway: ServiceHandle;
  beforeAll(async () => {
    gateway = await startGatewayService(stack.env, supergraph.file, { users: await closedPortUrl(), media: stack.mediaUrl! });
  });
  afterAll(() => gateway?.stop());

  it('{ me { id } } → 503 with Retry-After, SERVICE_UNAVAILABLE at path me', async () => {
    const res = await post(gateway.url, '{ me { id } }', undefined, token);
    expectUnavailable(res, 'users', ['me']);
    expect(res.data).toEqual({ me: null });
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('5');
  });

  it('logIn → 503 SERVICE_UNAVAILABLE at path logIn', async () => {
    const res = await post(gateway.url, 'mutation ($input: LogInInput!) { logIn(input: $input) { accessToken } }', {
      input: { login: `outage_${run}`, password: 'long enough password' },
    });
    expectUnavailable(res, 'users', ['logIn']);
    expect(res.status).toBe(503);
  });

  it('loop { owner { handle } } → SERVICE_UNAVAILABLE at loop.owner', async () => {
    const res = await post(gateway.url, 'query ($id: ID!) { loop(id: $id) { id owner { handle } } }', { id: loopId });
    expectUnavailable(res, 'users', ['loop', 'owner']);
    expect(res.status).toBe(503);
  });

  it('with data from media beside it, the answer stays 200 (partial result)', async () => {
    const res = await post(gateway.url, '{ effects { effect } me { id } }', undefined, token);
    expectUnavailable(res, 'users', ['me']);
    expect((res.data?.effects as unknown[]).length).toBeGreaterThan(0);
    expect(res.status).toBe(200);
  });
});

describe('the media subgraph is down', () => {
  let gateway: ServiceHandle;
  beforeAll(async () => {
    gateway = await startGatewayService(stack.env, supergraph.file, { users: stack.usersUrl, media: await closedPortUrl() });
  });
  afterAll(() => gateway?.stop());

  it('loop(id) → 503 SERVICE_UNAVAILABLE at path loop', async () => {
    const res = await post(gateway.url, 'query ($id: ID!) { loop(id: $id) { id } }', { id: randomUUID() });
    expectUnavailable(res, 'media', ['loop']);
    expect(res.status).toBe(503);
  });

  it('requestUpload → 503 SERVICE_UNAVAILABLE at path requestUpload (aliases kept)', async () => {
    const res = await post(
      gateway.url,
      'mutation ($input: RequestUploadInput!) { up: requestUpload(input: $input) { id } }',
      { input: { kind: 'FRAMES', count: 3, contentType: 'image/jpeg', partSizes: [10, 10, 10] } },
      token,
    );
    expectUnavailable(res, 'media', ['up']);
    expect(res.status).toBe(503);
  });
});

describe('a proxy in front of users answers 502 without GraphQL', () => {
  let gateway: ServiceHandle;
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html', 'retry-after': '7' }).end('<html>Bad Gateway</html>');
  });
  beforeAll(async () => {
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const { port } = proxy.address() as AddressInfo;
    gateway = await startGatewayService(stack.env, supergraph.file, { users: `http://127.0.0.1:${port}/graphql`, media: stack.mediaUrl! });
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((r) => proxy.close(r));
  });

  it("{ me { id } } → 503 SERVICE_UNAVAILABLE, retryAfterSeconds from the proxy's Retry-After", async () => {
    const res = await post(gateway.url, '{ me { id } }', undefined, token);
    expectUnavailable(res, 'users', ['me'], 7);
    expect(res.status).toBe(503);
    expect(res.retryAfter).toBe('7');
  });
});
