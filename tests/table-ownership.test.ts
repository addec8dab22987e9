// Each subgraph touches only its own tables. The owner of every table (and enum type) is the
// Prisma schema file that declares it (prisma/schema/<subgraph>.prisma); a representative
// workload through the gateway — every mutation and list of users, media, posts and social,
// and the events between them (user.deleted, post.created/deleted, block.added/removed) — runs
// on the full stack, which records each subgraph's SQL; every statement must name only tables
// of its own subgraph. Cross-subgraph data travels by federation, calls and events instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from './support/client.ts';
import { readSchemaFiles, tablesByFile } from './support/dmmf.ts';
import { startStack, type Stack } from './support/stack.ts';
import { gatewayClient, makeStaff, newUser, readyLoops, type Gql, type TestUser } from '../subgraphs/posts/test/support.ts';

// ── ownership, from the schema files ──
const owned: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(tablesByFile()).map(([file, tables]) => {
    const enums = [...(readSchemaFiles().find(([f]) => f === `${file}.prisma`)?.[1] ?? '').matchAll(/^enum\s+(\w+)/gm)].map((m) => m[1]!);
    return [file, new Set([...tables, ...enums])];
  }),
);

// ── the tables a statement names ──
/** Words that may follow FROM/JOIN/UPDATE without being a table (row locks, ON CONFLICT DO UPDATE SET). */
const NOT_TABLES = new Set(['set', 'skip', 'nowait', 'of', 'only', 'lateral', 'select']);

/**
 * Table names in one SQL statement: Prisma's schema-qualified `"public"."posts"` and raw SQL's
 * `FROM posts`, `JOIN "posts"`, `INTO posts (…)`, `UPDATE posts`. Functions (`FROM unnest(…)`),
 * subqueries and the statement's own CTE names are not tables.
 */
function tablesIn(sql: string): string[] {
  const text = sql.replace(/'(?:[^']|'')*'/g, "''"); // string literals say nothing about tables
  const names = new Set<string>();
  for (const m of text.matchAll(/"public"\."([^"]+)"/g)) names.add(m[1]!);
  const ctes = new Set([...text.matchAll(/(?:\bWITH|,)\s*(?:RECURSIVE\s+)?"?(\w+)"?\s+AS\s+(?:(?:NOT\s+)?MATERIALIZED\s+)?\(/gi)].map((m) => m[1]!.toLowerCase()));
  const ident = String.raw`(?:"([^"]+)"|([A-Za-z_][\w$]*)(?![\w$]))`;
  const refs = [
    ...text.matchAll(new RegExp(String.raw`\b(?:FROM|JOIN|UPDATE)\s+${ident}(?!\s*[(.])`, 'gi')),
    ...text.matchAll(new RegExp(String.raw`\bINTO\s+${ident}(?!\s*\.)`, 'gi')),
  ];
  for (const m of refs) {
    const name = m[1] ?? m[2]!;
    if (m[2] && (NOT_TABLES.has(name.toLowerCase()) || ctes.has(name.toLowerCase()))) continue;
    names.add(m[2] ? name.toLowerCase() : name);
  }
  return [...names];
}

/** Statements of `subgraph` naming a table (or type) it does not own, as "table ← statement". */
function trespasses(subgraph: string, statements: string[]): string[] {
  const own = owned[subgraph]!;
  return statements.flatMap((sql) => tablesIn(sql).filter((t) => !own.has(t)).map((t) => `${t} ← ${sql.replace(/\s+/g, ' ').slice(0, 300)}`));
}

describe('the statement checker', () => {
  it('knows every subgraph\'s tables from its schema file', () => {
    expect([...owned.posts!]).toEqual(expect.arrayContaining(['posts', 'post_tags', 'tags', 'wow_picks', 'post_blocks', 'post_events']));
    expect([...owned.social!]).toEqual(expect.arrayContaining(['follows', 'likes', 'comments', 'blocks', 'reports', 'activities',
      'activity_reads', 'feed_entries', 'post_refs', 'social_events']));
  });

  it('catches another subgraph\'s table in Prisma\'s and in raw SQL, and not CTEs or functions', () => {
    expect(tablesIn('SELECT "public"."posts"."id" FROM "public"."posts" WHERE "public"."posts"."id" = $1')).toEqual(['posts']);
    expect(tablesIn(`WITH ins AS (INSERT INTO likes (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id)
      SELECT p.id FROM unnest($2::uuid[]) AS p(id) CROSS JOIN LATERAL (SELECT * FROM posts q JOIN "tags" t ON true) x, ins
      WHERE NOT EXISTS (SELECT 1 FROM blocks b) AND 'FROM users' <> '' FOR UPDATE SKIP LOCKED`).sort())
      .toEqual(['blocks', 'likes', 'posts', 'tags']);
    expect(tablesIn('UPDATE tags SET post_count = post_count - 1; INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET n = 1')).toEqual(['tags']);
    expect(trespasses('social', ['SELECT post_id FROM post_refs', 'SELECT id FROM posts WHERE author_id = $1'])).toHaveLength(1);
    expect(trespasses('social', ['SELECT "public"."users"."id" FROM "public"."users"'])).toHaveLength(1);
  });
});

// ── the workload ──
let stack: Stack;
let gql: Gql;
let a: TestUser, b: TestUser, staff: TestUser;
let loops: string[];

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true, posts: true, social: true });
  gql = gatewayClient(stack.gatewayUrl);
  [a, b] = [await newUser(gql, 'own_a'), await newUser(gql, 'own_b')];
  staff = await makeStaff(stack, gql, await newUser(gql, 'own_staff'));
  loops = await readyLoops(gql, a, 2);
}, 240_000);
afterAll(() => stack?.stop());

const run = async (q: string, vars: Record<string, unknown>, who?: TestUser) => ok(await gql(q, vars, who?.token)) as any;
/** Polls until `check` holds. Errors count as "not yet": a feed naming a post deleted a moment ago fails until post.deleted reaches social. */
async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let last: unknown;
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`, { cause: last });
    await new Promise((r) => setTimeout(r, 100));
  }
}
const POST = `id caption createdAt wowPicked author { id handle followerCount postCount } loop { id status }
  tags { name postCount } likeCount commentCount viewerHasLiked
  likes { edges { node { user { handle } } } } comments(first: 3) { edges { node { id text author { handle } } } }`;
const feedIds = async (who: TestUser): Promise<string[]> =>
  (await run(`{ feed { edges { node { ${POST} } } } }`, {}, who)).feed.edges.map((e: { node: { id: string } }) => e.node.id);

describe('every subgraph touches only its own tables', () => {
  it('a workload across all four subgraphs and their events', async () => {
    const tag = `own_${Date.now().toString(36)}`;
    await run('{ me { id handle } }', {}, a);
    await run('mutation($id: ID!) { follow(userId: $id) { id followerCount viewerIsFollowing } }', { id: a.id }, b);
    await run('mutation($id: ID!) { follow(userId: $id) { id } }', { id: b.id }, a);
    const p1 = (await run('mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
      { i: { loopId: loops[0], caption: `#${tag} #wow hi @${b.handle}` } }, a)).createPost.id as string;
    await until('post.created reaches b\'s feed', async () => (await feedIds(b)).includes(p1));
    await run('mutation($id: ID!) { likePost(postId: $id) { id likeCount } }', { id: p1 }, b);
    await run('mutation($id: ID!) { unlikePost(postId: $id) { id } }', { id: p1 }, b);
    await run('mutation($id: ID!) { likePost(postId: $id) { id } }', { id: p1 }, b);
    const c1 = (await run('mutation($id: ID!) { addComment(postId: $id, text: "first") { id } }', { id: p1 }, b)).addComment.id;
    await run('mutation($id: ID!) { addComment(postId: $id, text: "second") { id } }', { id: p1 }, b);
    await run('mutation($id: ID!) { deleteComment(id: $id) }', { id: c1 }, a);
    await run(`query($id: ID!) { post(id: $id) { ${POST} } }`, { id: p1 }, b);
    await run(`query($h: String!) { user(handle: $h) { id followerCount followingCount viewerIsFollowing postCount
      posts { edges { node { id } } } followers { edges { node { handle } } } following { edges { node { handle } } } } }`, { h: a.handle }, b);
    await run('{ unreadActivityCount activity { edges { node { kind actor { handle } post { id } comment { text } unread } } } }', {}, a);
    await run('mutation { markActivityRead }', {}, a);
    await run('query($q: String!, $n: String!) { searchTags(query: $q) { name } tag(name: $n) { postCount posts { edges { node { id } } } } }', { q: 'own_', n: tag });
    await run('{ trendingTags { name postCount } trendingPosts { id likeCount } }', {});
    await run('mutation($id: ID!) { pickWow(postId: $id) { id } }', { id: p1 }, staff);
    await run('{ wow { edges { node { id } } } }', {}, b);
    await run('mutation($id: ID!) { unpickWow(postId: $id) { id } }', { id: p1 }, staff);
    await run('mutation($i: ReportInput!) { report(input: $i) }', { i: { subject: p1, reason: 'SPAM', note: 'spam' } }, b);
    await run('{ reports { edges { node { subject reason reporter { handle } } } } }', {}, staff);
    await run('mutation($id: ID!) { blockUser(userId: $id) }', { id: a.id }, b);
    await until('block.added reaches posts', async () => (await run('query($id: ID!) { post(id: $id) { id } }', { id: p1 }, b)).post === null);
    await run('mutation($id: ID!) { unblockUser(userId: $id) }', { id: a.id }, b);
    await until('block.removed reaches posts', async () => (await run('query($id: ID!) { post(id: $id) { id } }', { id: p1 }, b)).post !== null);
    await run('mutation($id: ID!) { follow(userId: $id) { id } }', { id: a.id }, b);
    const p2 = (await run('mutation($i: CreatePostInput!) { createPost(input: $i) { id } }', { i: { loopId: loops[1] } }, a)).createPost.id as string;
    await until('p2 in b\'s feed', async () => (await feedIds(b)).includes(p2));
    await run('mutation($id: ID!) { deletePost(id: $id) }', { id: p2 }, a);
    await until('post.deleted reaches social', async () => !(await feedIds(b)).includes(p2));
    await run('mutation($id: ID!) { unfollow(userId: $id) { id } }', { id: a.id }, b);
    await run('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'long enough password' }, a);
    await until('user.deleted reaches posts and social', async () => {
      const me = (await run('query($h: String!) { user(handle: $h) { followerCount followingCount } }', { h: b.handle })).user;
      const tagNow = (await run('query($n: String!) { tag(name: $n) { postCount } }', { n: tag })).tag;
      return me.followerCount === 0 && tagNow === null;
    });
    await until('media has deleted a\'s loops', async () => (await run('query($id: ID!) { loop(id: $id) { id } }', { id: loops[0] })).loop === null);

    const bySubgraph: Record<string, string[]> = {
      users: stack.statements, media: stack.mediaStatements, posts: stack.postsStatements, social: stack.socialStatements,
    };
    for (const [subgraph, statements] of Object.entries(bySubgraph)) {
      expect(trespasses(subgraph, statements), `${subgraph} queried tables it does not own`).toEqual([]);
      // The workload reached every table the subgraph owns: the check above covered them all.
      const touched = new Set(statements.flatMap(tablesIn));
      const tables = tablesByFile()[subgraph]!;
      expect(tables.filter((t) => !touched.has(t)), `${subgraph}: tables the workload never touched`).toEqual([]);
    }
  });
});
