// PHHHOTO's News (activity addressed to the viewer, never the viewer's own actions: rows are
// only written when actor ≠ recipient), the unread count against activity_reads.read_before,
// and moderation reports.
import { Prisma } from '@fffoto/shared/db';
import { badInput, notFound } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';
import { notBlockedWith } from './blocks.ts';
import type { SocialDeps } from './deps.ts';
import { connection, type Connection, type Keyset } from './paging.ts';
import type { ActivityRow, ReportRow } from './rows.ts';

export const NOTE_MAX = 500;

export interface ReportInput {
  subject: string;
  reason: ReportRow['reason'];
  note?: string | null;
}

export class News {
  constructor(private readonly d: SocialDeps) {}

  async activity(viewerId: string, first: number, after: Keyset | null): Promise<Connection<ActivityRow & { unread: boolean }>> {
    const cursor = after ? Prisma.sql`AND (a.created_at, a.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
    const rows = await this.d.db.$queryRaw<Array<ActivityRow & { unread: boolean }>>`
      SELECT a.id::text, a.recipient_id::text AS "recipientId", a.actor_id::text AS "actorId", a.kind::text AS kind,
        a.post_id::text AS "postId", a.comment_id::text AS "commentId", a.created_at AS "createdAt",
        (r.read_before IS NULL OR a.created_at > r.read_before) AS unread
      FROM activities a LEFT JOIN activity_reads r ON r.user_id = a.recipient_id
      WHERE a.recipient_id = ${viewerId}::uuid ${cursor} AND ${notBlockedWith(viewerId, Prisma.sql`a.actor_id`)}
      ORDER BY a.created_at DESC, a.id DESC LIMIT ${first + 1}`;
    return connection(rows, first, (r) => ({ at: r.createdAt, id: r.id }), (r) => r);
  }

  async unreadCount(viewerId: string): Promise<number> {
    const rows = await this.d.db.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM activities a LEFT JOIN activity_reads r ON r.user_id = a.recipient_id
      WHERE a.recipient_id = ${viewerId}::uuid AND (r.read_before IS NULL OR a.created_at > r.read_before)
        AND ${notBlockedWith(viewerId, Prisma.sql`a.actor_id`)}`;
    return rows[0]?.n ?? 0;
  }

  /** Moves read_before forward to `before` (default now); returns how many activities became read. */
  async markRead(viewerId: string, before: Date | null): Promise<number> {
    await this.d.limits.reads.consume(viewerId);
    // Never beyond now: a future mark would silently swallow News that has not happened yet.
    const now = new Date();
    const until = before && before < now ? before : now;
    return this.d.db.$transaction(async (tx) => {
      const old = await tx.$queryRaw<Array<{ readBefore: Date }>>`
        SELECT read_before AS "readBefore" FROM activity_reads WHERE user_id = ${viewerId}::uuid FOR UPDATE`;
      const from = old[0]?.readBefore ?? null;
      if (from && from >= until) return 0;
      await tx.$executeRaw`INSERT INTO activity_reads (user_id, read_before) VALUES (${viewerId}::uuid, ${until}::timestamptz)
        ON CONFLICT (user_id) DO UPDATE SET read_before = EXCLUDED.read_before`;
      const since = from ? Prisma.sql`AND a.created_at > ${from}::timestamptz` : Prisma.empty;
      const rows = await tx.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM activities a WHERE a.recipient_id = ${viewerId}::uuid
          AND a.created_at <= ${until}::timestamptz ${since} AND ${notBlockedWith(viewerId, Prisma.sql`a.actor_id`)}`;
      return rows[0]?.n ?? 0;
    });
  }

  /** One OPEN report per (reporter, subject): a repeat returns true without a new row. */
  async report(viewerId: string, input: ReportInput): Promise<boolean> {
    if (!isUuid(input.subject)) throw badInput('subject is not a valid id.', 'input.subject');
    const subject = input.subject.toLowerCase();
    const note = input.note?.trim() || null;
    if (note && [...note].length > NOTE_MAX) throw badInput(`A note is at most ${NOTE_MAX} characters.`, 'input.note');
    await this.d.limits.reports.consume(viewerId);
    if (!(await this.subjectExists(subject))) throw notFound('Subject');
    await this.d.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${`report:${viewerId}:${subject}`}, 0))`;
      await tx.$executeRaw`INSERT INTO reports (id, reporter_id, subject, reason, note)
        SELECT gen_random_uuid(), ${viewerId}::uuid, ${subject}, ${input.reason}::"ReportReason", ${note}
        WHERE NOT EXISTS (SELECT 1 FROM reports WHERE reporter_id = ${viewerId}::uuid AND subject = ${subject} AND status = 'OPEN')`;
    });
    return true;
  }

  /** A comment or post social knows, else a live user, else a post posts knows. */
  private async subjectExists(id: string): Promise<boolean> {
    const local = await this.d.db.$queryRaw<unknown[]>`
      SELECT 1 FROM comments WHERE id = ${id}::uuid UNION ALL SELECT 1 FROM post_refs WHERE post_id = ${id}::uuid LIMIT 1`;
    if (local.length) return true;
    if (await this.d.refs.userExists(id)) return true;
    try {
      await this.d.refs.require(id);
      return true;
    } catch (err) {
      if ((err as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND') return false;
      throw err;
    }
  }

  async openReports(first: number, after: Keyset | null): Promise<Connection<ReportRow>> {
    const cursor = after ? Prisma.sql`AND (created_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
    const rows = await this.d.db.$queryRaw<ReportRow[]>`
      SELECT id::text, reporter_id::text AS "reporterId", subject, reason::text AS reason, note, status::text AS status,
        created_at AS "createdAt"
      FROM reports WHERE status = 'OPEN' ${cursor} ORDER BY created_at DESC, id DESC LIMIT ${first + 1}`;
    return connection(rows, first, (r) => ({ at: r.createdAt, id: r.id }), (r) => r);
  }
}
