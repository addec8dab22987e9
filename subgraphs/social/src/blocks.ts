// Blocks hide people from each other both ways. SQL fragments used by every list that must
// leave out the other side of a viewer's blocks, and the one check mutations make.
import { Prisma, type Db } from '@fffoto/shared/db';

/** `NOT EXISTS` a block between the viewer and the user in column `col` (either direction). */
export function notBlockedWith(viewerId: string | null, col: Prisma.Sql): Prisma.Sql {
  if (!viewerId) return Prisma.sql`TRUE`;
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM blocks b
    WHERE (b.blocker_id = ${viewerId}::uuid AND b.blocked_id = ${col})
       OR (b.blocked_id = ${viewerId}::uuid AND b.blocker_id = ${col}))`;
}

type Sql = Pick<Db, '$queryRaw'>;

export async function blockedEitherWay(db: Sql, a: string, b: string): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM blocks
    WHERE (blocker_id = ${a}::uuid AND blocked_id = ${b}::uuid) OR (blocker_id = ${b}::uuid AND blocked_id = ${a}::uuid) LIMIT 1`;
  return rows.length > 0;
}
