// Likes and follows under concurrency, through the gateway: a unique constraint with
// ON CONFLICT DO NOTHING (not read-then-write) keeps one like per person; per-pair advisory
// locks keep follows, feed entries and FOLLOW activity consistent through follow/unfollow races.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownPost, ok, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let crowd: Person[];
let author: Person;

beforeAll(async () => {
  stack = await startSocialStack();
  crowd = await people(stack, 50, 'fan');
  [author] = await people(stack, 1, 'star');
});
afterAll(() => stack?.stop());

const LIKE = `mutation ($id: ID!) { likePost(postId: $id) { id likeCount viewerHasLiked } }`;

describe('likes under concurrency', () => {
  it('50 people liking one post at once → likeCount 50, one LIKE activity each', async () => {
    const postId = await knownPost(stack, author!.id);
    const results = await Promise.all(crowd.map((p) => stack.gql(LIKE, { id: postId }, p.token)));
    for (const r of results) ok(r);
    // Liking again is idempotent and reads the count back through the gateway.
    const again = ok(await stack.gql<{ likePost: { likeCount: number } }>(LIKE, { id: postId }, crowd[7]!.token));
    expect(again.likePost.likeCount).toBe(50);
    expect(await stack.socialDb.like.count({ where: { postId } })).toBe(50);
    expect(await stack.socialDb.activity.count({ where: { postId, kind: 'LIKE', recipientId: author!.id } })).toBe(50);
  });

  it('one person liking 20 times at once → 1 like, 1 activity, every call succeeds', async () => {
    const postId = await knownPost(stack, author!.id);
    const fan = crowd[0]!;
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.gql<{ likePost: { likeCount: number; viewerHasLiked: boolean } }>(LIKE, { id: postId }, fan.token)));
    for (const r of results) expect(ok(r).likePost.viewerHasLiked).toBe(true);
    expect(await stack.socialDb.like.count({ where: { postId } })).toBe(1);
    expect(await stack.socialDb.activity.count({ where: { postId, kind: 'LIKE' } })).toBe(1);
    const after = ok(await stack.gql<{ likePost: { likeCount: number } }>(LIKE, { id: postId }, fan.token));
    expect(after.likePost.likeCount).toBe(1);
  });
});

describe('follow/unfollow races', () => {
  const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { id } }`;
  const UNFOLLOW = `mutation ($id: ID!) { unfollow(userId: $id) { id } }`;

  it('end consistent: follow row ⇔ feed entries ⇔ FOLLOW activity, counts match rows', async () => {
    const [a, b] = await people(stack, 2, 'race');
    await knownPost(stack, b!.id, new Date(Date.now() - 60_000));
    await knownPost(stack, b!.id, new Date(Date.now() - 30_000));
    for (let round = 0; round < 4; round++) {
      const calls = Array.from({ length: 12 }, (_, i) => stack.gql(i % 2 ? UNFOLLOW : FOLLOW, { id: b!.id }, a!.token));
      for (const r of await Promise.all(calls)) ok(r);
      const follows = await stack.socialDb.follow.count({ where: { followerId: a!.id, followeeId: b!.id } });
      const entries = await stack.socialDb.feedEntry.count({ where: { userId: a!.id, authorId: b!.id } });
      const activity = await stack.socialDb.activity.count({ where: { actorId: a!.id, recipientId: b!.id, kind: 'FOLLOW' } });
      expect([follows, entries, activity]).toEqual(follows ? [1, 2, 1] : [0, 0, 0]);
      const counts = ok(await stack.gql<{ user: { followerCount: number; followers: { edges: unknown[] } } }>(
        `query ($h: String!) { user(handle: $h) { followerCount followers { edges { node { id } } } } }`, { h: b!.handle }));
      expect(counts.user.followerCount).toBe(follows);
      expect(counts.user.followers.edges).toHaveLength(follows);
    }
  });
});
