// Deletes uploads never turned into loops once their lifetime is over: first the parts in S3,
// then the row. Each upload is handled in its own transaction holding the row FOR UPDATE, so
// - a createLoop racing the sweep waits on the row lock (its loop's foreign key) and then
//   finds the upload gone (P2003 → "expired"), never a loop without parts;
// - replicas skip rows another one is sweeping (SKIP LOCKED): no Redis lock needed;
// - a crash between the S3 delete and the commit leaves the row, and the next sweep repeats
//   the (idempotent) delete.
// The bucket lifecycle rule (README) is the backstop for anything this never sees.
import type { Db } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import { uploadPrefix, userUploadsPrefix } from './limits.ts';
import type { ObjectStorage } from './storage.ts';

export interface SweepOptions {
  lifetimeSeconds: number;
  /** Uploads handled per sweep, so one sweep stays short. */
  batch?: number;
}

export async function sweepAbandonedUploads(db: Db, storage: ObjectStorage, opts: SweepOptions, log?: Logger): Promise<number> {
  const cutoff = new Date(Date.now() - opts.lifetimeSeconds * 1000);
  let swept = 0;
  for (; swept < (opts.batch ?? 100); swept++) {
    const found = await db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ id: string; owner_id: string }>>`
        SELECT u.id::text AS id, u.owner_id::text AS owner_id FROM uploads u
        WHERE u.created_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM loops l WHERE l.upload_id = u.id)
        ORDER BY u.created_at
        LIMIT 1
        FOR UPDATE OF u SKIP LOCKED`;
      if (!row) return false;
      await storage.deletePrefix(uploadPrefix(row.owner_id, row.id));
      await tx.upload.delete({ where: { id: row.id } });
      return true;
    }, { timeout: 30_000 });
    if (!found) break;
  }
  if (swept) log?.info({ swept }, 'deleted abandoned uploads');
  return swept;
}

/**
 * Deletes uploads/<userId>/ of deleted accounts once their purge is due (account-cleanup.ts:
 * every presigned URL handed out before the deletion has expired by then), then the purge row.
 * Same locking as above: replicas skip a row being purged; a crash before the commit repeats it.
 */
export async function sweepDuePurges(db: Db, storage: ObjectStorage, opts: { batch?: number } = {}, log?: Logger): Promise<number> {
  const now = new Date();
  let purged = 0;
  for (; purged < (opts.batch ?? 100); purged++) {
    const found = await db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ user_id: string }>>`
        SELECT user_id::text AS user_id FROM media_purges
        WHERE purge_after <= ${now}
        ORDER BY purge_after
        LIMIT 1
        FOR UPDATE SKIP LOCKED`;
      if (!row) return false;
      await storage.deletePrefix(userUploadsPrefix(row.user_id));
      await tx.mediaPurge.delete({ where: { userId: row.user_id } });
      return true;
    }, { timeout: 30_000 });
    if (!found) break;
  }
  if (purged) log?.info({ purged }, "purged deleted accounts' late uploads");
  return purged;
}
