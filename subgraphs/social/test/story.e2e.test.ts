// Social with real posts, media and worker: createPost's post.created event reaches social
// (consumer group "social") and fans out; a like right after createPost reads the post through
// from posts; deletePost and account deletion remove everything of theirs in social.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { graphqlClient } from '../../../tests/support/client.ts';
import { makeJpegFrames } from '../../media/test/support/frames.ts';
import pg from 'pg';
import { eventually, ok, PASSWORD, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let ada: Person, bo: Person, cy: Person;
let loops: string[];

const m = (q: string, vars: Record<string, unknown>, p: Person) => stack.gql(q, vars, p.token).then(ok);
const FEED = `{ feed(first: 20) { edges { node { id caption author { handle } likeCount commentCount viewerHasLiked } } } }`;
type Feed = { feed: { edges: Array<{ node: { id: string; caption: string; author: { handle: string }; likeCount: number; commentCount: number; viewerHasLiked: boolean } }> } };
const feed = async (p: Person) => ok(await stack.gql<Feed>(FEED, {}, p.token)).feed.edges.map((e) => e.node);
const NEWS = `{ unreadActivityCount activity { edges { node { kind actor { handle } post { id } } } } }`;
type News = { unreadActivityCount: number; activity: { edges: Array<{ node: { kind: string; actor: { handle: string }; post: { id: string } | null } }> } };
const news = async (p: Person) => ok(await stack.gql<News>(NEWS, {}, p.token));

beforeAll(async () => {
  stack = await startSocialStack({ media: true, worker: true, posts: true });
  [ada, bo, cy] = await people(stack, 3, 'st');
  const gql = graphqlClient(stack.gatewayUrl);
  const frames = await makeJpegFrames(3, 64, 64);
  loops = [];
  for (let i = 0; i < 3; i++) loops.push((await uploadAndCreate(gql, ada.token, frames, { fps: 5 })).loop.id);
  for (const id of loops) expect((await waitForLoop(gql, id, undefined, 50_000)).status).toBe('READY');
}, 120_000);
afterAll(() => stack?.stop());

describe('social with real posts', () => {
  let postId: string;

  it('createPost reaches followers\' feeds, mentions reach News, a like right away works', async () => {
    await m(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: ada.id }, bo);
    await m(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: ada.id }, cy);
    const created = (await m(`mutation ($i: CreatePostInput!) { createPost(input: $i) { id } }`,
      { i: { loopId: loops[0], caption: `hello @${bo.handle} #fffoto` } }, ada)) as { createPost: { id: string } };
    postId = created.createPost.id;
    // Possibly before post.created reached social: read through from posts.
    const liked = (await m(`mutation ($id: ID!) { likePost(postId: $id) { likeCount viewerHasLiked } }`, { id: postId }, bo)) as { likePost: { likeCount: number } };
    expect(liked.likePost).toEqual({ likeCount: 1, viewerHasLiked: true });
    await m(`mutation ($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }`, { id: postId, t: 'wow' }, cy);
    for (const p of [ada, bo, cy]) {
      const items = await eventually(async () => (await feed(p)).find((n) => n.id === postId));
      expect(items).toMatchObject({ author: { handle: ada.handle }, likeCount: 1, commentCount: 1, viewerHasLiked: p === bo });
    }
    const boNews = await eventually(async () => (await news(bo)).activity.edges.find((e) => e.node.kind === 'MENTION'));
    expect(boNews?.node).toEqual({ kind: 'MENTION', actor: { handle: ada.handle }, post: { id: postId } });
    const adaNews = await news(ada);
    expect(adaNews.activity.edges.map((e) => `${e.node.kind}:${e.node.actor.handle}`)).toEqual([
      `COMMENT:${cy.handle}`, `LIKE:${bo.handle}`, `FOLLOW:${cy.handle}`, `FOLLOW:${bo.handle}`,
    ]);
    expect(adaNews.unreadActivityCount).toBe(4);
  });

  it('a post gone from posts but still in a feed is a null node with NOT_FOUND; the feed still loads', async () => {
    const made = (await m(`mutation ($i: CreatePostInput!) { createPost(input: $i) { id } }`, { i: { loopId: loops[2] } }, ada)) as { createPost: { id: string } };
    const ghost = made.createPost.id;
    expect(await eventually(async () => (await feed(cy)).some((n) => n?.id === ghost))).toBe(true);
    // As if post.deleted had not reached social yet: the row goes, the feed entry stays.
    const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query('DELETE FROM posts WHERE id = $1', [ghost]);
    } finally {
      await db.end();
    }
    const res = await stack.gql<Feed>(FEED, {}, cy.token);
    expect(res.data?.feed).toBeTruthy();
    const index = res.data!.feed.edges.findIndex((e) => e.node === null);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(res.data!.feed.edges.filter((e) => e.node !== null).length).toBeGreaterThan(0);
    expect(res.errors?.some((e) => e.extensions?.code === 'NOT_FOUND' && JSON.stringify((e as { path?: unknown[] }).path) === JSON.stringify(['feed', 'edges', index, 'node']))).toBe(true);
    // What post.deleted would have done, so the tests below see clean feeds.
    await stack.socialDb.feedEntry.deleteMany({ where: { postId: ghost } });
    await stack.socialDb.postRef.deleteMany({ where: { postId: ghost } });
  });

  it('unfollow removes from the feed; deletePost removes the post everywhere in social', async () => {
    await m(`mutation ($id: ID!) { unfollow(userId: $id) { id } }`, { id: ada.id }, bo);
    expect((await feed(bo)).map((n) => n.id)).not.toContain(postId);
    await m(`mutation ($id: ID!) { deletePost(id: $id) }`, { id: postId }, ada);
    const gone = await eventually(async () => (await stack.socialDb.postRef.count({ where: { postId } })) === 0);
    expect(gone).toBe(true);
    expect((await feed(cy)).map((n) => n.id)).not.toContain(postId);
    const db = stack.socialDb;
    expect(await Promise.all([db.like.count({ where: { postId } }), db.comment.count({ where: { postId } }),
      db.activity.count({ where: { postId } }), db.feedEntry.count({ where: { postId } })])).toEqual([0, 0, 0, 0]);
  });

  it('account deletion removes the account\'s follows, likes, comments and activity; counts stay right', async () => {
    const second = (await m(`mutation ($i: CreatePostInput!) { createPost(input: $i) { id } }`, { i: { loopId: loops[1] } }, ada)) as { createPost: { id: string } };
    const p2 = second.createPost.id;
    await m(`mutation ($id: ID!) { likePost(postId: $id) { id } }`, { id: p2 }, cy);
    await m(`mutation ($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }`, { id: p2, t: 'bye' }, cy);
    await m(`mutation ($p: String!) { deleteAccount(password: $p) }`, { p: PASSWORD }, cy);
    const COUNTS = `query ($h: String!) { user(handle: $h) { followerCount followers { edges { node { id } } } } }`;
    const done = await eventually(async () => (await stack.socialDb.follow.count({ where: { followerId: cy.id } })) === 0);
    expect(done).toBe(true);
    const user = ok(await stack.gql<{ user: { followerCount: number; followers: { edges: unknown[] } } }>(COUNTS, { h: ada.handle }, ada.token)).user;
    expect(user).toEqual({ followerCount: 0, followers: { edges: [] } });
    const db = stack.socialDb;
    expect(await Promise.all([db.like.count({ where: { userId: cy.id } }), db.comment.count({ where: { authorId: cy.id } }),
      db.activity.count({ where: { OR: [{ actorId: cy.id }, { recipientId: cy.id }] } }), db.feedEntry.count({ where: { userId: cy.id } })])).toEqual([0, 0, 0, 0]);
    const node = (await feed(ada)).find((n) => n.id === p2);
    expect(node).toMatchObject({ likeCount: 0, commentCount: 0 });
  });
});
