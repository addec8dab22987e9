// Reads of the posts subgraph, shaped for DataLoader: one statement per batch, whatever the
// number of parents (users, tags, posts) in the request. Posts across a block with the viewer
// (post_blocks, the read model of social's blocks) are left out of every list.
import { Prisma, type Db, type Post, type Tag } from '@fffoto/shared/db';
import { isUuid } from '@fffoto/shared/ids';
import type { Keyset } from './cursor.ts';

export type PostRow = Post;
export type WowRow = Post & { pickedAt: Date };

const POST_COLUMNS = Prisma.sql`q.id, q.author_id AS "authorId", q.loop_id AS "loopId", q.caption, q.created_at AS "createdAt"`;

/** `AND` the author (column `author`) and the viewer have no block either way. */
export function notBlocked(viewerId: string | null, author: Prisma.Sql = Prisma.raw('q.author_id')): Prisma.Sql {
  if (!viewerId) return Prisma.empty;
  return Prisma.sql`AND NOT EXISTS (SELECT 1 FROM post_blocks b
    WHERE (b.blocker_id = ${viewerId}::uuid AND b.blocked_id = ${author})
       OR (b.blocker_id = ${author} AND b.blocked_id = ${viewerId}::uuid))`;
}

const before = (k: Keyset | null, at: Prisma.Sql, id: Prisma.Sql) =>
  k ? Prisma.sql`AND (${at}, ${id}) < (${k.at}::timestamptz, ${k.id}::uuid)` : Prisma.empty;

export class PostQueries {
  constructor(private readonly db: Db) {}

  async byIds(ids: readonly string[]): Promise<Array<PostRow | null>> {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.db.post.findMany({ where: { id: { in: valid } } }) : [];
    const byId = new Map(rows.map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Each post's tags (name order), with their counts. */
  async tagsOf(postIds: readonly string[]): Promise<Tag[][]> {
    const rows = await this.db.$queryRaw<Array<{ postId: string; name: string; postCount: number }>>`
      SELECT pt.post_id AS "postId", t.name, t.post_count AS "postCount"
      FROM post_tags pt JOIN tags t ON t.name = pt.tag_name
      WHERE pt.post_id = ANY(${[...postIds]}::uuid[]) ORDER BY t.name`;
    const out = new Map<string, Tag[]>(postIds.map((id) => [id, []]));
    for (const r of rows) out.get(r.postId)?.push({ name: r.name, postCount: r.postCount });
    return postIds.map((id) => out.get(id) ?? []);
  }

  async tagsByName(names: readonly string[]): Promise<Array<Tag | null>> {
    const rows = await this.db.tag.findMany({ where: { name: { in: [...names] } } });
    const byName = new Map(rows.map((t) => [t.name, t]));
    return names.map((n) => byName.get(n) ?? null);
  }

  async postCounts(authorIds: readonly string[]): Promise<number[]> {
    const valid = authorIds.filter(isUuid);
    const rows = valid.length
      ? await this.db.post.groupBy({ by: ['authorId'], where: { authorId: { in: valid } }, _count: { _all: true } })
      : [];
    const byId = new Map(rows.map((r) => [r.authorId, r._count._all]));
    return authorIds.map((id) => byId.get(id) ?? 0);
  }

  async wowPicked(postIds: readonly string[]): Promise<boolean[]> {
    const rows = await this.db.wowPick.findMany({ where: { postId: { in: [...postIds] } }, select: { postId: true } });
    const picked = new Set(rows.map((r) => r.postId));
    return postIds.map((id) => picked.has(id));
  }

  /** Up to `limit` posts of each author, newest first, after the cursor: one statement (LATERAL). */
  async byAuthors(authorIds: string[], limit: number, after: Keyset | null, viewerId: string | null): Promise<Map<string, PostRow[]>> {
    const valid = authorIds.filter(isUuid);
    const rows = valid.length
      ? await this.db.$queryRaw<PostRow[]>`
        SELECT p.* FROM unnest(${valid}::uuid[]) AS a(id) CROSS JOIN LATERAL (
          SELECT ${POST_COLUMNS} FROM posts q
          WHERE q.author_id = a.id ${before(after, Prisma.raw('q.created_at'), Prisma.raw('q.id'))} ${notBlocked(viewerId)}
          ORDER BY q.created_at DESC, q.id DESC LIMIT ${limit}) p`
      : [];
    return groupBy(rows, (r) => r.authorId);
  }

  /** Up to `limit` posts of each tag, newest first, after the cursor: one statement (LATERAL). */
  async byTags(names: string[], limit: number, after: Keyset | null, viewerId: string | null): Promise<Map<string, PostRow[]>> {
    const rows = await this.db.$queryRaw<Array<PostRow & { tagName: string }>>`
      SELECT a.name AS "tagName", p.* FROM unnest(${names}::text[]) AS a(name) CROSS JOIN LATERAL (
        SELECT ${POST_COLUMNS} FROM post_tags t JOIN posts q ON q.id = t.post_id
        WHERE t.tag_name = a.name ${before(after, Prisma.raw('t.created_at'), Prisma.raw('t.post_id'))} ${notBlocked(viewerId)}
        ORDER BY t.created_at DESC, t.post_id DESC LIMIT ${limit}) p`;
    return groupBy(rows.map(({ tagName, ...post }) => ({ tagName, post })), (r) => r.tagName, (r) => r.post);
  }

  async wow(limit: number, after: Keyset | null, viewerId: string | null): Promise<WowRow[]> {
    return this.db.$queryRaw<WowRow[]>`
      SELECT ${POST_COLUMNS}, w.picked_at AS "pickedAt" FROM wow_picks w JOIN posts q ON q.id = w.post_id
      WHERE true ${before(after, Prisma.raw('w.picked_at'), Prisma.raw('w.post_id'))} ${notBlocked(viewerId)}
      ORDER BY w.picked_at DESC, w.post_id DESC LIMIT ${limit}`;
  }

  /** Whether the viewer and the author have a block either way. */
  async hiddenFrom(viewerId: string, authorId: string): Promise<boolean> {
    const n = await this.db.postBlock.count({
      where: { OR: [{ blockerId: viewerId, blockedId: authorId }, { blockerId: authorId, blockedId: viewerId }] },
    });
    return n > 0;
  }

  /** Tags starting with `prefix` (text_pattern_ops index), most used first. */
  searchTags(prefix: string, first: number): Promise<Tag[]> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db.$queryRaw<Tag[]>`
      SELECT name, post_count AS "postCount" FROM tags
      WHERE name LIKE ${pattern} AND post_count > 0 ORDER BY post_count DESC, name LIMIT ${first}`;
  }
}

function groupBy<R, V = R>(rows: R[], key: (r: R) => string, value: (r: R) => V = (r) => r as unknown as V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const k = key(r);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(value(r));
  }
  return out;
}
