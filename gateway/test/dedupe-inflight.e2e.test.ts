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
    // A subgraph call with no answer fails after 5 s here (30 s by default).
    env: { GATEWAY_SUBGRAPH_TIMEOUT_MS: '5000' },
    routeVia: async (_name, url) => {
      proxy = await startGraphqlProxy(url, { delayMs: 300, holdAnswerMs: (body) => (/\bholdMe\b/.test(body.query) ? 2_000 : /\bhung\b/.test(body.query) ? 8_000 : 0) });
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

describe('deduplication never trades correctness', () => {
  // `holdMe` is an alias only these tests use: the proxy holds that answer 2 s after the
  // subgraph gave it, so the request stays in flight while the test acts.
  const ME_BIO = '{ holdMe: me { id bio } }';

  it("read-your-writes: a query sent after one's own mutation returned never gets an answer read before it", async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const who = await signUpUser(gql, `dd_ryw_${Date.now().toString(36)}`);
    ok(await gql('mutation { updateProfile(input: { bio: "old" }) { bio } }', {}, who.token));
    const early = gql<{ holdMe: { bio: string } }, unknown>(ME_BIO, {}, who.token); // read "old", answer held 2 s
    await new Promise((r) => setTimeout(r, 600)); // past the proxy's 300 ms delay: the subgraph has read it
    ok(await gql('mutation { updateProfile(input: { bio: "new" }) { bio } }', {}, who.token));
    const after = await gql<{ holdMe: { bio: string } }, unknown>(ME_BIO, {}, who.token);
    expect(ok(after).holdMe.bio).toBe('new');
    expect(ok(await early).holdMe.bio).toBe('old');
  });

  it('a token revoked meanwhile is refused, not answered from a request made while it was good', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const handle = `dd_rev_${Date.now().toString(36)}`;
    const signUp = ok(
      await gql<{ signUp: { accessToken: string; refreshToken: string } }, unknown>(
        'mutation ($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken } }',
        { i: { handle, email: `${handle}@example.com`, password: 'long enough password' } },
      ),
    ).signUp;
    const early = gql(ME_BIO, {}, signUp.accessToken);
    await new Promise((r) => setTimeout(r, 600));
    // Logged out from elsewhere (no token on this call): nothing this token sent was a write.
    ok(await gql('mutation ($r: String!) { logOut(refreshToken: $r) }', { r: signUp.refreshToken }));
    await new Promise((r) => setTimeout(r, 1_100)); // past the 1 s revocation cache
    const after = await gql(ME_BIO, {}, signUp.accessToken);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await early;
  });

  it('a subgraph call with no answer fails after GATEWAY_SUBGRAPH_TIMEOUT_MS (SERVICE_UNAVAILABLE), and so does every caller that joined it', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 3 }, () => gql('{ hung: user(handle: "nobody") { id } }')));
    for (const res of answers) expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(7_500); // 5 s timeout, not the proxy's 8 s hold
  });
});
