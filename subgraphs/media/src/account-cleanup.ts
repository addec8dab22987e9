// Deletes a deleted account's media: S3 objects under uploads/<userId>/ and loops/<loopId>/ for
// each of its loops, then its loop and upload rows. Driven by the durable `user.deleted` event
// (shared/events.ts, published from the users subgraph's outbox), read by the consumer group
// "media": if media is down when the account is deleted, the cleanup runs when it is back.
// Idempotent: an event handled twice (redelivery after a crash) finds nothing left to delete.
// S3 cannot revoke a presigned URL: one handed out before the deletion may still PUT after this
// ran, under a prefix no row points at. So the row deletes also record a purge (media_purges),
// and the upload sweeper deletes uploads/<userId>/ again once every such URL has expired.
import type { Db } from '@fffoto/shared/db';
import { eventTypes, openEventBus, type Consumer, type EventHandler } from '@fffoto/shared/events';
import { isUuid } from '@fffoto/shared/ids';
import type { Logger } from '@fffoto/shared/logger';
import { loopPrefix, userUploadsPrefix } from './limits.ts';
import type { ObjectStorage } from './storage.ts';

export interface CleanupDeps {
  db: Db;
  storage: ObjectStorage;
  log: Logger;
  /** UPLOAD_URL_TTL_SECONDS: how long a URL handed out before the deletion may still be used. */
  uploadUrlTtlSeconds: number;
}

/** Added to the URLs' lifetime: S3 checks expiry by its own clock, which may run behind ours. */
export const PURGE_MARGIN_SECONDS = 300;

export async function deleteUserMedia(deps: CleanupDeps, userId: string): Promise<{ loops: number; uploads: number }> {
  const { db, storage } = deps;
  const loops = await db.loop.findMany({ where: { ownerId: userId }, select: { id: true } });
  // Objects first, rows last: if this fails half-way, the rows still say what to delete next time.
  for (const loop of loops) await storage.deletePrefix(loopPrefix(loop.id));
  await storage.deletePrefix(userUploadsPrefix(userId));
  const purgeAfter = new Date(Date.now() + (deps.uploadUrlTtlSeconds + PURGE_MARGIN_SECONDS) * 1000);
  const [deletedLoops, deletedUploads] = await db.$transaction([
    db.loop.deleteMany({ where: { ownerId: userId } }),
    db.upload.deleteMany({ where: { ownerId: userId } }),
    db.mediaPurge.upsert({ where: { userId }, create: { userId, purgeAfter }, update: { purgeAfter } }),
  ]);
  // Again, now that the rows are gone: an encode that wrote its outputs after the first pass
  // but marked READY before the rows went would otherwise leave them. (One writing after this
  // finds no row and removes its own outputs: encode-job.ts.)
  for (const loop of loops) await storage.deletePrefix(loopPrefix(loop.id));
  return { loops: deletedLoops.count, uploads: deletedUploads.count };
}

export function accountCleanupHandler(deps: CleanupDeps): EventHandler {
  return async (event) => {
    if (event.type !== eventTypes.userDeleted) return;
    const userId = event.payload.userId;
    if (typeof userId !== 'string' || !isUuid(userId)) {
      deps.log.warn({ eventId: event.eventId }, 'user.deleted without a valid userId; ignored');
      return;
    }
    const deleted = await deleteUserMedia(deps, userId);
    deps.log.info({ userId, ...deleted }, 'deleted the media of a deleted account');
  };
}

export interface AccountCleanupOptions extends CleanupDeps {
  /** REDIS_URL and REDIS_PREFIX: where the events are (in process without Redis). */
  redisUrl?: string;
  prefix: string;
}

/** Consumes account events as the group "media" until stopped. */
export function startAccountCleanup(opts: AccountCleanupOptions): Consumer {
  const bus = openEventBus({ url: opts.redisUrl, prefix: opts.prefix, log: opts.log });
  const consumer = bus.consume({ group: 'media', handler: accountCleanupHandler(opts) });
  return {
    async stop() {
      await consumer.stop();
      await bus.close();
    },
  };
}
