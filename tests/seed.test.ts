// `npm run seed` against a running stack: scripts/seed.ts as a child process, pointed at the
// stack's gateway, then the social graph it made checked through the API: demo users with READY
// loops, posts in each other's feeds, a tag page, WOW, likes, comments and News. A second run
// (one loop each) must succeed too: it logs the users in instead of signing them up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok, type GqlResponse } from './support/client.ts';
import { spawnEntry, type ServiceProcess } from './support/processes.ts';
import { skipWithout } from './support/needs.ts';
import { startStack, type Stack } from './support/stack.ts';
import { createDatabase, dropDatabase, uniqueName } from './support/pg-admin.ts';
import { migrate } from '@fffoto/shared/migrate';
import { LogInDocument, LoopByIdDocument } from './generated/graphql.ts';

const DEMO = ['ada', 'bo.loops', 'cy_bounce'];
const PASSWORD = 'fffoto-demo-password';

type Edge<T> = { edges: Array<{ node: T }> };
type FeedPost = { id: string; caption: string; author: { handle: string }; likeCount: number; commentCount: number };

/** Polls until `check` returns a truthy value or the deadline (below the test timeout) passes. */
async function eventually<T>(check: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(skipWithout('redis', 'the seed against a stack with its BullMQ worker'))('npm run seed', () => {
  let stack: Stack;
  let seed: ServiceProcess | undefined;
  // A database of its own: the checks count tags, WOW and News, which other files add to.
  const dbName = uniqueName('fffoto_stack');
  beforeAll(async () => {
    const databaseUrl = await createDatabase(dbName);
    await migrate(databaseUrl);
    stack = await startStack({ media: true, worker: true, posts: true, social: true, env: { DATABASE_URL: databaseUrl } });
  });
  afterAll(async () => {
    await seed?.kill();
    await stack?.stop();
    await dropDatabase(dbName);
  });

  // The seed runs user-role.ts against the stack's database and Redis prefix (token revocation).
  const run = async (env: NodeJS.ProcessEnv = {}) => {
    seed = spawnEntry('scripts/seed.ts', { ...process.env, ...stack.env, GATEWAY_URL: stack.gatewayUrl, ...env });
    const exit = await seed.waitForExit(170_000);
    expect(exit, seed.stderr()).toEqual({ code: 0, signal: null });
    return seed.stdout();
  };

  it('makes the demo users, loops, posts, follows, likes, comments, WOW and News through the API, twice', async () => {
    const out = await run();
    const gql = graphqlClient(stack.gatewayUrl);
    const query = <R>(q: string, v: object = {}, t?: string) => gql(q, v, t) as Promise<GqlResponse<R>>;
    const token: Record<string, string> = {};
    for (const handle of DEMO) {
      const session = ok(await gql(LogInDocument, { input: { login: handle, password: PASSWORD } })).logIn;
      expect(session.user.handle).toBe(handle);
      token[handle] = session.accessToken;
    }

    // "<handle> loop <id> <MODE>/<EFFECT>: <STATUS>" per loop, then its post.
    const lines = [...out.matchAll(/^(\S+)\s+loop (\S+) (\w+)\/(\w+): (\w+)/gm)];
    expect(lines.map((m) => m[1])).toEqual(DEMO.flatMap((h) => [h, h, h]));
    for (const [, handle, id, mode, effect] of lines) {
      const loop = ok(await gql(LoopByIdDocument, { id: id! })).loop;
      expect(loop, `loop ${id}`).toMatchObject({ status: 'READY', mode, effect, error: null, owner: { handle } });
      expect(loop!.webpUrl).toMatch(/^http/);
    }
    const posts = [...out.matchAll(/^(\S+)\s+post (\S+): (.*)$/gm)].map(([, handle, id, caption]) => ({ handle: handle!, id: id!, caption: caption! }));
    expect(posts.map((p) => p.handle)).toEqual(DEMO.flatMap((h) => [h, h, h]));

    // ada's feed: her posts and those of the people she follows (fan-out is async), newest first.
    const FEED = `{ feed(first: 50) { edges { node { id caption author { handle } likeCount commentCount } } } }`;
    const feed = await eventually(async () => {
      const edges = ok(await query<{ feed: Edge<FeedPost> }>(FEED, {}, token.ada)).feed.edges;
      return edges.length === posts.length ? edges.map((e) => e.node) : null;
    });
    expect(feed?.map((p) => p.id).sort()).toEqual(posts.map((p) => p.id).sort());
    expect(feed!.map((p) => p.id)).toEqual(posts.map((p) => p.id).reverse());
    // Every post: liked by the two others, one comment.
    for (const p of feed!) expect(p, p.caption).toMatchObject({ likeCount: 2, commentCount: 1 });

    // A tag page: #wow holds each user's first post.
    const wowPosts = posts.filter((p) => p.caption.includes('#wow'));
    expect(wowPosts.map((p) => p.handle)).toEqual(DEMO);
    const tag = ok(await query<{ tag: { postCount: number; posts: Edge<{ id: string }> } }>(
      `{ tag(name: "wow") { postCount posts(first: 10) { edges { node { id } } } } }`, {}, token["bo.loops"])).tag;
    expect(tag.postCount).toBe(3);
    expect(tag.posts.edges.map((e) => e.node.id).sort()).toEqual(wowPosts.map((p) => p.id).sort());

    // WOW: the staff pick of every #wow post.
    const wow = ok(await query<{ wow: Edge<{ id: string; wowPicked: boolean }> }>(`{ wow(first: 10) { edges { node { id wowPicked } } } }`)).wow;
    expect(wow.edges.map((e) => e.node.id).sort()).toEqual(wowPosts.map((p) => p.id).sort());

    // bo's News: follows, likes, comments and ada's mention (async, by event), none by bo.
    type News = { activity: Edge<{ kind: string; actor: { handle: string } }>; unreadActivityCount: number };
    const NEWS = `{ activity(first: 50) { edges { node { kind actor { handle } } } } unreadActivityCount }`;
    const news = await eventually(async () => {
      const data = ok(await query<News>(NEWS, {}, token['bo.loops']));
      return data.activity.edges.some((e) => e.node.kind === 'MENTION') ? data : null;
    });
    const kinds = news!.activity.edges.map((e) => `${e.node.kind} ${e.node.actor.handle}`);
    expect(kinds).toEqual(expect.arrayContaining(['FOLLOW ada', 'FOLLOW cy_bounce', 'LIKE ada', 'LIKE cy_bounce', 'COMMENT ada', 'MENTION ada']));
    expect(kinds.filter((k) => k.endsWith(' bo.loops'))).toEqual([]);
    expect(news!.unreadActivityCount).toBe(news!.activity.edges.length);

    // Again, one loop each: the users exist, so it logs them in; follows stay; new posts go in.
    const again = await run({ SEED_LOOPS: '1' });
    expect([...again.matchAll(/^(\S+)\s+post (\S+): /gm)].map((m) => m[1])).toEqual(DEMO);
    const followers = ok(await query<{ user: { followerCount: number } }>(`{ user(handle: "ada") { followerCount } }`)).user;
    expect(followers.followerCount).toBe(2);
    expect(ok(await query<{ wow: Edge<{ id: string }> }>(`{ wow(first: 10) { edges { node { id } } } }`)).wow.edges).toHaveLength(6);
  }, 360_000);
});
