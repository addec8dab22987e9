// Cost proportional to the request's shape, not to the page: the same query at first: 20 and
// first: 50 sends the same number of SQL statements to posts (and to users for the authors),
// because __resolveReference and every per-item field (tags, postCount, wowPicked, User.posts)
// are batched by DataLoader. The posts are written straight into posts' tables (60 encodes would
// cost minutes and test nothing here); their authors are real accounts made through the gateway.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { ok } from '../../../tests/support/client.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { newUser, type Gql, type TestUser, gatewayClient } from './support.ts';

let stack: Stack;
let gql: Gql;
let db: Db;
let authors: TestUser[];
const tag = `stmt_${Date.now().toString(36)}`;

beforeAll(async () => {
  stack = await startStack({ posts: true });
  gql = gatewayClient(stack.gatewayUrl);
  db = createDb(stack.env.DATABASE_URL!);
  authors = [await newUser(gql, 'sa'), await newUser(gql, 'sb'), await newUser(gql, 'sc')];
  const t0 = Date.now() - 3_600_000;
  // 60 by the first author (more than a page of 50), then 20 each by the others, interleaved.
  const authorOf = (i: number) => (i < 60 ? 0 : 1 + (i % 2));
  const posts = Array.from({ length: 100 }, (_, i) => ({
    id: randomUUID(), authorId: authors[authorOf(i)]!.id, loopId: randomUUID(), caption: `#${tag} #own${authorOf(i)}_${tag}`, createdAt: new Date(t0 + i * 1000),
  }));
  const ownTags = authors.map((_, k) => `own${k}_${tag}`);
  await db.tag.createMany({ data: [{ name: tag, postCount: 100 }, ...ownTags.map((name, k) => ({ name, postCount: k ? 20 : 60 }))] });
  await db.post.createMany({ data: posts });
  await db.postTag.createMany({
    data: posts.flatMap((p, i) => [{ postId: p.id, tagName: tag, createdAt: p.createdAt }, { postId: p.id, tagName: ownTags[authorOf(i)]!, createdAt: p.createdAt }]),
  });
  await db.wowPick.createMany({ data: posts.filter((_, i) => i % 7 === 0).map((p) => ({ postId: p.id, pickedBy: authors[0]!.id })) });
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

const NODE = 'id caption createdAt wowPicked loop { id } tags { name postCount } author { id handle postCount posts(first: 2) { edges { node { id } } } }';

/** The outbox relays poll on a timer (a transaction over the outbox table): not the request's statements. */
const notBackground = (sql: string) => !/_events"|^\s*(BEGIN|COMMIT|ROLLBACK)\s*$/i.test(sql);

async function measure(query: string, variables: Record<string, unknown>, token?: string) {
  stack.postsStatements.length = 0;
  stack.statements.length = 0;
  const data = ok(await gql(query, variables, token));
  return { data, posts: stack.postsStatements.filter(notBackground).length, users: stack.statements.filter(notBackground).length };
}

it('User.posts: the same statements at first 20 and 50', async () => {
  const q = `query($h: String!, $n: Int!) { user(handle: $h) { postCount posts(first: $n) { edges { cursor node { ${NODE} } } pageInfo { hasNextPage endCursor } } } }`;
  const a = await measure(q, { h: authors[0]!.handle, n: 20 }, authors[1]!.token);
  const b = await measure(q, { h: authors[0]!.handle, n: 50 }, authors[1]!.token);
  expect(a.data.user.posts.edges).toHaveLength(20);
  expect(b.data.user.posts.edges).toHaveLength(50);
  expect(b.data.user.posts.pageInfo.hasNextPage).toBe(true);
  expect(b.data.user.postCount).toBe(60);
  expect(b.posts).toBe(a.posts);
  expect(b.users).toBe(a.users);
});

it('Tag.posts (100 posts, 3 authors, nested User.posts): the same statements at first 20 and 50', async () => {
  const q = `query($t: String!, $n: Int!) { tag(name: $t) { postCount posts(first: $n) { edges { node { ${NODE} } } pageInfo { hasNextPage } } } }`;
  const a = await measure(q, { t: tag, n: 20 }, authors[2]!.token);
  const b = await measure(q, { t: tag, n: 50 }, authors[2]!.token);
  expect(a.data.tag.posts.edges).toHaveLength(20);
  expect(b.data.tag.posts.edges).toHaveLength(50);
  expect(b.data.tag.posts.pageInfo.hasNextPage).toBe(true);
  expect(b.data.tag.posts.edges[0].node.tags).toHaveLength(2);
  expect(a.posts).toBeGreaterThan(0);
  expect(b.posts).toBe(a.posts);
  expect(b.users).toBe(a.users);
});

it('pages through a tag newest first, every post exactly once', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i++) {
    const res = ok(await gql('query($t: String!, $a: String) { tag(name: $t) { posts(first: 25, after: $a) { edges { node { id createdAt } } pageInfo { hasNextPage endCursor } } } }', { t: tag, a: after }));
    const page = res.tag.posts as { edges: Array<{ node: { id: string; createdAt: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    seen.push(...page.edges.map((e) => e.node.id));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(100);
  expect(new Set(seen).size).toBe(100);
  const bad = await gql('query($t: String!) { tag(name: $t) { posts(after: "nope") { edges { cursor } } } }', { t: tag });
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});
