// Live delivery end to end: real subgraphs (users, media with its worker, posts, social), real
// Redis pub/sub when there is one, two gateways (this process and a second gateway process),
// and real graphql-ws clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../tests/support/stack.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from '../../tests/support/processes.ts';
import { liveClient, type LiveClient } from '../../tests/support/live-client.ts';
import { ok } from '../../tests/support/client.ts';
import { gatewayClient, mustCreatePost, newUser, readyLoops, type Gql, type TestUser } from '../../subgraphs/posts/test/support.ts';

let stack: Stack;
let gql: Gql;
let gatewayB: ServiceProcess | undefined;
let urlB: string;
let ada: TestUser;
let bo: TestUser;
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
  stack = await startStack({ media: true, worker: true, posts: true, social: true });
  gql = gatewayClient(stack.gatewayUrl);
  const port = await freePort();
  gatewayB = spawnEntry('gateway/src/main.ts', { ...stack.gatewayEnv, GATEWAY_PORT: String(port), HOST: '127.0.0.1' });
  await waitForHttp(`http://127.0.0.1:${port}/health`, gatewayB);
  urlB = `http://127.0.0.1:${port}/graphql`;
  ada = await newUser(gql, 'live_ada');
  bo = await newUser(gql, 'live_bo');
  const [loopId] = await readyLoops(gql, ada, 1);
  postId = (await mustCreatePost(gql, ada, loopId!, 'live #now')).id;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
  await gatewayB?.kill();
  await stack?.stop();
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
