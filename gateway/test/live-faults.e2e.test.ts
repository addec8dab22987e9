// Live delivery when things go wrong: Redis restarted under the subscriptions, the owning
// subgraph restarted, tokens expiring on a long connection, limits, and a gateway shutting
// down. Runs on a redis-server of its own (own-redis.ts), never the machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startOwnRedis, type OwnRedis } from '../../tests/support/own-redis.ts';
import { skipWithout } from '../../tests/support/needs.ts';
import { freePort, spawnEntry, waitForHttp } from '../../tests/support/processes.ts';
import { liveClient, type LiveClient, type LiveSubscription } from '../../tests/support/live-client.ts';
import { knownPost, ok, people, startSocialStack, type Person, type SocialStack } from '../../subgraphs/social/test/support.ts';

const TOKEN_TTL_SECONDS = 5;
const LIKES = 'subscription ($p: ID!) { likeAdded(postId: $p) { id user { handle } post { likeCount } } }';

describe.skipIf(skipWithout('redis-server', 'the live fault tests'))('live delivery through faults', () => {
  let redis: OwnRedis;
  let stack: SocialStack;
  let author: Person;
  let postId: string;
  const clients: LiveClient[] = [];
  const connect = (token?: string, url = stack.gatewayUrl) => {
    const c = liveClient(url, token);
    clients.push(c);
    return c;
  };
  const like = async (who: Person) => ok(await stack.gql('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: postId }, who.token));

  /**
   * Likes by fresh people until one reaches `sub` (pub/sub keeps nothing: a like made while
   * Redis or the subgraph is still coming back is lost, the next one must arrive).
   */
  async function nextLikeArrives(sub: LiveSubscription, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const had = sub.results.length;
    while (Date.now() < deadline) {
      const [someone] = await people(stack, 1, 'fault');
      await like(someone!).catch(() => undefined); // may answer SERVICE_UNAVAILABLE while Redis is back up
      const got = await sub.nth(had, 1_000).catch(() => undefined);
      if (got) {
        expect(got.errors).toBeUndefined();
        return;
      }
    }
    throw new Error(`no like reached the subscriber within ${timeoutMs} ms (${JSON.stringify(sub.results.slice(had))}, done: ${sub.done})`);
  }

  beforeAll(async () => {
    redis = await startOwnRedis();
    stack = await startSocialStack({
      env: {
        REDIS_URL: redis.url,
        ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
        LIKES_PER_HOUR: '1000',
        COMMENTS_PER_HOUR: '100000',
        // At most 4 events wait for one subscriber whose socket does not drain.
        GATEWAY_LIVE_BUFFER: '4',
      },
    });
    [author] = await people(stack, 1, 'author');
    postId = await knownPost(stack, author!.id);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
    await stack?.stop();
    await redis?.kill();
  });

  it('Redis restarted under a subscription: the next like still arrives, no restart of anything else', async () => {
    const c = connect();
    const sub = c.subscribe(LIKES, { p: postId });
    await c.settled();
    await nextLikeArrives(sub);
    await redis.restart();
    await nextLikeArrives(sub);
    expect(sub.done).toBe(false);
  });

  it('the social subgraph restarted: the gateway re-subscribes and the next like arrives', async () => {
    const c = connect();
    const sub = c.subscribe(LIKES, { p: postId });
    await c.settled();
    await nextLikeArrives(sub);
    await stack.restartSocial();
    await nextLikeArrives(sub);
    expect(sub.done).toBe(false);
  });

  it('a token that expires ends the connection with 4401; one refreshed in time keeps it open', async () => {
    const [viewer] = await people(stack, 1, 'exp');
    const expiring = connect(viewer!.token);
    const refreshed = connect(viewer!.token);
    const sub = refreshed.subscribe(LIKES, { p: postId });
    await Promise.all([expiring.settled(), refreshed.settled()]);
    // Refresh twice before the first token's expiry passes (each logIn gives a fresh token).
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, (TOKEN_TTL_SECONDS * 1000) / 2));
      const again = await stack.gql<{ logIn: { accessToken: string } }>(
        'mutation ($i: LogInInput!) { logIn(input: $i) { accessToken } }',
        { i: { login: viewer!.handle, password: 'social test password' } },
      );
      await refreshed.refresh(`Bearer ${ok(again).logIn.accessToken}`);
    }
    const closed = await expiring.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toMatch(/expired/);
    await nextLikeArrives(sub);
    expect(sub.done).toBe(false);
  });

  it('an expired token at connect closes with 4401; a fresh token for another user is refused (4403)', async () => {
    const [a, b] = await people(stack, 2, 'mix');
    const c = connect(a!.token);
    await c.connected;
    c.refresh(`Bearer ${b!.token}`).catch(() => undefined); // answered by a close, not a pong
    const closed = await c.closed;
    expect(closed.code).toBe(4403);
    await new Promise((r) => setTimeout(r, TOKEN_TTL_SECONDS * 1000 + 500));
    expect((await connect(a!.token).closed).code).toBe(4401);
  });

  it('at most 50 subscriptions per connection and 20 connections per user (4429)', async () => {
    const [viewer] = await people(stack, 1, 'lim');
    const c = connect(viewer!.token);
    const subs = Array.from({ length: 50 }, () => c.subscribe(LIKES, { p: postId }));
    await c.settled();
    expect(subs.every((s) => !s.done)).toBe(true);
    // Completing one and subscribing another at once stays within the limit.
    subs[0]!.stop();
    await new Promise((r) => setImmediate(r)); // the client sends its `complete` a few microtasks later
    c.subscribe(LIKES, { p: postId });
    await c.settled();
    c.subscribe(LIKES, { p: postId });
    const closed = await c.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/50 per connection/);

    const open = Array.from({ length: 20 }, () => connect(viewer!.token));
    await Promise.all(open.map((o) => o.connected));
    const oneTooMany = await connect(viewer!.token).closed;
    expect(oneTooMany.code).toBe(4429);
    expect(oneTooMany.reason).toMatch(/20 per user/);
    await open[0]!.dispose();
    await new Promise((r) => setTimeout(r, 200));
    const roomAgain = connect(viewer!.token);
    await roomAgain.connected;
  });

  it('a socket dropped while its token is being checked takes none of its user\'s 20 slots', async () => {
    const [viewer] = await people(stack, 1, 'slot');
    redis.pause(); // each token check now waits out its revocation budget
    try {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const ws = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
          await new Promise((r) => ws.once('open', r));
          ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${viewer!.token}` } }));
          await new Promise((r) => setTimeout(r, 50));
          ws.terminate();
        }),
      );
    } finally {
      redis.resume();
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const c = connect(viewer!.token);
    expect(await Promise.race([c.connected.then(() => 'connected'), c.closed.then((e) => `closed ${e.code} ${e.reason}`)])).toBe('connected');
  });

  it('protocol misuse closes with 4400 (not graphql-ws\' own 4401/4429, which the contract gives other meanings)', async () => {
    const closeOf = async (messages: object[]) => {
      const ws = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      for (const m of messages) ws.send(JSON.stringify(m));
      return closed;
    };
    expect(await closeOf([{ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } }])).toBe(4400);
    expect(await closeOf([{ type: 'connection_init' }, { type: 'connection_init' }])).toBe(4400);
  });

  it('a production gateway hides schema hints and answers a malformed id with NOT_FOUND over the socket', async () => {
    const port = await freePort();
    const gateway = spawnEntry('gateway/src/main.ts', { ...stack.gatewayEnv, NODE_ENV: 'production', GATEWAY_PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, gateway);
      const c = connect(undefined, `http://127.0.0.1:${port}/graphql`);
      const typo = c.subscribe('subscription { likeAdde(postId: "x") { id } }');
      const badId = c.subscribe(LIKES, { p: 'not-a-uuid' });
      await c.settled();
      const error = (typo.error as Array<{ message: string }>)[0]!;
      expect(error.message).toMatch(/likeAdde/);
      expect(error.message).not.toMatch(/Did you mean/);
      expect((await badId.nth(0)).errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect((await badId.nth(0)).errors?.[0]?.extensions).not.toHaveProperty('http');
    } finally {
      await gateway.kill();
    }
  });

  it('a consumer that stops reading is closed with 1013 and holds nobody else up', async () => {
    const [writer] = await people(stack, 1, 'slow');
    const comments = 'subscription ($p: ID!) { commentAdded(postId: $p) { id text author { handle } } }';
    const subscribers = async () =>
      ((await (await fetch(stack.gatewayUrl.replace('/graphql', '/ready'))).json()) as { live: { subscribers: number } }).live.subscribers;
    const healthy = connect();
    const healthySub = healthy.subscribe(comments, { p: postId });
    await healthy.settled();
    const others = await subscribers(); // this file's earlier subscriptions and the healthy one
    // The slow one: 50 subscriptions on one socket (50 copies of each event), then never reads.
    const slow = new WebSocket(stack.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((r) => slow.once('open', r));
    const slowClosed = new Promise<number>((r) => slow.once('close', (code) => r(code)));
    const acked = new Promise((r) => slow.on('message', (m) => String(m).includes('"connection_ack"') && r(null)));
    slow.send(JSON.stringify({ type: 'connection_init' }));
    await acked;
    for (let i = 0; i < 50; i++) slow.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: comments, variables: { p: postId } } }));
    const pong = new Promise((r) => slow.on('message', (m) => String(m).includes('"pong"') && r(null)));
    slow.send(JSON.stringify({ type: 'ping' }));
    await pong;
    await healthy.settled();
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    let sent = 0;
    let code: number | undefined;
    void slowClosed.then((c) => (code = c));
    const text = 'x'.repeat(400);
    let token = { value: writer!.token, at: Date.now() };
    while (sent < 2_000) {
      if (Date.now() - token.at > (TOKEN_TTL_SECONDS * 1000) / 2) {
        const again = await stack.gql<{ logIn: { accessToken: string } }>('mutation ($i: LogInInput!) { logIn(input: $i) { accessToken } }', {
          i: { login: writer!.handle, password: 'social test password' },
        });
        token = { value: ok(again).logIn.accessToken, at: Date.now() };
      }
      await Promise.all(Array.from({ length: 10 }, () => stack.gql('mutation ($p: ID!, $t: String!) { addComment(postId: $p, text: $t) { id } }', { p: postId, t: text }, token.value).then(ok)));
      sent += 10;
      // The healthy subscriber keeps up: every comment so far reaches it.
      await healthySub.nth(sent - 1);
      if ((await subscribers()) === others) break; // the slow socket's 50 were dropped: it is being closed
    }
    // Reading again, within the close grace, it drains what was sent and then reads the code.
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slowClosed).toBe(1013);
    expect(code).toBe(1013);
    expect(healthySub.results).toHaveLength(sent);
  }, 120_000);

  it('a gateway shutting down closes its sockets with 1001, without waiting for a client that stopped reading', async () => {
    const port = await freePort();
    const gateway = spawnEntry('gateway/src/main.ts', { ...stack.gatewayEnv, GATEWAY_PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, gateway);
      const c = connect(undefined, `http://127.0.0.1:${port}/graphql`);
      c.subscribe(LIKES, { p: postId });
      await c.settled();
      // A client that stops reading never answers the close handshake.
      const stuck = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      await new Promise((r) => stuck.once('open', r));
      stuck.send(JSON.stringify({ type: 'connection_init' }));
      await new Promise((r) => setTimeout(r, 200));
      (stuck as unknown as { _socket: { pause(): void } })._socket.pause();
      const started = Date.now();
      gateway.child.kill('SIGTERM');
      const closed = await c.closed;
      expect(closed.code).toBe(1001);
      expect((await gateway.waitForExit(15_000)).code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000); // not ws' 30 s close timeout
      stuck.terminate();
    } finally {
      await gateway.kill();
    }
  });
});
