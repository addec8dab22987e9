// Deletes a deleted account's media: S3 objects under uploads/<userId>/ and loops/<loopId>/ for
// each of its loops, then its loop and upload rows. Driven by the durable `user.deleted` event
// (shared/events.ts, published from the users subgraph's outbox), read by the consumer group
// "media": if media is down when the account is deleted, the cleanup runs when it is back.
// Idempotent: an event handled twice (redelivery after a crash) finds nothing left to delete.
import type { Db } from '@fffoto/shared/db';
import { eventTypes, openEventBus, type Consumer, type EventHandler } from '@fffoto/shared/events';
import { isUuid } from '@fffoto/shared/ids';
import type { Logger } from '@fffoto/shared/logger';
import type { ObjectStorage } from './storage.ts';

export interface CleanupDeps {
  db: Db;
  storage: ObjectStorage;
  log: Logger;
}

export async function deleteUserMedia(deps: CleanupDeps, userId: string): Promise<{ loops: number; uploads: number }> {
  const { db, storage } = deps;
  const loops = await db.loop.findMany({ where: { ownerId: userId }, select: { id: true } });
  // Objects first, rows last: if this fails half-way, the rows still say what to delete next time.
  for (const loop of loops) await storage.deletePrefix(`loops/${loop.id}/`);
  await storage.deletePrefix(`uploads/${userId}/`);
  const [deletedLoops, deletedUploads] = await db.$transaction([
    db.loop.deleteMany({ where: { ownerId: userId } }),
    db.upload.deleteMany({ where: { ownerId: userId } }),
  ]);
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
