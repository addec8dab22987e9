// The posts subgraph end to end through the gateway: users + media (+ worker) + posts on real
// Postgres and Redis. Create, read, delete; hashtags and mentions; tag pages, counts, search
// and trending; WOW picks; the block read model; account deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes } from '@fffoto/shared/events';
import { errorCode, ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import {
  createPost, eventually, makeStaff, mustCreatePost, newUser, observeEvents, POST_FIELDS, readyLoops,
  type EventLog, type Gql, type TestUser,
  gatewayClient,
} from './support.ts';

let stack: Stack;
let gql: Gql;
let events: EventLog;
let ada: TestUser;
let bo: TestUser;
let cy: TestUser;
let staff: TestUser;
let adaLoops: string[];
let boLoop: string;
let cyLoop: string;

const u = Date.now().toString(36);
const beach = `beach_${u}`;

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true, posts: true });
  gql = gatewayClient(stack.gatewayUrl);
  events = await observeEvents(stack);
  [ada, bo, cy] = [await newUser(gql, 'ada'), await newUser(gql, 'bo'), await newUser(gql, 'cy')];
  staff = await makeStaff(stack, gql, await newUser(gql, 'staff'));
  adaLoops = await readyLoops(gql, ada, 6);
  boLoop = (await readyLoops(gql, bo, 1))[0]!;
  cyLoop = (await readyLoops(gql, cy, 1))[0]!;
}, 240_000);
afterAll(async () => {
  await events?.close();
  await stack?.stop();
});

const postById = (id: string, token?: string) => gql(`query($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`, { id }, token);
const tagPage = (name: string, token?: string) =>
  gql(`query($n: String!) { tag(name: $n) { name postCount posts(first: 50) { edges { node { id } } } } }`, { n: name }, token);
const ids = (conn: { edges: Array<{ node: { id: string } }> }) => conn.edges.map((e) => e.node.id);
const trending = async () =>
  (ok(await gql('{ trendingTags(first: 50) { name postCount } }')).trendingTags as Array<{ name: string }>).map((t) => t.name);

describe('createPost, post(id), deletePost', () => {
  let first: { id: string };

  it('creates a post of a READY loop with its tags, readable by anyone', async () => {
    first = await mustCreatePost(gql, ada, adaLoops[0]!, `  Sunny #Beach_${u} and #${beach} again  `);
    expect(first).toMatchObject({
      caption: `Sunny #Beach_${u} and #${beach} again`,
      author: { id: ada.id, handle: ada.handle },
      loop: { id: adaLoops[0], status: 'READY' },
      tags: [{ name: beach, postCount: 1 }],
      wowPicked: false,
    });
    expect(ok(await postById(first.id)).post).toEqual(first);
    const profile = ok(await gql(`query($h: String!) { user(handle: $h) { postCount posts { edges { node { id } } } } }`, { h: ada.handle }));
    expect(profile.user).toEqual({ postCount: 1, posts: { edges: [{ node: { id: first.id } }] } });
  });

  it('puts resolved @mentions (not the author, not unknown handles, not e-mail addresses) in the post.created payload', async () => {
    const caption = `hi @${bo.handle.toUpperCase()}, @${cy.handle}. me @${ada.handle} nobody @nobody_${u} mail x@${bo.handle} again @${bo.handle}`;
    const post = await mustCreatePost(gql, ada, adaLoops[1]!, caption);
    const event = await events.waitFor((e) => e.type === eventTypes.postCreated && e.payload.postId === post.id);
    expect(event.payload).toEqual({
      postId: post.id,
      authorId: ada.id,
      loopId: adaLoops[1],
      createdAt: post.createdAt,
      tags: [],
      mentionedUserIds: [bo.id, cy.id],
    });
  });

  it('parses hashtags: Unicode letters and digits, NFC, lower-case, deduplicated; at most 30', async () => {
    const decomposed = 'Cafe\u0301'; // "Café" as e + combining accent
    const special = `#${decomposed}_${u} #CAFÉ_${u} #東京 #Ünï_2024 #día-de-sol #emoji🙂x #_`;
    const filler = Array.from({ length: 24 }, (_, i) => `#t${i}_${u}`).join(' ');
    const tooMany = await createPost(gql, ada, adaLoops[2]!, `${special} ${filler} #one_more_${u}`);
    expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.extensions?.field).toBe('input.caption');

    const post = await mustCreatePost(gql, ada, adaLoops[2]!, `${special} ${filler}`);
    const names = post.tags.map((t) => t.name);
    expect(names).toHaveLength(30);
    expect(names).toEqual(expect.arrayContaining([`café_${u}`, '東京', 'ünï_2024', 'día', 'emoji', '_']));
    expect(names.find((n) => n.startsWith('caf'))).toBe(`caf\u00e9_${u}`); // NFC: one code point
    expect(ok(await tagPage(`#CAFE\u0301_${u}`)).tag).toMatchObject({ name: `café_${u}`, postCount: 1 });
  });

  it('refuses a caption over 2,200 characters and a hashtag over 64', async () => {
    const long = await createPost(gql, ada, adaLoops[3]!, 'é'.repeat(2201));
    expect(errorCode(long)).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0]?.extensions?.field).toBe('input.caption');
    const longTag = await createPost(gql, ada, adaLoops[3]!, `#${'a'.repeat(65)}`);
    expect(errorCode(longTag)).toBe('BAD_USER_INPUT');
    const exactly = await mustCreatePost(gql, ada, adaLoops[3]!, `${'é'.repeat(2200 - 5)} #wow`); // 2,200 exactly
    expect(exactly.tags.map((t) => t.name)).toEqual(['wow']);
  });

  it('deletePost removes it from post(id), the profile, tag pages, counts and trending, and announces post.deleted', async () => {
    const gone = `gone_${u}`;
    const post = await mustCreatePost(gql, ada, adaLoops[4]!, `#${beach} #${gone}`);
    expect(ok(await tagPage(beach)).tag.postCount).toBe(2);
    expect(await trending()).toEqual(expect.arrayContaining([beach, gone]));
    expect((await trending()).indexOf(beach)).toBeLessThan((await trending()).indexOf(gone)); // 2 uses before 1

    expect(ok(await gql('mutation($id: ID!) { deletePost(id: $id) }', { id: post.id }, ada.token)).deletePost).toBe(true);
    expect(ok(await postById(post.id)).post).toBeNull();
    const page = ok(await tagPage(beach)).tag;
    expect(page.postCount).toBe(1);
    expect(ids(page.posts)).not.toContain(post.id);
    expect(ok(await tagPage(gone)).tag).toBeNull();
    expect(await trending()).not.toContain(gone);
    expect(ok(await gql(`query($h: String!) { user(handle: $h) { posts(first: 50) { edges { node { id } } } } }`, { h: ada.handle })).user.posts.edges
      .map((e: { node: { id: string } }) => e.node.id)).not.toContain(post.id);
    const event = await events.waitFor((e) => e.type === eventTypes.postDeleted && e.payload.postId === post.id);
    expect(event.payload).toEqual({ postId: post.id, authorId: ada.id });

    const again = await gql('mutation($id: ID!) { deletePost(id: $id) }', { id: post.id }, ada.token);
    expect(errorCode(again)).toBe('NOT_FOUND');
    // The loop is free again: one post per loop, and that one is gone.
    expect((await mustCreatePost(gql, ada, adaLoops[4]!, 'back')).id).not.toBe(post.id);
  });
});

describe('tags', () => {
  it('tag pages list newest first with counts; tag(name) normalises its argument', async () => {
    const second = await mustCreatePost(gql, bo, boLoop, `#${beach.toUpperCase()}`);
    const tag = ok(await tagPage(`#${beach.toUpperCase()}`)).tag;
    expect(tag.name).toBe(beach);
    expect(tag.postCount).toBe(2);
    expect(ids(tag.posts)[0]).toBe(second.id);
    expect(ids(tag.posts)).toHaveLength(2);
    expect(ok(await tagPage(`never_${u}`)).tag).toBeNull();
  });

  it('searchTags: prefix, most used first, # ignored, LIKE wildcards taken literally', async () => {
    const found = ok(await gql('query($q: String!) { searchTags(query: $q, first: 5) { name postCount } }', { q: `#BEACH_${u}` })).searchTags;
    expect(found).toEqual([{ name: beach, postCount: 2 }]);
    const prefix = ok(await gql('query($q: String!) { searchTags(query: $q) { name } }', { q: `CAF` })).searchTags;
    expect(prefix.map((t: { name: string }) => t.name)).toContain(`café_${u}`);
    expect(ok(await gql('{ searchTags(query: "%") { name } }')).searchTags).toEqual([]);
    expect(ok(await gql(`{ searchTags(query: "beach%${u}") { name } }`)).searchTags).toEqual([]);
    expect(errorCode(await gql('{ searchTags(query: "a", first: 51) { name } }'))).toBe('BAD_USER_INPUT');
  });

  it('trendingTags ranks today\'s tags by use', async () => {
    const top = await trending();
    expect(top[0]).toBe(beach); // used by 2 live posts; every other tag of this stack by at most 1
  });
});

describe('WOW', () => {
  it('staff pick and unpick posts tagged #wow; others cannot be picked', async () => {
    const wowPost = ok(await gql(`{ tag(name: "wow") { posts(first: 50) { edges { node { id author { id } } } } } }`)).tag.posts.edges
      .map((e: { node: { id: string; author: { id: string } } }) => e.node).find((n: { author: { id: string } }) => n.author.id === ada.id);
    const plain = (ok(await gql(`query($h: String!) { user(handle: $h) { posts { edges { node { id tags { name } } } } } }`, { h: ada.handle })).user.posts.edges as Array<{ node: { id: string; tags: Array<{ name: string }> } }>)
      .find((e) => !e.node.tags.some((t) => t.name === 'wow'))!.node;

    const refused = await gql('mutation($id: ID!) { pickWow(postId: $id) { id } }', { id: plain.id }, staff.token);
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');

    const wowIds = async () => ids(ok(await gql('{ wow(first: 50) { edges { node { id } } } }')).wow);
    expect(await wowIds()).not.toContain(wowPost.id);
    const picked = ok(await gql('mutation($id: ID!) { pickWow(postId: $id) { id wowPicked } }', { id: wowPost.id }, staff.token)).pickWow;
    expect(picked).toEqual({ id: wowPost.id, wowPicked: true });
    // Twice is fine (idempotent) and still one entry.
    ok(await gql('mutation($id: ID!) { pickWow(postId: $id) { id } }', { id: wowPost.id }, staff.token));
    expect((await wowIds()).filter((id) => id === wowPost.id)).toHaveLength(1);

    const unpicked = ok(await gql('mutation($id: ID!) { unpickWow(postId: $id) { id wowPicked } }', { id: wowPost.id }, staff.token)).unpickWow;
    expect(unpicked).toEqual({ id: wowPost.id, wowPicked: false });
    expect(await wowIds()).not.toContain(wowPost.id);
  });
});

describe('blocks (read model of social\'s block events)', () => {
  it('hides posts both ways across a block, and shows them again when it is lifted', async () => {
    const boPost = ok(await gql(`query($h: String!) { user(handle: $h) { posts { edges { node { id } } } } }`, { h: bo.handle })).user.posts.edges[0].node.id as string;
    const adaPost = ok(await gql(`query($h: String!) { user(handle: $h) { posts { edges { node { id } } } } }`, { h: ada.handle })).user.posts.edges[0].node.id as string;
    // What social's outbox publishes when ada blocks bo.
    await events.bus.publish({ type: eventTypes.blockAdded, eventId: `test:${u}:1`, payload: { blockerId: ada.id, blockedId: bo.id } });
    await eventually(async () => ok(await postById(boPost, ada.token)).post === null, 'block reaches posts');

    expect(ok(await postById(adaPost, bo.token)).post).toBeNull(); // the other way too
    expect(ok(await postById(boPost)).post?.id).toBe(boPost); // anonymous and third parties still see it
    expect(ok(await postById(boPost, cy.token)).post?.id).toBe(boPost);
    expect(ids(ok(await tagPage(beach, ada.token)).tag.posts)).not.toContain(boPost);
    expect(ids(ok(await tagPage(beach, cy.token)).tag.posts)).toContain(boPost);
    const boProfileForAda = ok(await gql(`query($h: String!) { user(handle: $h) { posts { edges { node { id } } } } }`, { h: bo.handle }, ada.token));
    expect(boProfileForAda.user.posts.edges).toEqual([]);

    await events.bus.publish({ type: eventTypes.blockRemoved, eventId: `test:${u}:2`, payload: { blockerId: ada.id, blockedId: bo.id } });
    await eventually(async () => ok(await postById(boPost, ada.token)).post?.id === boPost, 'unblock reaches posts');
  });
});

describe('account deletion', () => {
  it('user.deleted removes the account\'s posts and announces post.deleted for each', async () => {
    const post = await mustCreatePost(gql, cy, cyLoop, `#${beach} bye`);
    expect(ok(await tagPage(beach)).tag.postCount).toBe(3);
    ok(await gql('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'long enough password' }, cy.token));

    const event = await events.waitFor((e) => e.type === eventTypes.postDeleted && e.payload.postId === post.id, 30_000);
    expect(event.payload).toEqual({ postId: post.id, authorId: cy.id });
    expect(ok(await postById(post.id)).post).toBeNull();
    expect(ok(await tagPage(beach)).tag.postCount).toBe(2);
  });
});
