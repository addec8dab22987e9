// The authorization matrix of the posts mutations, through the gateway: each one
// unauthenticated, on someone else's object, with bad input, and (createPost) on a loop that is
// not READY or already posted → the right extensions.code, and nothing changed. Plus the
// per-user rate limit on createPost.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { encodeQueue } from '../../media/test/support/worker.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { brokenLoop, createPost, makeStaff, mustCreatePost, newUser, pendingLoop, readyLoops, type Gql, type TestUser, gatewayClient } from './support.ts';

const POSTS_PER_HOUR = 12;
let stack: Stack;
let gql: Gql;
let ada: TestUser;
let bo: TestUser;
let staff: TestUser;
let adaLoops: string[];
let boLoop: string;

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true, posts: true, env: { POSTS_PER_HOUR: String(POSTS_PER_HOUR) } });
  gql = gatewayClient(stack.gatewayUrl);
  [ada, bo] = [await newUser(gql, 'ada'), await newUser(gql, 'bo')];
  staff = await makeStaff(stack, gql, await newUser(gql, 'staff'));
  adaLoops = await readyLoops(gql, ada, 2);
  boLoop = (await readyLoops(gql, bo, 1))[0]!;
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const postCount = async (user: TestUser) =>
  ok(await gql('query($h: String!) { user(handle: $h) { postCount } }', { h: user.handle })).user.postCount as number;
const post = async (id: string) => ok(await gql('query($id: ID!) { post(id: $id) { id wowPicked } }', { id })).post;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('createPost', () => {
  it('refuses without a viewer, someone else\'s loop, an unknown or malformed loop, a loop not READY', async () => {
    const before = await postCount(ada);
    expect(errorCode(await createPost(gql, { ...ada, token: '' }, adaLoops[0]!))).toBe('UNAUTHENTICATED');
    expect(errorCode(await createPost(gql, { ...ada, token: 'not.a.token' }, adaLoops[0]!))).toBe('UNAUTHENTICATED');
    expect(errorCode(await createPost(gql, ada, boLoop))).toBe('FORBIDDEN');
    expect(errorCode(await createPost(gql, ada, UNKNOWN))).toBe('NOT_FOUND');
    const malformed = await createPost(gql, ada, 'loop-1');
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.field).toBe('input.loopId');

    // Frames that are not images: the worker ends the loop FAILED.
    const failed = await brokenLoop(gql, ada);
    const notReady = await createPost(gql, ada, failed);
    expect(errorCode(notReady)).toBe('BAD_USER_INPUT');
    expect(notReady.errors?.[0]?.extensions?.field).toBe('input.loopId');
    expect(await postCount(ada)).toBe(before);
    expect(await postCount(bo)).toBe(0);
  });

  it.skipIf(skipWithout('redis', 'holding a loop PENDING in the BullMQ queue'))('refuses a loop still PENDING', async () => {
    // Held in the queue, so it is PENDING however fast the worker is.
    const queue = encodeQueue(stack);
    await queue.pause();
    try {
      const pending = await pendingLoop(gql, ada);
      const notReady = await createPost(gql, ada, pending);
      expect(errorCode(notReady)).toBe('BAD_USER_INPUT');
      expect(notReady.errors?.[0]?.extensions?.field).toBe('input.loopId');
    } finally {
      await queue.resume();
      await queue.close();
    }
  });

  it('posts a loop at most once, also when asked twice at the same moment', async () => {
    const [a, b] = await Promise.all([createPost(gql, ada, adaLoops[0]!, 'one'), createPost(gql, ada, adaLoops[0]!, 'two')]);
    const codes = [a, b].map((r) => (r.errors ? errorCode(r) : 'OK')).sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    expect(errorCode(await createPost(gql, ada, adaLoops[0]!, 'three'))).toBe('CONFLICT');
    expect(await postCount(ada)).toBe(1);
  });
});

describe('deletePost', () => {
  it('refuses without a viewer, on someone else\'s post, an unknown or malformed id; the post stays', async () => {
    const p = await mustCreatePost(gql, ada, adaLoops[1]!, '#wow mine');
    const del = (id: string, token?: string) => gql('mutation($id: ID!) { deletePost(id: $id) }', { id }, token);
    expect(errorCode(await del(p.id))).toBe('UNAUTHENTICATED');
    expect(errorCode(await del(p.id, bo.token))).toBe('FORBIDDEN');
    expect(errorCode(await del(p.id, staff.token))).toBe('FORBIDDEN'); // staff moderate through WOW/reports, not by deleting
    expect(errorCode(await del(UNKNOWN, ada.token))).toBe('NOT_FOUND');
    expect(errorCode(await del('x', ada.token))).toBe('BAD_USER_INPUT');
    expect(await post(p.id)).toEqual({ id: p.id, wowPicked: false });
  });
});

describe('pickWow / unpickWow', () => {
  it('are staff only; unknown or malformed ids are refused', async () => {
    const p = (await post((ok(await gql('query($h: String!) { user(handle: $h) { posts { edges { node { id } } } } }', { h: ada.handle })).user.posts.edges as Array<{ node: { id: string } }>)
      .map((e) => e.node.id).find(() => true)!))!;
    for (const field of ['pickWow', 'unpickWow']) {
      const call = (id: string, token?: string) => gql(`mutation($id: ID!) { ${field}(postId: $id) { id } }`, { id }, token);
      expect(errorCode(await call(p.id)), field).toBe('UNAUTHENTICATED');
      expect(errorCode(await call(p.id, ada.token)), field).toBe('FORBIDDEN'); // even the author
      expect(errorCode(await call(p.id, bo.token)), field).toBe('FORBIDDEN');
      expect(errorCode(await call(UNKNOWN, staff.token)), field).toBe('NOT_FOUND');
      expect(errorCode(await call('x', staff.token)), field).toBe('BAD_USER_INPUT');
    }
    expect((await post(p.id)).wowPicked).toBe(false);
    ok(await gql('mutation($id: ID!) { pickWow(postId: $id) { id } }', { id: p.id }, staff.token));
    expect(errorCode(await gql('mutation($id: ID!) { unpickWow(postId: $id) { id } }', { id: p.id }, bo.token))).toBe('FORBIDDEN');
    expect((await post(p.id)).wowPicked).toBe(true);
  });
});

describe('rate limit', () => {
  it(`allows ${POSTS_PER_HOUR} createPost calls per user per hour, then RATE_LIMITED with a wait; others unaffected`, async () => {
    const spammer = await newUser(gql, 'spam');
    // Well-formed ids of loops that do not exist: each costs a call to media, so each counts.
    for (let i = 0; i < POSTS_PER_HOUR; i++) expect(errorCode(await createPost(gql, spammer, randomUUID()))).toBe('NOT_FOUND');
    const limited = await createPost(gql, spammer, randomUUID());
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(errorCode(await createPost(gql, bo, randomUUID()))).toBe('NOT_FOUND');
  });

  it('malformed input never spends the quota (a typo must not lock posting for an hour)', async () => {
    const typist = await newUser(gql, 'typo');
    for (let i = 0; i < POSTS_PER_HOUR + 3; i++) expect(errorCode(await createPost(gql, typist, `bogus-${i}`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await createPost(gql, typist, randomUUID()))).toBe('NOT_FOUND');
  });
});
