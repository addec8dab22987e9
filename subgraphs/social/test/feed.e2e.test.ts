// The home feed: keyset pagination over the reader's fan-out timeline. Walking 1,000 posts in
// pages of 20 while newer posts keep arriving yields every older post exactly once, in order;
// follow backfills, unfollow and block remove, own posts show; a bad cursor or size is refused.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, knownPost, ok, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let reader: Person;
let author: Person;

const FEED = `query ($first: Int, $after: String) { feed(first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
type FeedData = { feed: { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const feedIds = async (p: Person, first = 50) => ok(await stack.gql<FeedData>(FEED, { first }, p.token)).feed.edges.map((e) => e.node.id);

beforeAll(async () => {
  stack = await startSocialStack();
  [reader, author] = await people(stack, 2, 'feed');
});
afterAll(() => stack?.stop());

describe('feed pagination', () => {
  it('walks 1,000 posts in pages of 20 while new posts arrive: every older post exactly once, newest first', async () => {
    ok(await stack.gql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: author!.id }, reader!.token));
    // 1,000 posts seeded straight into social's own tables (post_refs + the reader's timeline);
    // every 10 share one timestamp, so the post-id tie-breaker is exercised too.
    const base = Date.now() - 10_000_000;
    const seeded = Array.from({ length: 1000 }, (_, i) => ({ postId: randomUUID() as string, authorId: author!.id, createdAt: new Date(base + Math.floor(i / 10) * 1000) }));
    await stack.socialDb.postRef.createMany({ data: seeded });
    await stack.socialDb.feedEntry.createMany({ data: seeded.map((p) => ({ ...p, userId: reader!.id })) });
    const expected = [...seeded]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.postId < b.postId ? 1 : -1))
      .map((p) => p.postId);

    const seen: string[] = [];
    let after: string | null = null;
    let arrived = 0;
    for (let page = 0; page < 60; page++) {
      // A newer post lands between every two pages (fan-out on write, as post.created does).
      await knownPost(stack, author!.id);
      arrived++;
      const data: FeedData = ok(await stack.gql<FeedData>(FEED, { first: 20, after }, reader!.token));
      seen.push(...data.feed.edges.map((e) => e.node.id));
      if (!data.feed.pageInfo.hasNextPage) break;
      after = data.feed.pageInfo.endCursor;
    }
    // The first page started before most arrivals: it may hold the one that landed before it.
    const older = seen.filter((id) => expected.includes(id));
    expect(older).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(arrived).toBeGreaterThan(49);
  });

  it('refuses a malformed cursor and page sizes outside 1–50', async () => {
    expectCode(await stack.gql(FEED, { first: 20, after: 'not-a-cursor' }, reader!.token), 'BAD_USER_INPUT');
    expectCode(await stack.gql(FEED, { first: 51 }, reader!.token), 'BAD_USER_INPUT');
    expectCode(await stack.gql(FEED, { first: 0 }, reader!.token), 'BAD_USER_INPUT');
    expectCode(await stack.gql(FEED, { first: 20 }), 'UNAUTHENTICATED');
  });
});

describe('feed contents', () => {
  it('shows own posts and followed people\'s, backfills on follow, drops on unfollow and block', async () => {
    const [me, friend, other] = await people(stack, 3, 'fc');
    const mine = await knownPost(stack, me!.id, new Date(Date.now() - 3000));
    const theirs = await knownPost(stack, friend!.id, new Date(Date.now() - 2000));
    const stranger = await knownPost(stack, other!.id, new Date(Date.now() - 1000));
    expect(await feedIds(me!)).toEqual([mine]);
    ok(await stack.gql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: friend!.id }, me!.token));
    expect(await feedIds(me!)).toEqual([theirs, mine]);
    // A post of a followed person after the follow arrives by fan-out.
    const later = await knownPost(stack, friend!.id);
    expect(await feedIds(me!)).toEqual([later, theirs, mine]);
    expect(await feedIds(me!)).not.toContain(stranger);
    ok(await stack.gql(`mutation ($id: ID!) { unfollow(userId: $id) { id } }`, { id: friend!.id }, me!.token));
    expect(await feedIds(me!)).toEqual([mine]);
    // Block: follows both ways go, and so do each other's posts in both feeds.
    ok(await stack.gql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: friend!.id }, me!.token));
    ok(await stack.gql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: me!.id }, friend!.token));
    expect(await feedIds(friend!)).toContain(mine);
    ok(await stack.gql(`mutation ($id: ID!) { blockUser(userId: $id) }`, { id: friend!.id }, me!.token));
    expect(await feedIds(me!)).toEqual([mine]);
    expect(await feedIds(friend!)).not.toContain(mine);
    expect(await stack.socialDb.follow.count({ where: { OR: [{ followerId: me!.id, followeeId: friend!.id }, { followerId: friend!.id, followeeId: me!.id }] } })).toBe(0);
  });
});
