// Re-queues unfinished loops whose encode job is gone: lost with a Redis restart, never added
// because Redis was down during createLoop, or failed in the queue while the loop was not
// marked FAILED. Runs in the media process without any client call. Idempotent (job id =
// loop id; a job the queue still holds is left alone), so every replica may run it.
import type { Db } from '@fffoto/shared/db';
import type { Logger } from '@fffoto/shared/logger';
import type { LoopQueue } from './queue.ts';

export interface ReconcileOptions {
  /** Only loops untouched this long: a fresh loop's job is still being added. */
  afterSeconds: number;
  batch?: number;
}

export async function requeueLostLoops(db: Db, queue: LoopQueue, opts: ReconcileOptions, log?: Logger): Promise<number> {
  const loops = await db.loop.findMany({
    where: { status: { in: ['PENDING', 'PROCESSING'] }, updatedAt: { lt: new Date(Date.now() - opts.afterSeconds * 1000) } },
    select: { id: true },
    orderBy: { updatedAt: 'asc' },
    take: opts.batch ?? 200,
  });
  let requeued = 0;
  for (const { id } of loops) if (await queue.ensureQueued(id)) requeued++;
  if (requeued) log?.info({ requeued }, 'requeued loops whose encode job was lost');
  return requeued;
}
