// Hardening of the gateway and the shared subgraph server, over real HTTP (issue 6): no null
// without a reason, a key set that cannot be fetched, keep-alive that cannot race, operation
// limits (tokens, aliases, fields) at the gateway and in every subgraph, control characters in
// input, subgraphs bound to loopback, and JSON for every HTTP-level refusal.
import { randomUUID } from 'node:crypto';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_IDLE_SOCKET_MS } from '@fffoto/shared/http';
import type { ServiceHandle } from '@fffoto/shared/server';
import { subgraphConnections } from '../src/subgraph-fetcher.ts';
import { startMedia } from '../../subgraphs/media/src/app.ts';
import { loadMediaConfig } from '../../subgraphs/media/src/config.ts';
import { redisAvailable } from '../../tests/support/needs.ts';
import { startMediaWorker } from '../../subgraphs/media/src/worker/app.ts';
import { startUsers, loadUsersConfig } from '../../subgraphs/users/src/app.ts';
import { errorCode, graphqlClient, ok, type GqlResponse } from '../../tests/support/client.ts';
import { composeSupergraphFile, originOf, startGatewayService, type SupergraphFile } from '../../tests/support/gateway-services.ts';
import { signUpUser } from '../../tests/support/media.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';

const run = Date.now().toString(36);
let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let users: ReturnType<typeof graphqlClient>;

beforeAll(async () => {
  stack = await startStack({ media: true });
  gql = graphqlClient(stack.gatewayUrl);
  users = graphqlClient(stack.usersUrl);
});
afterAll(() => stack?.stop());

function expectLimit(res: GqlResponse<unknown>, limit: string): void {
  expect(res.status, JSON.stringify(res.errors)).toBe(400);
  expect(errorCode(res)).toBe('BAD_USER_INPUT');
  expect(res.errors![0]!.extensions?.limit).toBe(limit);
  expect(res.data ?? null).toBeNull();
}

describe('no null without a reason (finding 3)', () => {
  let loopId: string;
  beforeAll(async () => {
    // A loop whose owner no longer resolves (as after deleteAccount): the users subgraph
    // answers null for the User entity, which the gateway used to hide in extensions.
    const ownerId = randomUUID();
    const upload = await stack.usersDb.upload.create({
      data: { ownerId, kind: 'FRAMES', partCount: 3, contentType: 'image/jpeg', expiresAt: new Date(Date.now() + 60_000) },
    });
    const loop = await stack.usersDb.loop.create({
      data: { ownerId, uploadId: upload.id, mode: 'BOUNCE', effect: 'NONE', fps: 10, effectDay: new Date() },
    });
    loopId = loop.id;
  });

  it('loop { owner { handle } } of a missing owner: loop is null and errors say why, with the path', async () => {
    const res = await gql<{ loop: unknown }, { id: string }>('query ($id: ID!) { loop(id: $id) { id owner { handle } } }', { id: loopId });
    expect(res.data?.loop ?? null).toBeNull();
    expect(res.errors, JSON.stringify(res)).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('NOT_FOUND');
    // The gateway keeps the unresolved owner as a bare reference: the first non-null field under it is where it fails.
    expect(res.errors![0]!.path?.slice(0, 2)).toEqual(['loop', 'owner']);
    expect(JSON.stringify(res)).not.toContain('valueCompletion');
  });

  it('the loop itself still resolves without the owner', async () => {
    const res = ok(await gql<{ loop: { id: string } }, { id: string }>('query ($id: ID!) { loop(id: $id) { id status } }', { id: loopId }));
    expect(res.loop.id).toBe(loopId);
  });
});

describe('the key set cannot be fetched (finding 7)', () => {
  let media: ServiceHandle;
  let gateway: ServiceHandle;
  let supergraph: SupergraphFile;
  let token: string;

  beforeAll(async () => {
    token = (await signUpUser(gql, `jwks_${run}`)).token;
    // A port nothing listens on: the users subgraph is down, no key set was ever cached.
    const probe = createNetServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const jwks = `http://127.0.0.1:${deadPort}/.well-known/jwks.json`;
    media = await startMedia(loadMediaConfig({ ...stack.env, JWKS_URL: jwks, MEDIA_PORT: '0' }));
    supergraph = composeSupergraphFile(['users', 'media']);
    gateway = await startGatewayService({ ...stack.env, JWKS_URL: jwks }, supergraph.file, { users: stack.usersUrl, media: media.url });
  });
  afterAll(async () => {
    await gateway?.stop();
    await media?.stop();
    supergraph?.remove();
  });

  it('an operation that needs no viewer still works with a token: { effects } → 200', async () => {
    const res = await graphqlClient(gateway.url)<{ effects: unknown[] }, never>('{ effects { effect } }', undefined, token);
    expect(res.status).toBe(200);
    expect(ok(res).effects).toHaveLength(4);
  });

  it('an operation that needs the viewer → 503 SERVICE_UNAVAILABLE with retryAfterSeconds and Retry-After', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { requestUpload(input: { kind: FRAMES, count: 3, contentType: "image/jpeg" }) { id } }' }),
    });
    const body = (await res.json()) as GqlResponse<unknown>;
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
    expect(body.errors![0]!.message).toMatch(/key set/i);
  });
});

describe('keep-alive that cannot race (finding 8)', () => {
  it.each([
    ['gateway', () => stack.gatewayUrl],
    ['users subgraph', () => stack.usersUrl],
    ['media subgraph', () => stack.mediaUrl!],
  ])('%s keeps idle sockets open longer than the gateway keeps them pooled', async (_name, url) => {
    const res = await fetch(`${originOf(url())}/health`);
    const hint = /timeout=(\d+)/.exec(res.headers.get('keep-alive') ?? '')?.[1];
    expect(Number(hint) * 1000).toBeGreaterThan(CLIENT_IDLE_SOCKET_MS);
  });

  it("the gateway's subgraph connections are kept alive and dropped when idle for CLIENT_IDLE_SOCKET_MS", () => {
    expect(subgraphConnections.keepAliveTimeout).toBe(CLIENT_IDLE_SOCKET_MS);
    expect(subgraphConnections.keepAliveMaxTimeout).toBe(CLIENT_IDLE_SOCKET_MS);
  });
});

describe('operation limits before execution (finding 9)', () => {
  const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: mp4Url`).join(' ');

  it('20,000 aliased mp4Url (269 KB) are refused by the token limit, before anything runs', async () => {
    const before = stack.mediaStatements.length;
    const res = await gql(`{ loop(id: "${randomUUID()}") { ${aliases(20_000)} } }`);
    expectLimit(res, 'TOKENS');
    expect(res.errors![0]!.extensions?.max).toBe(3000);
    expect(stack.mediaStatements.length).toBe(before);
  });

  it('101 aliases are refused (GATEWAY_MAX_ALIASES 100); 100 pass', async () => {
    ok(await gql(`{ loop(id: "${randomUUID()}") { ${aliases(100)} } }`));
    const before = stack.mediaStatements.length;
    expectLimit(await gql(`{ loop(id: "${randomUUID()}") { ${aliases(101)} } }`), 'ALIASES');
    expect(stack.mediaStatements.length).toBe(before);
  });

  it('fields multiplied by fragments are counted (GATEWAY_MAX_FIELDS 1000)', async () => {
    // F0 has 2 fields; each Fk spreads F(k-1) twice: F9 = 1,024 fields in a few hundred bytes.
    const fragments = Array.from({ length: 10 }, (_, k) =>
      k === 0 ? 'fragment F0 on Loop { id status }' : `fragment F${k} on Loop { ...F${k - 1} ...F${k - 1} }`).join('\n');
    ok(await gql(`{ loop(id: "${randomUUID()}") { ...F8 } }\n${fragments.split('\n').slice(0, 9).join('\n')}`));
    expectLimit(await gql(`{ loop(id: "${randomUUID()}") { ...F9 } }\n${fragments}`), 'FIELDS');
  });
});

describe('control characters in input (finding 10)', () => {
  const signUp = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
  const input = (over: Record<string, string>) => ({
    handle: `ctl_${run}_${Math.random().toString(36).slice(2, 6)}`,
    email: `ctl_${run}@example.com`,
    password: 'long enough password',
    ...over,
  });

  it.each([
    ['gateway', () => gql],
    ['users subgraph, directly', () => users],
  ])('%s: NUL in a variable (signUp email) → 400 BAD_USER_INPUT naming input.email, nothing written', async (_name, client) => {
    const before = stack.statements.length;
    const res = await client()(signUp, { input: input({ email: `a\u0000b_${run}@example.com` }) });
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect(stack.statements.length).toBe(before);
  });

  it.each([
    ['logIn login, literal', 'mutation { logIn(input: { login: "a\\u0000", password: "x" }) { accessToken } }', 'input.login'],
    ['signUp handle, literal', 'mutation { signUp(input: { handle: "h\\u001b", email: "e@example.com", password: "long enough password" }) { accessToken } }', 'input.handle'],
    ['searchUsers query, DEL', '{ searchUsers(query: "ab\\u007f") { id } }', 'query'],
    ['searchUsers query, C1 (CSI)', '{ searchUsers(query: "ab\\u009b") { id } }', 'query'],
  ])('gateway: %s → BAD_USER_INPUT naming the field', async (_name, query, field) => {
    const res = await gql(query);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('newline, carriage return and tab are text', async () => {
    expect(ok(await gql<{ searchUsers: unknown[] }, { q: string }>('query ($q: String!) { searchUsers(query: $q) { id } }', { q: 'a\tb\r\nc' })).searchUsers).toEqual([]);
  });
});

describe('the users subgraph is no side door (finding 11)', () => {
  it('20 aliased signUps in one POST straight to the subgraph are refused; no account is created', async () => {
    const handles = Array.from({ length: 20 }, (_, i) => `side_${run}_${i}`);
    const doc = `mutation {\n${handles.map((h, i) =>
      `s${i}: signUp(input: { handle: "${h}", email: "${h}@example.com", password: "long enough password" }) { accessToken }`).join('\n')}\n}`;
    const res = await users(doc);
    expectLimit(res, 'ROOT_MUTATIONS');
    const found = await stack.usersDb.user.count({ where: { handle: { in: handles } } });
    expect(found).toBe(0);
  });

  it('the subgraph applies the alias limit too, with room for query planning (2 × 100)', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ');
    ok(await users(`{ user(handle: "nobody_${run}") { ${aliases(200)} } }`));
    expectLimit(await users(`{ user(handle: "nobody_${run}") { ${aliases(201)} } }`), 'ALIASES');
  });

  it('subgraphs listen on loopback unless HOST says otherwise', async () => {
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    const own = await startUsers(loadUsersConfig({ ...stack.env, USERS_PORT: '0' }));
    try {
      expect((await fetch(`${originOf(own.url)}/health`)).status).toBe(200);
      if (external) await expect(fetch(`http://${external}:${own.port}/health`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    } finally {
      await own.stop();
    }
  });
});

describe('HTTP-level refusals are JSON, with no X-Powered-By (finding 12)', () => {
  let worker: ServiceHandle;
  // The worker process exists only with Redis (it consumes the BullMQ queue).
  const withWorker = redisAvailable();
  beforeAll(async () => {
    if (withWorker) worker = await startMediaWorker(loadMediaConfig({ ...stack.env, WORKER_HEALTH_PORT: '0' }));
  });
  afterAll(() => worker?.stop());

  const graphqlEndpoints: Array<[string, () => string]> = [
    ['gateway', () => stack.gatewayUrl],
    ['users subgraph', () => stack.usersUrl],
    ['media subgraph', () => stack.mediaUrl!],
  ];

  async function expectJsonRefusal(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]!.extensions.code).toBe(code);
  }

  it.each(graphqlEndpoints)('%s: malformed JSON → 400 JSON', async (_name, url) => {
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
    await expectJsonRefusal(res, 400, 'BAD_REQUEST');
  });

  it.each(graphqlEndpoints)('%s: a body over 1 MB → 413 JSON', async (_name, url) => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } });
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await expectJsonRefusal(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(graphqlEndpoints)('%s: a body sent as application/graphql-response+json is read as the JSON it is', async (_name, url) => {
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/graphql-response+json' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it.each(graphqlEndpoints)('%s: an unsupported media type → 415 JSON', async (_name, url) => {
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<query/>' });
    await expectJsonRefusal(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([...graphqlEndpoints, ...(withWorker ? [['media worker', () => worker.url] as [string, () => string]] : [])])(
    '%s: an unknown route → 404 JSON; /health has no X-Powered-By',
    async (_name, url) => {
      await expectJsonRefusal(await fetch(`${originOf(url())}/no-such-route`), 404, 'NOT_FOUND');
      const health = await fetch(`${originOf(url())}/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('x-powered-by')).toBeNull();
    },
  );

  it('a normal POST still gets no X-Powered-By', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
