// Automatic persisted queries at the gateway over real HTTP: miss → register → hit, the store
// shared by two gateways through Redis (and kept in process without REDIS_URL), GET for
// queries with cache headers a CDN can act on, mutations refused over GET, malformed and
// oversized requests, and a Redis outage (hash-only requests miss, everything else runs).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { skipWithout } from '../../tests/support/needs.ts';
import { startOwnRedis, type OwnRedis } from '../../tests/support/own-redis.ts';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { LOOKUP_BUDGET_MS } from '../src/persisted-queries-cache.ts';
import { apq, code, gatewayWith, get, post, sha256 } from './persisted-documents-support.ts';

const run = Date.now().toString(36);
let seq = 0;
/** A query no other test has registered (the store is shared by the stack's gateways). */
const freshQuery = () => {
  const name = `Apq_${run}_${++seq}`;
  return `query ${name} { user(handle: "nobody_${name.toLowerCase()}") { id handle } }`;
};

let stack: Stack;
let url: string;
const gateways: ServiceHandle[] = [];

beforeAll(async () => {
  stack = await startStack();
  url = stack.gatewayUrl;
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await stack?.stop();
});

/** miss → register → hit on `at` (register) and `hitAt` (the hash alone). */
async function registerAndHit(at: string, hitAt = at) {
  const query = freshQuery();
  const hash = sha256(query);
  const miss = await post(at, { extensions: apq(hash) });
  expect(miss.status).toBe(200);
  expect(code(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
  const register = await post(at, { query, extensions: apq(hash) });
  expect(register.body).toEqual({ data: { user: null } });
  // Apollo Server stores the query after answering: a hash-only request right away may still miss.
  await expect.poll(async () => (await post(hitAt, { extensions: apq(hash) })).body, { timeout: 3_000, interval: 50 }).toEqual({ data: { user: null } });
  return { query, hash };
}

describe('automatic persisted queries (POST)', () => {
  it('a hash-only request misses, the client registers the query with its hash, then the hash alone runs it', async () => {
    const { hash } = await registerAndHit(url);
    // Shared store: Redis, under the deployment's prefix, with the configured lifetime.
    if (stack.gatewayEnv.REDIS_URL) {
      const redis = new Redis(stack.gatewayEnv.REDIS_URL);
      try {
        const key = `${stack.gatewayEnv.REDIS_PREFIX}apq:${hash}`;
        const stored = await redis.get(key);
        expect(stored).toContain('query Apq_');
        expect(stored).not.toContain(' {'); // stored compact (stripIgnoredCharacters)
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(86_000);
        expect(ttl).toBeLessThanOrEqual(86_400);
      } finally {
        redis.disconnect();
      }
    }
  });

  it('a hash that is not the sha256 of the query is refused (400 PERSISTED_QUERY_HASH_MISMATCH), not run and not stored', async () => {
    const query = freshQuery();
    const wrong = sha256(`${query} `);
    const res = await post(url, { query, extensions: apq(wrong) });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(res.body.data).toBeUndefined();
    expect(code(await post(url, { extensions: apq(wrong) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('a documentId (sha256:<hex>), over POST or GET, is the same lookup as an APQ hash; with a query too it is refused', async () => {
    const { query, hash } = await registerAndHit(url);
    expect((await post(url, { documentId: `sha256:${hash}` })).body).toEqual({ data: { user: null } });
    expect((await get(url, { documentId: `sha256:${hash}` })).body).toEqual({ data: { user: null } });
    const both = await post(url, { documentId: `sha256:${hash}`, query });
    expect(both.status).toBe(400);
    expect(code(both)).toBe('BAD_REQUEST');
  });

  it.each([
    ['a version other than 1', { persistedQuery: { version: 2, sha256Hash: sha256('x') } }],
    ['a hash that is not 64 hex digits', { persistedQuery: { version: 1, sha256Hash: 'not-a-hash' } }],
    ['an oversized hash', { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(100_000) } }],
    ['a hash that is not a string', { persistedQuery: { version: 1, sha256Hash: 12 } }],
    ['persistedQuery that is not an object', { persistedQuery: 'yes' }],
    ['extensions that are an array', [1, 2]],
  ])('%s is refused with 400 BAD_REQUEST before anything runs', async (_name, extensions) => {
    const res = await post(url, { query: '{ __typename }', extensions });
    expect(res.status).toBe(400);
    expect(code(res)).toBe('BAD_REQUEST');
    expect(res.body.data).toBeUndefined();
  });

  it('requests without a persisted query are untouched: no-store, as before', async () => {
    const res = await post(url, { query: '{ __typename }' });
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET (what a CDN caches)', () => {
  it('a query by hash over GET: miss, register over GET, hit; anonymous answers are public for GATEWAY_GET_MAX_AGE_SECONDS', async () => {
    const query = freshQuery();
    const hash = sha256(query);
    const miss = await get(url, { extensions: apq(hash) });
    expect(code(miss)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.headers.get('cache-control')).toBe('no-store');
    expect((await get(url, { query, extensions: apq(hash) })).body).toEqual({ data: { user: null } });
    let hit = await get(url, { extensions: apq(hash), variables: {} });
    // Stored after the answer: poll the first hit.
    for (let i = 0; i < 50 && code(hit); i++) hit = await get(url, { extensions: apq(hash), variables: {} });
    expect(hit.body).toEqual({ data: { user: null } });
    expect(hit.headers.get('cache-control')).toBe('public, max-age=10');
    expect(hit.headers.get('vary')).toMatch(/authorization/i);
  });

  it('a signed-in GET is never shared-cached (private, no-store; Vary: Authorization)', async () => {
    const { hash } = await registerAndHit(url);
    const res = await get(url, { extensions: apq(hash) }, { 'apollo-require-preflight': 'true', authorization: 'Bearer not-a-token' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('vary')).toMatch(/authorization/i);
  });

  it('an answer with errors is not cached', async () => {
    const res = await get(url, { query: '{ user(handle: "nobody") { id } searchUsers(query: "a", first: 0) { id } }' });
    expect(res.status).toBe(200);
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a mutation over GET is refused with 405 (Allow: POST) and not run', async () => {
    const handle = `apq_get_${run}`;
    const mutation = `mutation { signUp(input: { handle: "${handle}", email: "${handle}@example.com", password: "long enough password" }) { accessToken } }`;
    const res = await get(url, { query: mutation, extensions: apq(sha256(mutation)) });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lookup = await post(url, { query: `{ user(handle: "${handle}") { id } }` });
    expect(lookup.body).toEqual({ data: { user: null } });
  });

  it('CSRF prevention stays on: a GET without a preflight-forcing header is refused', async () => {
    const res = await get(url, { query: '{ __typename }' }, {});
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/CSRF/);
  });

  it('extensions that are not JSON are refused with 400 BAD_REQUEST', async () => {
    const res = await fetch(`${url}?extensions=%7Bnope`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });
});

describe.skipIf(skipWithout('redis', 'the APQ store shared by gateway replicas'))('two gateways on one Redis', () => {
  it('a query registered on gateway A is found by hash on gateway B', async () => {
    const b = await gatewayWith(stack.gatewayEnv, {});
    gateways.push(b);
    await registerAndHit(url, b.url);
  });
});

describe('without REDIS_URL (embedded npm start)', () => {
  let memory: ServiceHandle;
  beforeAll(async () => {
    memory = await gatewayWith(stack.gatewayEnv, { REDIS_URL: undefined, GATEWAY_APQ_MAX_BYTES: '300' });
    gateways.push(memory);
  });

  it('the in-process store registers and hits, and writes nothing to Redis', async () => {
    const { hash } = await registerAndHit(memory.url);
    if (stack.gatewayEnv.REDIS_URL) {
      const redis = new Redis(stack.gatewayEnv.REDIS_URL);
      try {
        expect(await redis.exists(`${stack.gatewayEnv.REDIS_PREFIX}apq:${hash}`)).toBe(0);
      } finally {
        redis.disconnect();
      }
    }
  });

  it('a query over GATEWAY_APQ_MAX_BYTES runs but is not stored: its hash keeps missing', async () => {
    const query = freshQuery().replace('nobody_', `nobody_${'padding_'.repeat(50)}`);
    const hash = sha256(query);
    expect((await post(memory.url, { query, extensions: apq(hash) })).body).toEqual({ data: { user: null } });
    expect(code(await post(memory.url, { extensions: apq(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('comments and spacing are not stored (padding buys no room): the same document answers its hash', async () => {
    const query = `${freshQuery()}\n# ${'padding '.repeat(50)}\n`;
    const hash = sha256(query);
    expect((await post(memory.url, { query, extensions: apq(hash) })).body).toEqual({ data: { user: null } });
    await expect.poll(async () => (await post(memory.url, { extensions: apq(hash) })).body, { timeout: 3_000, interval: 50 }).toEqual({ data: { user: null } });
  });
});

describe.skipIf(skipWithout('redis', 'a Redis error on a persisted-query lookup'))('a Redis error on lookup', () => {
  it('is a miss, not a failed request', async () => {
    await registerAndHit(url); // the gateway's connection is up: the lookup reaches Redis
    const query = freshQuery();
    const hash = sha256(query);
    const redis = new Redis(stack.gatewayEnv.REDIS_URL!);
    try {
      // GET on a hash answers WRONGTYPE: Redis is up and refuses the command.
      await redis.hset(`${stack.gatewayEnv.REDIS_PREFIX}apq:${hash}`, 'not', 'a string');
      const res = await post(url, { extensions: apq(hash) });
      expect(res.status).toBe(200);
      expect(code(res)).toBe('PERSISTED_QUERY_NOT_FOUND');
    } finally {
      redis.disconnect();
    }
  });
});

describe.skipIf(skipWithout('redis-server', 'the APQ store during a Redis outage'))('Redis outage', () => {
  let redis: OwnRedis;
  let gateway: ServiceHandle;
  beforeAll(async () => {
    redis = await startOwnRedis();
    gateway = await gatewayWith(stack.gatewayEnv, { REDIS_URL: redis.url });
    gateways.push(gateway);
  });
  afterAll(async () => {
    redis?.resume();
    await redis?.kill();
  });

  /** The query runs in full, and so does a request without APQ: only the lookup is affected. */
  async function fullRequestsRun(query: string, hash: string) {
    expect((await post(gateway.url, { query, extensions: apq(hash) })).body).toEqual({ data: { user: null } });
    expect((await post(gateway.url, { query: '{ __typename }' })).body).toEqual({ data: { __typename: 'Query' } });
  }

  it('hung (connected, not answering): a hash-only request misses within the lookup budget, not the command timeout', async () => {
    const { query, hash } = await registerAndHit(gateway.url);
    redis.pause();
    try {
      const started = Date.now();
      expect(code(await post(gateway.url, { extensions: apq(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(Date.now() - started).toBeLessThan(LOOKUP_BUDGET_MS + 700);
      await fullRequestsRun(query, hash);
    } finally {
      redis.resume();
    }
  });

  it('down: hash-only requests miss at once, the client resends the query, which runs; back: hits again', async () => {
    const { query, hash } = await registerAndHit(gateway.url);
    await redis.kill();
    const started = Date.now();
    expect(code(await post(gateway.url, { extensions: apq(hash) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(Date.now() - started).toBeLessThan(LOOKUP_BUDGET_MS + 700);
    await fullRequestsRun(query, hash);

    // Back (empty): the client registers again and hash-only requests hit.
    await redis.start();
    const registerThenHit = async () => {
      await post(gateway.url, { query, extensions: apq(hash) });
      return code(await post(gateway.url, { extensions: apq(hash) }));
    };
    await expect.poll(registerThenHit, { timeout: 10_000, interval: 200 }).toBeUndefined();
  });
});
