// Identical subgraph queries in flight at once are sent once (GATEWAY_DEDUPE_REQUESTS, on by
// default) — and only when they are identical down to the forwarded headers: two users asking
// the same thing at the same moment each get their own answer. Mutations are never merged.
// The users subgraph sits behind a proxy that holds each request 300 ms, so requests overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { startGraphqlProxy, type GraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import { graphqlClient, ok } from '../../tests/support/client.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from '../../tests/support/processes.ts';
import { signUpUser } from '../../tests/support/media.ts';

let stack: Stack;
let proxy: GraphqlProxy;
let noDedupe: ServiceProcess | undefined;
let noDedupeUrl: string;
type Me = { me: { id: string; handle: string } };

beforeAll(async () => {
  stack = await startStack({
    routeVia: async (_name, url) => {
      proxy = await startGraphqlProxy(url, { delayMs: 300 });
      return proxy.url;
    },
  });
  const port = await freePort();
  noDedupe = spawnEntry('gateway/src/main.ts', { ...stack.gatewayEnv, GATEWAY_PORT: String(port), HOST: '127.0.0.1', GATEWAY_DEDUPE_REQUESTS: 'false' });
  await waitForHttp(`http://127.0.0.1:${port}/health`, noDedupe);
  noDedupeUrl = `http://127.0.0.1:${port}/graphql`;
});

afterAll(async () => {
  await noDedupe?.kill();
  await stack?.stop();
  await proxy?.stop();
});

const sentSince = (n: number, pattern: RegExp) => proxy.bodies.slice(n).filter((b) => pattern.test(b.query)).length;

describe('in-flight deduplication of subgraph requests', () => {
  it('10 identical queries by one user at once reach the subgraph once; by two users, once each, each with their own answer', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const suffix = Date.now().toString(36);
    const ada = await signUpUser(gql, `dd_ada_${suffix}`);
    const bo = await signUpUser(gql, `dd_bo_${suffix}`);
    const before = proxy.bodies.length;
    const asks = [...Array.from({ length: 10 }, () => ada), ...Array.from({ length: 10 }, () => bo)];
    const answers = await Promise.all(asks.map((who) => gql<Me, unknown>('{ me { id handle } }', {}, who.token)));
    answers.forEach((res, i) => expect(ok(res).me.id).toBe(asks[i]!.id));
    expect(sentSince(before, /\bme\b/)).toBe(2);
  });

  it('anonymous identical queries share one request; with GATEWAY_DEDUPE_REQUESTS=false each is sent', async () => {
    for (const [url, expected] of [[stack.gatewayUrl, 1], [noDedupeUrl, 8]] as const) {
      const gql = graphqlClient(url);
      const before = proxy.bodies.length;
      const handle = `nobody_${Date.now().toString(36)}`;
      const answers = await Promise.all(Array.from({ length: 8 }, () => gql<{ user: null }, unknown>(`{ user(handle: "${handle}") { id } }`)));
      answers.forEach((res) => expect(ok(res).user).toBeNull());
      expect(sentSince(before, /\buser\(/)).toBe(expected);
    }
  });

  it('identical mutations at once are each sent', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const who = await signUpUser(gql, `dd_mut_${Date.now().toString(36)}`);
    const before = proxy.bodies.length;
    await Promise.all(
      Array.from({ length: 4 }, () => gql('mutation { updateProfile(input: { bio: "same" }) { bio } }', {}, who.token)).map(async (p) => ok(await p)),
    );
    expect(sentSince(before, /updateProfile/)).toBe(4);
  });
});
