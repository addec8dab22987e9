// The whole story with three users, through the gateway on the full stack (users, media and its
// worker, posts, social; real Postgres and Redis): follow, post, like, comment, mention; feed
// contents and order; News and its unread count; unfollow; delete everywhere; block both ways;
// account deletion. Steps build on each other, in order. What events carry (feeds, mentions,
// post_blocks, deletions) is awaited with bounded polls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, ok, type GqlResponse } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { gatewayClient, makeStaff, newUser, readyLoops, type Gql, type TestUser } from '../subgraphs/posts/test/support.ts';

let stack: Stack;
let gql: Gql;
let ada: TestUser, bo: TestUser, cy: TestUser, staff: TestUser;
let adaLoops: string[], boLoop: string, cyLoop: string;
const tag = `story_${Date.now().toString(36)}`;
const post: Record<'p1' | 'p2' | 'p3' | 'p4', string> = { p1: '', p2: '', p3: '', p4: '' };

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true, posts: true, social: true });
  gql = gatewayClient(stack.gatewayUrl);
  [ada, bo, cy] = [await newUser(gql, 'ada'), await newUser(gql, 'bo'), await newUser(gql, 'cy')];
  staff = await makeStaff(stack, gql, await newUser(gql, 'staff'));
  adaLoops = await readyLoops(gql, ada, 2);
  [boLoop] = (await readyLoops(gql, bo, 1)) as [string];
  [cyLoop] = (await readyLoops(gql, cy, 1)) as [string];
}, 240_000);
afterAll(() => stack?.stop());

// ── helpers ──
const run = async <R = any>(q: string, vars: Record<string, unknown>, who?: TestUser): Promise<R> => ok(await gql(q, vars, who?.token)) as R;
const follow = (who: TestUser, id: string) => run('mutation($id: ID!) { follow(userId: $id) { id } }', { id }, who);
const createPost = async (who: TestUser, loopId: string, caption: string) =>
  (await run<{ createPost: { id: string } }>('mutation($i: CreatePostInput!) { createPost(input: $i) { id } }', { i: { loopId, caption } }, who)).createPost.id;
const like = (who: TestUser, id: string) => run('mutation($id: ID!) { likePost(postId: $id) { id } }', { id }, who);
const comment = async (who: TestUser, id: string, t: string) =>
  (await run<{ addComment: { id: string } }>('mutation($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }', { id, t }, who)).addComment.id;

type FeedNode = { id: string; caption: string; author: { handle: string }; likeCount: number; commentCount: number; viewerHasLiked: boolean;
  comments: { edges: Array<{ node: { text: string; author: { handle: string } } }> } };
const feed = async (who: TestUser): Promise<FeedNode[]> =>
  (await run<{ feed: { edges: Array<{ node: FeedNode }> } }>(`{ feed(first: 50) { edges { node {
    id caption author { handle } likeCount commentCount viewerHasLiked comments(first: 3) { edges { node { text author { handle } } } } } } } }`, {}, who))
    .feed.edges.map((e) => e.node);
const feedIds = async (who: TestUser) => (await feed(who)).map((n) => n.id);
const news = async (who: TestUser) => {
  const r = await run<{ unreadActivityCount: number; activity: { edges: Array<{ node: { kind: string; actor: { handle: string }; post: { id: string } | null; unread: boolean } }> } }>(
    '{ unreadActivityCount activity(first: 50) { edges { node { kind actor { handle } post { id } unread } } } }', {}, who);
  return { unread: r.unreadActivityCount, items: r.activity.edges.map((e) => `${e.node.kind}:${e.node.actor.handle}${e.node.post ? `:${name(e.node.post.id)}` : ''}`) };
};
const name = (id: string) => Object.entries(post).find(([, v]) => v === id)?.[0] ?? id;
const names = (ids: string[]) => ids.map(name);
const profile = async (handle: string, who?: TestUser) =>
  (await run<{ user: { followerCount: number; followingCount: number; viewerIsFollowing: boolean; postCount: number; posts: { edges: Array<{ node: { id: string } }> } } | null }>(
    'query($h: String!) { user(handle: $h) { followerCount followingCount viewerIsFollowing postCount posts(first: 50) { edges { node { id } } } } }', { h: handle }, who)).user;
const tagPage = async (who?: TestUser) =>
  (await run<{ tag: { postCount: number; posts: { edges: Array<{ node: { id: string } }> } } | null }>(
    'query($n: String!) { tag(name: $n) { postCount posts(first: 50) { edges { node { id } } } } }', { n: tag }, who)).tag;
const tagPostIds = async (who?: TestUser) => names((await tagPage(who))?.posts.edges.map((e) => e.node.id) ?? []);
const trendingPosts = async (who?: TestUser) => names((await run<{ trendingPosts: Array<{ id: string }> }>('{ trendingPosts(first: 50) { id } }', {}, who)).trendingPosts.map((p) => p.id));
const trendingTags = async () => (await run<{ trendingTags: Array<{ name: string; postCount: number }> }>('{ trendingTags(first: 50) { name postCount } }', {})).trendingTags;
const wow = async () => names((await run<{ wow: { edges: Array<{ node: { id: string } }> } }>('{ wow(first: 50) { edges { node { id } } } }', {})).wow.edges.map((e) => e.node.id));
const postOf = async (id: string, who?: TestUser) =>
  (await run<{ post: { id: string; likeCount: number; commentCount: number; likes: { edges: Array<{ node: { user: { handle: string } } }> };
    comments: { edges: Array<{ node: { text: string; author: { handle: string } } }> } } | null }>(
    'query($id: ID!) { post(id: $id) { id likeCount commentCount likes { edges { node { user { handle } } } } comments { edges { node { text author { handle } } } } } }', { id }, who)).post;

/**
 * Polls `read` until `done(value)` holds or the deadline passes; returns the last value for the
 * assertion. An error before the deadline counts as "not yet": a feed naming a post deleted a
 * moment ago fails (NOT_FOUND from posts) until post.deleted has reached social.
 */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await read();
      if (done(v) || Date.now() > deadline) return v;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
const code = (res: GqlResponse<unknown>) => errorCode(res);

describe('the whole story with three users', () => {
  it('follow: counts and viewerIsFollowing', async () => {
    await follow(bo, ada.id);
    await follow(cy, ada.id);
    await follow(cy, bo.id);
    await follow(cy, bo.id); // idempotent
    expect(await profile(ada.handle, cy)).toMatchObject({ followerCount: 2, followingCount: 0, viewerIsFollowing: true });
    expect(await profile(bo.handle, ada)).toMatchObject({ followerCount: 1, followingCount: 1, viewerIsFollowing: false });
    expect(await profile(cy.handle)).toMatchObject({ followerCount: 0, followingCount: 2, viewerIsFollowing: false });
  });

  it('post and mention: each feed holds the viewer\'s own and followed people\'s posts, newest first', async () => {
    post.p1 = await createPost(ada, adaLoops[0]!, `first light #${tag} with @${bo.handle}`);
    post.p2 = await createPost(bo, boLoop, `bo's #${tag}`);
    post.p3 = await createPost(ada, adaLoops[1]!, `#wow #${tag} hi @${cy.handle}`);
    // ada follows nobody: only her own; bo follows ada; cy follows both.
    expect(names(await until(() => feedIds(ada), (v) => v.length === 2))).toEqual(['p3', 'p1']);
    expect(names(await until(() => feedIds(bo), (v) => v.length === 3))).toEqual(['p3', 'p2', 'p1']);
    expect(names(await until(() => feedIds(cy), (v) => v.length === 3))).toEqual(['p3', 'p2', 'p1']);
    expect(await profile(ada.handle)).toMatchObject({ postCount: 2 });
    // Mentions reach the mentioned person's News (by event).
    expect((await until(() => news(bo), (n) => n.items.length === 2)).items).toEqual([`MENTION:${ada.handle}:p1`, `FOLLOW:${cy.handle}`]);
    expect((await until(() => news(cy), (n) => n.items.length === 1)).items).toEqual([`MENTION:${ada.handle}:p3`]);
  });

  it('like and comment: counts, viewerHasLiked and comments in the feed; News of the author, never of oneself', async () => {
    await like(bo, post.p1);
    await like(cy, post.p1);
    await like(cy, post.p1); // idempotent
    await like(ada, post.p1); // her own post: counted, no News
    await comment(cy, post.p1, '  so good  ');
    await comment(bo, post.p1, 'agreed');
    await like(ada, post.p2);
    const p1 = (await feed(cy)).find((n) => n.id === post.p1)!;
    expect(p1).toMatchObject({
      author: { handle: ada.handle }, likeCount: 3, commentCount: 2, viewerHasLiked: true,
      comments: { edges: [{ node: { text: 'so good', author: { handle: cy.handle } } }, { node: { text: 'agreed', author: { handle: bo.handle } } }] },
    });
    expect((await feed(bo)).find((n) => n.id === post.p2)).toMatchObject({ likeCount: 1, viewerHasLiked: false });

    const adaNews = await news(ada);
    expect(adaNews.items).toEqual([
      `COMMENT:${bo.handle}:p1`, `COMMENT:${cy.handle}:p1`, `LIKE:${cy.handle}:p1`, `LIKE:${bo.handle}:p1`, `FOLLOW:${cy.handle}`, `FOLLOW:${bo.handle}`,
    ]);
    expect(adaNews.unread).toBe(6);
    expect((await news(bo)).items).toEqual([`LIKE:${ada.handle}:p2`, `MENTION:${ada.handle}:p1`, `FOLLOW:${cy.handle}`]);
  });

  it('News unread count: markActivityRead clears it, a new activity counts again', async () => {
    expect(await run('mutation { markActivityRead }', {}, ada)).toEqual({ markActivityRead: 6 });
    expect(await news(ada)).toMatchObject({ unread: 0 });
    await like(bo, post.p3);
    const after = await news(ada);
    expect(after.unread).toBe(1);
    expect(after.items[0]).toBe(`LIKE:${bo.handle}:p3`);
  });

  it('unfollow removes the person\'s posts from the feed, their FOLLOW from News and the counts', async () => {
    await run('mutation($id: ID!) { unfollow(userId: $id) { id } }', { id: ada.id }, cy);
    expect(names(await feedIds(cy))).toEqual(['p2']);
    expect(await profile(ada.handle, cy)).toMatchObject({ followerCount: 1, viewerIsFollowing: false });
    expect((await news(ada)).items).not.toContain(`FOLLOW:${cy.handle}`);
    await follow(cy, ada.id); // following again brings her posts back (backfill)
    expect(names(await feedIds(cy))).toEqual(['p3', 'p2', 'p1']);
  });

  it('delete removes the post everywhere: feeds, tag page, trending, activity, WOW', async () => {
    await run('mutation($id: ID!) { pickWow(postId: $id) { id wowPicked } }', { id: post.p3 }, staff);
    expect(await wow()).toContain('p3');
    expect(await trendingPosts()).toContain('p3'); // bo's like
    expect(await tagPostIds()).toEqual(['p3', 'p2', 'p1']);
    expect((await trendingTags()).find((t) => t.name === tag)).toEqual({ name: tag, postCount: 3 });
    expect((await news(cy)).items).toContain(`MENTION:${ada.handle}:p3`);

    expect(await run('mutation($id: ID!) { deletePost(id: $id) }', { id: post.p3 }, ada)).toEqual({ deletePost: true });
    expect(await postOf(post.p3)).toBeNull();
    expect(await wow()).not.toContain('p3');
    expect(await tagPostIds()).toEqual(['p2', 'p1']);
    expect((await tagPage())!.postCount).toBe(2);
    for (const who of [ada, bo, cy]) expect(names(await until(() => feedIds(who), (ids) => !ids.includes(post.p3)))).not.toContain('p3');
    expect(await until(() => trendingPosts(), (v) => !v.includes('p3'))).not.toContain('p3');
    expect((await until(() => news(cy), (n) => n.items.length === 0)).items).toEqual([]);
    expect((await news(ada)).items.filter((i) => i.endsWith(':p3'))).toEqual([]);
    expect(await profile(ada.handle)).toMatchObject({ postCount: 1 });
  });

  it('block hides both ways: posts, likes, comments, activity; follows go; writes across it are FORBIDDEN', async () => {
    post.p4 = await createPost(cy, cyLoop, `cy here #${tag}`);
    await follow(ada, cy.id);
    await like(cy, post.p2);
    expect(names(await until(() => feedIds(ada), (v) => v.includes(post.p4)))).toEqual(['p4', 'p1']);
    expect(await tagPostIds(bo)).toEqual(['p4', 'p2', 'p1']);
    expect((await news(bo)).items[0]).toBe(`LIKE:${cy.handle}:p2`);

    expect(await run('mutation($id: ID!) { blockUser(userId: $id) }', { id: cy.id }, bo)).toEqual({ blockUser: true });
    // Follows between them are gone (cy followed bo), and the counts say so.
    expect(await profile(bo.handle)).toMatchObject({ followerCount: 0 });
    expect(await profile(cy.handle)).toMatchObject({ followingCount: 1 });
    expect(names(await feedIds(cy))).toEqual(['p4', 'p1']);
    // Posts: hidden both ways once posts has the block (event).
    expect(await until(() => tagPostIds(bo), (v) => !v.includes('p4'))).toEqual(['p2', 'p1']);
    expect(await tagPostIds(cy)).toEqual(['p4', 'p1']);
    expect(await postOf(post.p2, cy)).toBeNull();
    expect(await postOf(post.p4, bo)).toBeNull();
    expect((await profile(bo.handle, cy))!.posts.edges).toEqual([]);
    expect((await profile(cy.handle, bo))!.posts.edges).toEqual([]);
    // Others still see everything.
    expect(await tagPostIds(ada)).toEqual(['p4', 'p2', 'p1']);
    // Likes and comments on a third person's post: each side no longer sees the other's.
    const p1ForBo = (await postOf(post.p1, bo))!;
    expect(p1ForBo.likes.edges.map((e) => e.node.user.handle).sort()).toEqual([ada.handle, bo.handle].sort());
    expect(p1ForBo.comments.edges.map((e) => e.node.author.handle)).toEqual([bo.handle]);
    const p1ForCy = (await postOf(post.p1, cy))!;
    expect(p1ForCy.likes.edges.map((e) => e.node.user.handle).sort()).toEqual([ada.handle, cy.handle].sort());
    expect(p1ForCy.comments.edges.map((e) => e.node.author.handle)).toEqual([cy.handle]);
    // Activity between them is gone.
    expect((await news(bo)).items.filter((i) => i.includes(cy.handle))).toEqual([]);
    // Writes across the block.
    expect(code(await gql('mutation($id: ID!) { likePost(postId: $id) { id } }', { id: post.p2 }, cy.token))).toBe('FORBIDDEN');
    expect(code(await gql('mutation($id: ID!) { addComment(postId: $id, text: "hi") { id } }', { id: post.p4 }, bo.token))).toBe('FORBIDDEN');
    expect(code(await gql('mutation($id: ID!) { follow(userId: $id) { id } }', { id: bo.id }, cy.token))).toBe('FORBIDDEN');
    expect(code(await gql('mutation($id: ID!) { follow(userId: $id) { id } }', { id: cy.id }, bo.token))).toBe('FORBIDDEN');
    expect(await profile(bo.handle)).toMatchObject({ followerCount: 0 });
  });

  it('account deletion removes everything of the account: posts, likes, comments, follows, activity; counts stay right', async () => {
    await like(ada, post.p4);
    await comment(ada, post.p4, 'welcome');
    await comment(cy, post.p1, 'one more');
    expect((await news(ada)).items.filter((i) => i.includes(cy.handle)).length).toBeGreaterThan(0);
    expect(await profile(ada.handle)).toMatchObject({ followerCount: 2, followingCount: 1 });

    expect(await run('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'long enough password' }, cy)).toEqual({ deleteAccount: true });
    expect(await run('query($h: String!) { user(handle: $h) { id } }', { h: cy.handle })).toEqual({ user: null });
    // By event: social's follows and posts' posts.
    const adaProfile = await until(() => profile(ada.handle, ada), (u) => u?.followerCount === 1 && u.followingCount === 0);
    expect(adaProfile).toMatchObject({ followerCount: 1, followingCount: 0 });
    expect(await until(() => tagPostIds(ada), (v) => !v.includes('p4'))).toEqual(['p2', 'p1']);
    expect((await tagPage())!.postCount).toBe(2);
    expect(await postOf(post.p4, ada)).toBeNull();
    expect(names(await until(() => feedIds(ada), (v) => !v.includes(post.p4)))).toEqual(['p1']);
    const p1 = await until(() => postOf(post.p1, ada), (p) => p?.likeCount === 2 && p.commentCount === 1);
    expect(p1).toMatchObject({ likeCount: 2, commentCount: 1 });
    expect(p1!.likes.edges.map((e) => e.node.user.handle).sort()).toEqual([ada.handle, bo.handle].sort());
    expect(p1!.comments.edges.map((e) => e.node.author.handle)).toEqual([bo.handle]);
    expect((await postOf(post.p2, ada))!.likeCount).toBe(1); // ada's; cy's is gone
    const adaNews = await until(() => news(ada), (n) => !n.items.some((i) => i.includes(cy.handle)));
    // bo's like of p3 went with p3; all that is left was read before.
    expect(adaNews.items).toEqual([`COMMENT:${bo.handle}:p1`, `LIKE:${bo.handle}:p1`, `FOLLOW:${bo.handle}`]);
    expect(adaNews.unread).toBe(0);
    expect(await until(() => trendingPosts(), (v) => !v.includes('p4'))).not.toContain('p4');
    expect(await profile(bo.handle)).toMatchObject({ followerCount: 0, followingCount: 1 });
  });
});
