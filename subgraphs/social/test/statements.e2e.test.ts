// The home-feed query — 20 posts with author, loop URLs, caption, tags, likeCount,
// viewerHasLiked, commentCount and 3 comments with their authors — sends the same number of SQL
// statements to every subgraph at first: 20 and first: 50: each per-item field is one batched
// statement per request (DataLoader; counts are GROUP BY, comment pages one LATERAL join).
// Rows are written straight into each subgraph's tables: 60 encodes would take minutes and
// test nothing here.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { ok, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let db: Db;
let viewer: Person;
let authors: Person[];

beforeAll(async () => {
  stack = await startSocialStack({ posts: true, media: true });
  db = createDb(stack.env.DATABASE_URL!);
  [viewer, ...authors] = await people(stack, 4, 'st');
  for (const a of authors) ok(await stack.gql(`mutation ($id: ID!) { follow(userId: $id) { id } }`, { id: a.id }, viewer!.token));
  const t0 = Date.now() - 3_600_000;
  const tag = `st${Date.now().toString(36)}`;
  const rows = Array.from({ length: 60 }, (_, i) => ({
    id: randomUUID(), authorId: authors[i % 3]!.id, loopId: randomUUID(), uploadId: randomUUID(), createdAt: new Date(t0 + i * 1000),
  }));
  // media's rows (READY loops, so every URL is signed), posts' rows, social's read model and feed.
  await db.upload.createMany({ data: rows.map((r) => ({ id: r.uploadId, ownerId: r.authorId, kind: 'FRAMES' as const, partCount: 3, contentType: 'image/jpeg', expiresAt: new Date(Date.now() + 3_600_000) })) });
  await db.loop.createMany({ data: rows.map((r) => ({ id: r.loopId, ownerId: r.authorId, uploadId: r.uploadId, status: 'READY' as const, mode: 'BOUNCE' as const, effect: 'NONE' as const, fps: 10, effectDay: new Date() })) });
  await db.tag.create({ data: { name: tag, postCount: 60 } });
  await db.post.createMany({ data: rows.map((r) => ({ id: r.id, authorId: r.authorId, loopId: r.loopId, caption: `#${tag}`, createdAt: r.createdAt })) });
  await db.postTag.createMany({ data: rows.map((r) => ({ postId: r.id, tagName: tag, createdAt: r.createdAt })) });
  await stack.socialDb.postRef.createMany({ data: rows.map((r) => ({ postId: r.id, authorId: r.authorId, createdAt: r.createdAt })) });
  await stack.socialDb.feedEntry.createMany({ data: rows.map((r) => ({ userId: viewer!.id, postId: r.id, authorId: r.authorId, createdAt: r.createdAt })) });
  // 5 comments and a like by each author on every post.
  await stack.socialDb.comment.createMany({
    data: rows.flatMap((r, i) => Array.from({ length: 5 }, (_, k) => ({ postId: r.id, authorId: authors[(i + k) % 3]!.id, text: `c${k}`, createdAt: new Date(r.createdAt.getTime() + k) }))),
  });
  await stack.socialDb.like.createMany({ data: rows.flatMap((r) => authors.map((a) => ({ postId: r.id, userId: a.id }))) });
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

const FEED = `query ($n: Int!) { feed(first: $n) { edges { cursor node {
  id caption createdAt tags { name } author { id handle } loop { webpUrl mp4Url posterUrl }
  likeCount viewerHasLiked commentCount
  comments(first: 3) { edges { node { id text author { id handle } } } pageInfo { hasNextPage } } } }
  pageInfo { hasNextPage endCursor } } }`;

type Feed = { feed: { edges: Array<{ node: { likeCount: number; commentCount: number; loop: { webpUrl: string | null }; comments: { edges: Array<{ node: { author: { handle: string } } }>; pageInfo: { hasNextPage: boolean } } } }> } };

/** Timers (outbox relays, event consumers) are not the request's statements. */
const notBackground = (sql: string) => !/_events"?|^\s*(BEGIN|COMMIT|ROLLBACK)\s*$/i.test(sql);

async function measure(n: number) {
  const logs = { social: stack.socialStatements, posts: stack.postsStatements, media: stack.mediaStatements, users: stack.statements };
  for (const l of Object.values(logs)) l.length = 0;
  const data = ok(await stack.gql<Feed>(FEED, { n }, viewer!.token));
  const counts = Object.fromEntries(Object.entries(logs).map(([k, l]) => [k, l.filter(notBackground).length]));
  return { data, counts };
}

it('sends the same statements per subgraph at first 20 and first 50', async () => {
  const a = await measure(20);
  const b = await measure(50);
  expect(a.data.feed.edges).toHaveLength(20);
  expect(b.data.feed.edges).toHaveLength(50);
  const node = b.data.feed.edges[0]!.node;
  expect(node).toMatchObject({ likeCount: 3, commentCount: 5 });
  expect(node.loop.webpUrl).toBeTruthy();
  expect(node.comments.edges).toHaveLength(3);
  expect(node.comments.pageInfo.hasNextPage).toBe(true);
  expect(node.comments.edges[0]!.node.author.handle).toBeTruthy();
  expect(b.counts).toEqual(a.counts);
  // social: the feed page, likeCount, viewerHasLiked, commentCount, the comment pages.
  expect(a.counts.social).toBe(5);
});
