// Loop rows and their status machine, shared by the subgraph and the worker. Every status
// change is published for the loopUpdated subscription. Transitions are conditional updates,
// so a retried or duplicated job can never move a finished loop again. Publishing is best
// effort: the row is the truth (loopUpdated sends the current state first), so a failed publish
// (Redis down) is logged and never fails the status change.
import type { Db, Loop } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import { notFound } from '@fffoto/shared/errors';
import { isUuid } from '@fffoto/shared/ids';
import { channelEvents, mapStream, startWith } from '@fffoto/shared/live-stream';
import { channels, type PubSubEngine } from '@fffoto/shared/pubsub';

export interface EncodedMeta {
  frameCount: number;
  width: number;
  height: number;
  durationMs: number;
  mp4Bytes: number;
  webpBytes: number;
  gifBytes: number;
  posterBytes: number;
}


export class LoopStore {
  constructor(
    private readonly db: Db,
    private readonly pubsub: PubSubEngine,
    private readonly log?: Logger,
  ) {}

  get(id: string): Promise<Loop | null> {
    return isUuid(id) ? this.db.loop.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /**
   * loopUpdated: the loop's current state, then each change, for its owner only (anyone else,
   * or a loop that does not exist, is NOT_FOUND alike). Subscribed before the current state is
   * read, so a change in between is never missed; a change already shown is not sent twice.
   */
  async updates(id: string, viewerId: string): Promise<AsyncIterableIterator<{ loopUpdated: Loop }>> {
    const events = await channelEvents<{ loopUpdated: { id: string } }>(this.pubsub, channels.loopUpdated(id));
    const current = await this.get(id).catch(async (err) => {
      await events.return!();
      throw err;
    });
    if (!current || current.ownerId !== viewerId) {
      await events.return!();
      throw notFound('Loop');
    }
    let last = current;
    const changes = mapStream(events, async () => {
      const loop = await this.get(id);
      if (!loop || (loop.status === last.status && loop.updatedAt.getTime() === last.updatedAt.getTime())) return undefined;
      last = loop;
      return { loopUpdated: loop };
    });
    return startWith({ loopUpdated: current }, changes);
  }

  /** One statement for any number of ids (the DataLoader batch function). */
  async byIds(ids: readonly string[]): Promise<Array<Loop | null>> {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.db.loop.findMany({ where: { id: { in: valid } } }) : [];
    const byId = new Map(rows.map((l) => [l.id, l]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** PENDING (or PROCESSING, for a retried job) → PROCESSING; null when already finished. */
  async markProcessing(id: string): Promise<Loop | null> {
    const { count } = await this.db.loop.updateMany({
      where: { id, status: { in: ['PENDING', 'PROCESSING'] } },
      data: { status: 'PROCESSING', attempts: { increment: 1 }, error: null },
    });
    return count ? this.changed(id) : null;
  }

  async markReady(id: string, meta: EncodedMeta): Promise<Loop | null> {
    const { count } = await this.db.loop.updateMany({
      where: { id, status: 'PROCESSING' },
      data: { status: 'READY', readyAt: new Date(), error: null, ...meta },
    });
    return count ? this.changed(id) : null;
  }

  async markFailed(id: string, reason: string): Promise<Loop | null> {
    const { count } = await this.db.loop.updateMany({
      where: { id, status: { in: ['PENDING', 'PROCESSING'] } },
      data: { status: 'FAILED', error: reason.slice(0, 500) },
    });
    return count ? this.changed(id) : null;
  }

  /** Never rejects: see the top of this file. */
  async publish(loop: Loop): Promise<void> {
    try {
      await this.pubsub.publish(channels.loopUpdated(loop.id), { loopUpdated: loop });
    } catch (err) {
      this.log?.warn({ err: (err as Error).message, loopId: loop.id, status: loop.status }, 'could not publish loopUpdated');
    }
  }

  private async changed(id: string): Promise<Loop> {
    const loop = await this.db.loop.findUniqueOrThrow({ where: { id } });
    await this.publish(loop);
    return loop;
  }
}
