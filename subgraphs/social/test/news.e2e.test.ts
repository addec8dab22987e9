// News (activity) rules and blocks, through the gateway: LIKE, COMMENT, FOLLOW and MENTION
// reach the person they are about, never the actor; newest first; unread count and
// markActivityRead; undoing an action removes its entry. A block hides both people's comments,
// likes, follows, activity and posts from each other.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, openEventBus, type EventBus } from '@fffoto/shared/events';
import { eventually, knownPost, ok, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let bus: EventBus;
let alice: Person, bob: Person, carol: Person, dave: Person, erin: Person;

const NEWS = `{ unreadActivityCount activity(first: 50) { edges { node { kind unread actor { id } post { id } comment { id text } } } } }`;
type News = { unreadActivityCount: number; activity: { edges: Array<{ node: { kind: string; unread: boolean; actor: { id: string }; post: { id: string } | null; comment: { id: string; text: string } | null } }> } };
const news = async (p: Person) => ok(await stack.gql<News>(NEWS, {}, p.token));
const kinds = async (p: Person) => (await news(p)).activity.edges.map((e) => `${e.node.kind}:${e.node.actor.id}`);
const m = (q: string, vars: Record<string, unknown>, p: Person) => stack.gql(q, vars, p.token).then(ok);
const LIKE = `mutation ($id: ID!) { likePost(postId: $id) { id } }`;
const UNLIKE = `mutation ($id: ID!) { unlikePost(postId: $id) { id } }`;
const COMMENT = `mutation ($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }`;
const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { id } }`;
const UNFOLLOW = `mutation ($id: ID!) { unfollow(userId: $id) { id } }`;

beforeAll(async () => {
  stack = await startSocialStack();
  bus = openEventBus({ url: stack.env.REDIS_URL, prefix: stack.env.REDIS_PREFIX! });
  [alice, bob, carol, dave, erin] = await people(stack, 5, 'nw');
});
afterAll(async () => {
  await bus?.close();
  await stack?.stop();
});

describe('News', () => {
  it('holds what others did to the viewer, newest first, never the viewer\'s own actions', async () => {
    const post = await knownPost(stack, alice.id);
    await m(LIKE, { id: post }, alice); // own like: no activity
    await m(LIKE, { id: post }, bob);
    const { addComment } = (await m(COMMENT, { id: post, t: '  nice loop  ' }, carol)) as { addComment: { id: string } };
    await m(FOLLOW, { id: alice.id }, bob);
    const n = await news(alice);
    expect(n.activity.edges.map((e) => e.node.kind)).toEqual(['FOLLOW', 'COMMENT', 'LIKE']);
    expect(n.activity.edges[1]!.node.comment).toEqual({ id: addComment.id, text: 'nice loop' });
    expect(n.activity.edges[2]!.node.post).toEqual({ id: post });
    expect(n.unreadActivityCount).toBe(3);
    expect((await news(bob)).activity.edges).toEqual([]);
    expect((await news(carol)).activity.edges).toEqual([]);
  });

  it('MENTION from post.created: to each mentioned person, never the author, not across a block', async () => {
    await m(`mutation ($id: ID!) { blockUser(userId: $id) }`, { id: erin.id }, dave);
    const postId = randomUUID();
    await bus.publish({
      type: eventTypes.postCreated,
      eventId: `test:${postId}`,
      payload: { postId, authorId: erin.id, loopId: randomUUID(), createdAt: new Date().toISOString(), tags: [], mentionedUserIds: [carol.id, erin.id, dave.id] },
    });
    // Delivered twice (at-least-once bus): still one MENTION.
    await bus.publish({
      type: eventTypes.postCreated,
      eventId: `test:${postId}:again`,
      payload: { postId, authorId: erin.id, loopId: randomUUID(), createdAt: new Date().toISOString(), tags: [], mentionedUserIds: [carol.id] },
    });
    expect(await eventually(async () => (await kinds(carol)).length > 0)).toBe(true);
    await eventually(async () => (await stack.socialDb.postRef.count({ where: { postId } })) === 1);
    expect(await kinds(carol)).toEqual([`MENTION:${erin.id}`]);
    expect(await kinds(erin)).toEqual([]);
    expect(await kinds(dave)).toEqual([]);
  });

  it('unread count, markActivityRead, and undoing removes the entry', async () => {
    expect(ok(await stack.gql<{ markActivityRead: number }>(`mutation { markActivityRead }`, {}, alice.token)).markActivityRead).toBe(3);
    expect((await news(alice)).unreadActivityCount).toBe(0);
    expect((await news(alice)).activity.edges.every((e) => !e.node.unread)).toBe(true);
    expect(ok(await stack.gql<{ markActivityRead: number }>(`mutation { markActivityRead }`, {}, alice.token)).markActivityRead).toBe(0);
    const post = await knownPost(stack, alice.id);
    await m(LIKE, { id: post }, carol);
    const n = await news(alice);
    expect(n.unreadActivityCount).toBe(1);
    expect(n.activity.edges[0]!.node).toMatchObject({ kind: 'LIKE', unread: true });
    await m(UNLIKE, { id: post }, carol);
    await m(UNFOLLOW, { id: alice.id }, bob);
    expect(await kinds(alice)).toEqual([`COMMENT:${carol.id}`, `LIKE:${bob.id}`]);
    expect((await news(alice)).unreadActivityCount).toBe(0);
    // A time before the last mark changes nothing.
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect(ok(await stack.gql<{ markActivityRead: number }>(`mutation ($b: DateTime) { markActivityRead(before: $b) }`, { b: past }, alice.token)).markActivityRead).toBe(0);
    // A time in the future marks up to now only: what happens later is still unread.
    const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
    ok(await stack.gql(`mutation ($b: DateTime) { markActivityRead(before: $b) }`, { b: future }, alice.token));
    await m(LIKE, { id: post }, carol);
    expect((await news(alice)).unreadActivityCount).toBe(1);
  });
});

describe('a block hides both ways', () => {
  const FEED = `{ feed(first: 50) { edges { node { id likeCount commentCount
    likes(first: 10) { edges { node { user { id } } } } comments(first: 10) { edges { node { author { id } } } } } } } }`;
  type Feed = { feed: { edges: Array<{ node: { id: string; likes: { edges: Array<{ node: { user: { id: string } } }> }; comments: { edges: Array<{ node: { author: { id: string } } }> } } }> } };

  it('each one\'s likes, comments, follows, News and posts vanish for the other', async () => {
    const [x, y, host] = await people(stack, 3, 'bk');
    // Both follow a third person and each other; both like and comment on the host's post.
    for (const [a, b] of [[x, host], [y, host], [x, y], [y, x]] as const) await m(FOLLOW, { id: b!.id }, a!);
    const post = await knownPost(stack, host!.id);
    const yPost = await knownPost(stack, y!.id);
    for (const p of [x, y]) {
      await m(LIKE, { id: post }, p!);
      await m(COMMENT, { id: post, t: `from ${p!.handle}` }, p!);
    }
    await m(LIKE, { id: yPost }, x!);
    const FOLLOWERS = `query ($h: String!) { user(handle: $h) { followers { edges { node { id } } } following { edges { node { id } } } } }`;
    const seenBy = async (viewer: Person) => {
      const feed = ok(await stack.gql<Feed>(FEED, {}, viewer.token)).feed.edges.find((e) => e.node.id === post)!.node;
      const f = ok(await stack.gql<{ user: { followers: { edges: Array<{ node: { id: string } }> }; following: { edges: Array<{ node: { id: string } }> } } }>(FOLLOWERS, { h: host!.handle }, viewer.token)).user;
      return {
        likers: feed.likes.edges.map((e) => e.node.user.id).sort(),
        commenters: feed.comments.edges.map((e) => e.node.author.id).sort(),
        hostFollowers: f.followers.edges.map((e) => e.node.id).sort(),
        news: await kinds(viewer),
      };
    };
    expect((await seenBy(x!)).likers).toEqual([x!.id, y!.id].sort());
    expect(await kinds(y!)).toContain(`LIKE:${x!.id}`);

    await m(`mutation ($id: ID!) { blockUser(userId: $id) }`, { id: y!.id }, x!);
    for (const [viewer, other] of [[x, y], [y, x]] as const) {
      const seen = await seenBy(viewer!);
      expect(seen.likers).toEqual([viewer!.id]);
      expect(seen.commenters).toEqual([viewer!.id]);
      expect(seen.hostFollowers).toEqual([viewer!.id]);
      expect(seen.news.filter((k) => k.endsWith(other!.id))).toEqual([]);
      const feedIds = ok(await stack.gql<Feed>(FEED, {}, viewer!.token)).feed.edges.map((e) => e.node.id);
      expect(feedIds).toContain(post);
      if (viewer === x) expect(feedIds).not.toContain(yPost);
    }
    // Unrelated people still see both.
    const seenByHost = await seenBy(host!);
    expect(seenByHost.likers).toEqual([x!.id, y!.id].sort());
    expect(seenByHost.commenters).toEqual([x!.id, y!.id].sort());
    // block.added went out through the outbox for posts to hide posts.
    const event = await eventually(() => stack.socialDb.socialEvent.findFirst({ where: { type: 'block.added', payload: { equals: { blockerId: x!.id, blockedId: y!.id } } } }));
    expect(event).toBeTruthy();
    expect(await eventually(async () => (await stack.socialDb.socialEvent.findUnique({ where: { id: event!.id } }))?.publishedAt)).toBeTruthy();
  });
});
