// Live delivery end to end: real subgraphs (users, media with its worker, posts, social), real
// Redis pub/sub when there is one, two gateways (this process and a second gateway process),
// and real graphql-ws clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from '../../tests/support/processes.ts';
import { liveClient, type LiveClient } from '../../tests/support/live-client.ts';
import { ok } from '../../tests/support/client.ts';
import { makeJpegFrames } from '../../subgraphs/media/test/support/frames.ts';
import { uploadAndCreate } from '../../tests/support/media.ts';
import { startGraphqlProxy, type GraphqlProxy } from '../../tests/support/graphql-proxy.ts';
import { gatewayClient, mustCreatePost, newUser, readyLoops, type Gql, type TestUser } from '../../subgraphs/posts/test/support.ts';

let stack: Stack;
const proxies = new Map<string, GraphqlProxy>();
let gql: Gql;
let gatewayB: ServiceProcess | undefined;
let urlB: string;
let ada: TestUser;
let bo: TestUser;
let cy: TestUser;
let dee: TestUser;
let postId: string;
const clients: LiveClient[] = [];
const connect = (url: string, token?: string) => {
  const c = liveClient(url, token);
  clients.push(c);
  return c;
};

const LIKE = `subscription ($p: ID!) { likeAdded(postId: $p) {
  id user { handle } post { caption likeCount loop { status mp4Url } author { handle } } } }`;

beforeAll(async () => {
  // Every subgraph behind a recording proxy: the fetches the gateway makes per event are counted.
  stack = await startStack({
    // Both gateways re-verify live tokens every 300 ms: a revocation ends a connection quickly.
    env: { GATEWAY_LIVE_RECHECK_MS: '300' },
    media: true,
    worker: true,
    posts: true,
    social: true,
    routeVia: async (name, url) => {
      const proxy = await startGraphqlProxy(url);
      proxies.set(name, proxy);
      return proxy.url;
    },
  });
  gql = gatewayClient(stack.gatewayUrl);
  const port = await freePort();
  // Gateway B holds at most 4 undelivered events per subscriber.
  gatewayB = spawnEntry('gateway/src/main.ts', {
    ...stack.gatewayEnv,
    GATEWAY_PORT: String(port),
    HOST: '127.0.0.1',
    GATEWAY_LIVE_BUFFER: '4',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health`, gatewayB);
  urlB = `http://127.0.0.1:${port}/graphql`;
  ada = await newUser(gql, 'live_ada');
  bo = await newUser(gql, 'live_bo');
  cy = await newUser(gql, 'live_cy');
  dee = await newUser(gql, 'live_dee');
  const [loopId] = await readyLoops(gql, ada, 1);
  postId = (await mustCreatePost(gql, ada, loopId!, 'live #now')).id;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
  await gatewayB?.kill();
  await stack?.stop();
  for (const p of proxies.values()) await p.stop();
});

describe('likeAdded', () => {
  it('a like through gateway A reaches subscribers on A and B, with fields from users, posts, social and media', async () => {
    const onA = connect(stack.gatewayUrl);
    const onB = connect(urlB, bo.token);
    const subA = onA.subscribe(LIKE, { p: postId });
    const subB = onB.subscribe(LIKE, { p: postId });
    await Promise.all([onA.settled(), onB.settled()]);
    ok(await gql('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: postId }, bo.token));
    for (const sub of [subA, subB]) {
      const event = await sub.nth(0);
      expect(event.errors).toBeUndefined();
      expect(event.data).toMatchObject({
        likeAdded: { user: { handle: bo.handle }, post: { caption: 'live #now', likeCount: 1, loop: { status: 'READY' }, author: { handle: ada.handle } } },
      });
      expect((event.data as any).likeAdded.post.loop.mp4Url).toMatch(/^http/);
    }
  });
});

const like = async (who: TestUser, post = postId) => ok(await gql('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: post }, who.token));
const comment = async (who: TestUser, text: string, post = postId) =>
  ok(await gql('mutation ($p: ID!, $t: String!) { addComment(postId: $p, text: $t) { id } }', { p: post, t: text }, who.token));
const freshPost = async (author: TestUser, caption: string) => {
  const [loopId] = await readyLoops(gql, author, 1);
  return (await mustCreatePost(gql, author, loopId!, caption)).id;
};
/** The code of the error a subscription was refused with (one result with errors, then complete). */
const refusedWith = async (sub: { nth(i: number): Promise<{ errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }>; done: boolean }) => {
  const first = await sub.nth(0);
  expect(first).not.toHaveProperty('data.likeAdded');
  return first.errors?.[0]?.extensions?.code;
};
/** Nothing more arrives on `sub` while `other` receives an event caused after it (both in place). */
const nothingMore = (sub: { results: unknown[] }, count: number) => expect(sub.results).toHaveLength(count);

describe('comments, activity and loop status, in order', () => {
  it('comments arrive in the order they were made, with their author from users', async () => {
    const c = connect(stack.gatewayUrl);
    const sub = c.subscribe<{ commentAdded: { text: string; author: { handle: string } } }>(
      'subscription ($p: ID!) { commentAdded(postId: $p) { text author { handle } post { commentCount } } }',
      { p: postId },
    );
    await c.settled();
    for (const text of ['one', 'two', 'three']) await comment(bo, text);
    const got = await Promise.all([0, 1, 2].map((i) => sub.nth(i)));
    expect(got.map((r) => r.data!.commentAdded.text)).toEqual(['one', 'two', 'three']);
    expect(got.map((r) => r.data!.commentAdded.author.handle)).toEqual([bo.handle, bo.handle, bo.handle]);
    expect(got.map((r) => (r.data as any).commentAdded.post.commentCount)).toEqual([1, 2, 3]);
  });

  it("activityAdded brings the viewer's own News in order, never the viewer's own actions, never someone else's", async () => {
    const post = await freshPost(cy, 'cy live');
    const mine = connect(stack.gatewayUrl, cy.token);
    const others = connect(urlB, dee.token);
    const subMine = mine.subscribe<{ activityAdded: { kind: string; actor: { handle: string } } }>(
      'subscription { activityAdded { kind actor { handle } post { caption } } }',
    );
    const subOthers = others.subscribe('subscription { activityAdded { kind } }');
    await Promise.all([mine.settled(), others.settled()]);
    await like(cy, post); // cy's own like on cy's own post: no News for cy
    await like(bo, post);
    await comment(bo, 'nice', post);
    const got = await Promise.all([0, 1].map((i) => subMine.nth(i)));
    expect(got.map((r) => [r.data!.activityAdded.kind, r.data!.activityAdded.actor.handle])).toEqual([
      ['LIKE', bo.handle],
      ['COMMENT', bo.handle],
    ]);
    // dee is in place (settled) and nothing of cy's reached her; nothing more reached cy.
    await others.settled();
    nothingMore(subOthers, 0);
    nothingMore(subMine, 2);
  });

  it('loopUpdated sends the current state first, then PENDING → PROCESSING → READY in order, to the owner only', async () => {
    const { loop } = await uploadAndCreate(gql, dee.token, await makeJpegFrames(3, 64, 64), { fps: 5 });
    const owner = connect(stack.gatewayUrl, dee.token);
    const sub = owner.subscribe<{ loopUpdated: { id: string; status: string; mp4Url: string | null } }>(
      'subscription ($id: ID!) { loopUpdated(id: $id) { id status mp4Url owner { handle } } }',
      { id: loop.id },
    );
    const stranger = connect(urlB, bo.token);
    const strangerSub = stranger.subscribe('subscription ($id: ID!) { loopUpdated(id: $id) { status } }', { id: loop.id });
    const anonymous = connect(urlB);
    const anonymousSub = anonymous.subscribe('subscription ($id: ID!) { loopUpdated(id: $id) { status } }', { id: loop.id });
    const statuses: string[] = [];
    for (let i = 0; !statuses.includes('READY') && !statuses.includes('FAILED'); i++) {
      const r = await sub.nth(i, 60_000);
      expect(r.errors).toBeUndefined();
      statuses.push(r.data!.loopUpdated.status);
    }
    const order = ['PENDING', 'PROCESSING', 'READY'];
    expect(statuses.at(-1)).toBe('READY');
    expect(statuses.map((s) => order.indexOf(s))).toEqual([...statuses.map((s) => order.indexOf(s))].sort());
    expect(new Set(statuses).size).toBe(statuses.length); // no state twice
    expect(sub.results.at(-1)!.data!.loopUpdated.mp4Url).toMatch(/^http/);
    expect(await refusedWith(strangerSub)).toBe('NOT_FOUND');
    expect(strangerSub.results[0]?.data ?? null).toBeNull();
    expect(await refusedWith(anonymousSub)).toBe('UNAUTHENTICATED');
  });
});

describe('auth and visibility', () => {
  const closedWith = async (c: ReturnType<typeof connect>) => c.closed;

  it('no token: public streams work; activityAdded answers UNAUTHENTICATED on that subscription, the socket stays open', async () => {
    const c = connect(urlB);
    const activity = c.subscribe('subscription { activityAdded { kind } }');
    const likes = c.subscribe(LIKE, { p: postId });
    await c.settled();
    expect(await refusedWith(activity)).toBe('UNAUTHENTICATED');
    await like(cy);
    expect((await likes.nth(0)).data).toMatchObject({ likeAdded: { user: { handle: cy.handle } } });
  });

  it('queries and mutations over the socket answer their errors on that operation; the socket and its subscriptions stay', async () => {
    const c = connect(stack.gatewayUrl);
    const likes = c.subscribe(LIKE, { p: postId });
    const anonymousLike = c.subscribe('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: postId });
    const missing = c.subscribe('{ post(id: "not-a-post") { id } me { id } }');
    expect((await anonymousLike.nth(0)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await missing.nth(0)).data).toEqual({ post: null, me: null });
    await c.settled();
    await like(dee);
    expect((await likes.nth(0)).data).toMatchObject({ likeAdded: { user: { handle: dee.handle } } });
  });

  it('a bad token closes the socket with 4403 and a reason', async () => {
    const closed = await closedWith(connect(stack.gatewayUrl, 'not-a-jwt'));
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/not valid|token/i);
  });

  it('a revoked token is refused at connect (4403), and a logout ends a live connection (4403)', async () => {
    const handle = `live_rev_${Date.now().toString(36)}`;
    const signUp = ok(
      await gql(
        'mutation ($i: SignUpInput!) { signUp(input: $i) { accessToken refreshToken } }',
        { i: { handle, email: `${handle}@example.com`, password: 'long enough password' } },
      ),
    ).signUp;
    // Gateway A: without Redis (npm test's fallback) revocations stay inside the process that
    // made them, which is this one (README, Configuration: REDIS_URL).
    const live = connect(stack.gatewayUrl, signUp.accessToken);
    const sub = live.subscribe('subscription { activityAdded { kind } }');
    await live.settled();
    ok(await gql('mutation ($r: String!) { logOut(refreshToken: $r) }', { r: signUp.refreshToken }, signUp.accessToken));
    const closed = await live.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/revoked/i);
    expect(sub.results).toHaveLength(0);
    const again = await closedWith(connect(stack.gatewayUrl, signUp.accessToken));
    expect(again.code).toBe(4403);
    expect(again.reason).toMatch(/revoked/i);
  });

  it("nothing crosses a block: a blocked user's like is refused (FORBIDDEN) and a subscriber never sees a like by someone they blocked", async () => {
    const post = await freshPost(ada, 'blocks');
    ok(await gql('mutation ($u: ID!) { blockUser(userId: $u) }', { u: cy.id }, ada.token)); // the author blocks cy
    ok(await gql('mutation ($u: ID!) { blockUser(userId: $u) }', { u: bo.id }, dee.token)); // dee blocks bo
    const refused = await gql('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: post }, cy.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const deeLive = connect(stack.gatewayUrl, dee.token);
    const boLive = connect(urlB, bo.token);
    const deeSub = deeLive.subscribe(LIKE, { p: post });
    const boSub = boLive.subscribe(LIKE, { p: post });
    await Promise.all([deeLive.settled(), boLive.settled()]);
    await like(bo, post); // dee blocked bo: bo's like reaches bo, not dee
    await like(ada, post);
    expect((await boSub.nth(0)).data).toMatchObject({ likeAdded: { user: { handle: bo.handle } } });
    expect((await boSub.nth(1)).data).toMatchObject({ likeAdded: { user: { handle: ada.handle } } });
    expect((await deeSub.nth(0)).data).toMatchObject({ likeAdded: { user: { handle: ada.handle } } });
    nothingMore(deeSub, 1);
    // cy, blocked by the author, may subscribe (a public stream is shared; its refusal would
    // tell cy about the block) but receives nothing of the post.
    const cyLive = connect(urlB, cy.token);
    const cySub = cyLive.subscribe(LIKE, { p: post });
    await cyLive.settled();
    await comment(dee, 'still here', post);
    ok(await gql('mutation ($p: ID!) { unlikePost(postId: $p) { likeCount } }', { p: post }, ada.token));
    await like(ada, post);
    expect((await boSub.nth(2)).data).toMatchObject({ likeAdded: { user: { handle: ada.handle } } });
    expect((await deeSub.nth(1)).data).toMatchObject({ likeAdded: { user: { handle: ada.handle } } });
    nothingMore(cySub, 0);
  });
});

describe('per-event work is shared', () => {
  const SELECTION = `subscription ($p: ID!) { likeAdded(postId: $p) { id user { handle displayName } post { caption likeCount author { handle } loop { status } } } }`;

  let people: TestUser[];
  beforeAll(async () => {
    people = await Promise.all(['sh_a', 'sh_b', 'sh_c', 'sh_d', 'sh_e', 'sh_f'].map((n) => newUser(gql, n)));
  });

  async function fetchesPerLike(subscribers: number, post: string, liker: TestUser): Promise<{ fetches: number; delivered: number }> {
    const conns = Array.from({ length: Math.min(subscribers, 25) }, (_, i) => connect(i % 2 ? urlB : stack.gatewayUrl, i % 3 ? people[i % 4]!.token : undefined));
    // Every third document differs only by a comment and spacing: the same document to the hub.
    const subs = Array.from({ length: subscribers }, (_, i) =>
      conns[i % conns.length]!.subscribe(i % 3 === 2 ? `# subscriber ${i}\n${SELECTION.replace(/ \{ /g, '  {\n ')}` : SELECTION, { p: post }),
    );
    await Promise.all(conns.map((c) => c.settled()));
    const before = [...proxies].map(([name, p]) => [name, p.bodies.length] as const);
    await like(liker, post);
    await Promise.all(subs.map((s) => s.nth(0)));
    // What the subgraphs were asked between the like and its delivery, the like itself left out.
    const fetched = before.flatMap(([name, n]) => proxies.get(name)!.bodies.slice(n)).filter((b) => !b.query.includes('likePost')).length;
    subs.forEach((s) => s.stop());
    await Promise.all(conns.map((c) => c.dispose()));
    return { fetches: fetched, delivered: subs.filter((s) => s.results.length === 1).length };
  }

  it('100 subscribers of one post (two gateways, signed in or not) cost the subgraphs what 1 subscriber costs, per gateway', async () => {
    const post = await freshPost(people[0]!, 'shared');
    const one = await fetchesPerLike(1, post, people[4]!);
    const hundred = await fetchesPerLike(100, post, people[5]!);
    expect(one.delivered).toBe(1);
    expect(hundred.delivered).toBe(100);
    expect(one.fetches).toBeGreaterThan(0);
    // Two gateways each complete the event once: twice the fetches of one gateway, not 100×.
    expect(hundred.fetches).toBe(one.fetches * 2);
  });

  it('a field that depends on the viewer (viewerHasLiked) is resolved per viewer', async () => {
    const [author, liker, other, commenter] = people as [TestUser, TestUser, TestUser, TestUser];
    const post = await freshPost(author, 'per viewer');
    await like(liker, post);
    const q = 'subscription ($p: ID!) { commentAdded(postId: $p) { text post { viewerHasLiked } } }';
    const boLive = connect(stack.gatewayUrl, liker.token);
    const cyLive = connect(stack.gatewayUrl, other.token);
    const boSub = boLive.subscribe(q, { p: post });
    const cySub = cyLive.subscribe(q, { p: post });
    await Promise.all([boLive.settled(), cyLive.settled()]);
    const anonymous = connect(stack.gatewayUrl);
    const streams = async () => ((await (await fetch(stack.gatewayUrl.replace('/graphql', '/ready'))).json()) as { live: { streams: number } }).live.streams;
    const before = await streams();
    const anonymousSubs = [1, 2, 3].map(() => anonymous.subscribe(q, { p: post }));
    await anonymous.settled();
    // Anonymous subscribers are one viewer (none): one stream for the three, not three.
    expect(await streams()).toBe(before + 1);
    await comment(commenter, 'who liked it?', post);
    expect((await boSub.nth(0)).data).toMatchObject({ commentAdded: { post: { viewerHasLiked: true } } });
    expect((await cySub.nth(0)).data).toMatchObject({ commentAdded: { post: { viewerHasLiked: false } } });
    for (const sub of anonymousSubs) expect((await sub.nth(0)).data).toMatchObject({ commentAdded: { post: { viewerHasLiked: false } } });
  });
});
