// Uploads and loops: presigned upload slots, the checks before an encode is queued, and the
// in-request preview. Takes its database, storage, queue and store as arguments.
import { Prisma, type Db, type Effect, type Loop, type LoopMode, type UploadKind } from '@fffoto/shared/db';
import { badInput, forbidden, gqlError, notFound } from '@fffoto/shared/errors';
import type { RateLimit } from '@fffoto/shared/rate-limit';
import { ObjectTooLargeError, type ObjectStorage } from './storage.ts';
import type { LoopQueue } from './queue.ts';
import { isUuid } from '@fffoto/shared/ids';
import type { LoopStore } from './loop-store.ts';
import {
  CONTENT_TYPES, FPS, mb, PART_COUNT, partKey, sizeOverLimit, uploadPrefix,
} from './limits.ts';

export interface LoopInput {
  uploadId: string;
  mode?: LoopMode | null;
  effect?: Effect | null;
  fps?: number | null;
}

export interface MediaLimits {
  maxPartBytes: (kind: UploadKind) => number;
  uploadUrlTtlSeconds: number;
  /** createLoop accepts an upload this long; then the sweeper deletes it. */
  uploadLifetimeSeconds: number;
  /** Refuse requestUpload without partSizes (every part then bounded by S3 itself). */
  requirePartSizes: boolean;
  /** requestUpload calls per user (RATE_LIMITED beyond). */
  uploadRequests?: RateLimit;
}

export interface UploadRequest {
  kind: UploadKind;
  count: number;
  contentType: string;
  /** Each part's exact size in bytes: signed into its URL as Content-Length. */
  partSizes?: readonly number[] | null;
}


export class MediaService {
  constructor(
    private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly queue: LoopQueue,
    readonly loops: LoopStore,
    readonly limits: MediaLimits,
  ) {}

  async requestUpload(ownerId: string, input: UploadRequest) {
    await this.limits.uploadRequests?.consume(ownerId);
    const { min, max } = PART_COUNT[input.kind];
    if (!Number.isInteger(input.count) || input.count < min || input.count > max) {
      throw badInput(
        input.kind === 'FRAMES' ? `A burst has ${min}–${max} frames.` : 'A clip upload has exactly one part.',
        'count',
      );
    }
    const contentType = input.contentType.trim().toLowerCase();
    if (!CONTENT_TYPES[input.kind].includes(contentType)) {
      throw badInput(`${input.kind} uploads take ${CONTENT_TYPES[input.kind].join(', ')}.`, 'contentType');
    }
    const sizes = this.checkPartSizes(input.kind, input.count, input.partSizes);
    const upload = await this.db.upload.create({
      data: {
        ownerId,
        kind: input.kind,
        partCount: input.count,
        contentType,
        expiresAt: new Date(Date.now() + this.limits.uploadUrlTtlSeconds * 1000),
      },
    });
    const parts = await Promise.all(
      Array.from({ length: input.count }, async (_, index) => ({
        index,
        ...(await this.storage.presignPut(partKey(ownerId, upload.id, index), contentType, this.limits.uploadUrlTtlSeconds, sizes?.[index])),
      })),
    );
    return { id: upload.id, kind: upload.kind, parts, expiresAt: upload.expiresAt, maxBytesPerPart: this.limits.maxPartBytes(upload.kind) };
  }

  /** One size per part, each 1 byte to the limit; absent only while that is allowed. */
  private checkPartSizes(kind: UploadKind, count: number, partSizes: readonly number[] | null | undefined) {
    if (partSizes == null) {
      if (this.limits.requirePartSizes) throw badInput('Give partSizes: the size in bytes of each part.', 'partSizes');
      return undefined;
    }
    if (partSizes.length !== count) throw badInput(`partSizes has ${partSizes.length} sizes for ${count} parts.`, 'partSizes');
    const limit = this.limits.maxPartBytes(kind);
    const bad = partSizes.findIndex((n) => !Number.isSafeInteger(n) || n < 1);
    if (bad >= 0) throw badInput(`Part ${bad} must be at least 1 byte.`, 'partSizes');
    const over = partSizes.findIndex((n) => n > limit);
    if (over >= 0) {
      throw gqlError('PAYLOAD_TOO_LARGE', `Part ${over} ${sizeOverLimit(partSizes[over]!, limit)}.`, { field: 'partSizes' });
    }
    return partSizes;
  }

  /** The caller's upload, checked: exists, theirs, still usable. */
  private async ownUpload(ownerId: string, uploadId: string) {
    const upload = isUuid(uploadId) ? await this.db.upload.findUnique({ where: { id: uploadId } }) : null;
    if (!upload) throw notFound('Upload');
    if (upload.ownerId !== ownerId) throw forbidden('That upload belongs to someone else.');
    if (Date.now() - upload.createdAt.getTime() > this.limits.uploadLifetimeSeconds * 1000) {
      throw badInput('That upload has expired; request a new one.', 'uploadId');
    }
    return upload;
  }

  private static checkFps(fps: number | null | undefined): number {
    const value = fps ?? FPS.default;
    if (!Number.isInteger(value) || value < FPS.min || value > FPS.max) {
      throw badInput(`fps must be a whole number from ${FPS.min} to ${FPS.max}.`, 'fps');
    }
    return value;
  }

  /** Every part present and within its size limit; an oversize part is deleted, never decoded. */
  private async checkParts(upload: { id: string; ownerId: string; kind: UploadKind; partCount: number }) {
    const limit = this.limits.maxPartBytes(upload.kind);
    const heads = await Promise.all(
      Array.from({ length: upload.partCount }, (_, i) => this.storage.head(partKey(upload.ownerId, upload.id, i))),
    );
    const missing = heads.flatMap((h, i) => (h ? [] : [i]));
    if (missing.length) {
      throw badInput(`Part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not uploaded.`, 'uploadId');
    }
    const oversize = heads.findIndex((h) => h!.size > limit);
    if (oversize >= 0) {
      await this.storage.deletePrefix(uploadPrefix(upload.ownerId, upload.id));
      throw gqlError('PAYLOAD_TOO_LARGE', `Part ${oversize} ${sizeOverLimit(heads[oversize]!.size, limit)}. The upload was discarded.`, { field: 'uploadId' });
    }
    const empty = heads.findIndex((h) => h!.size === 0);
    if (empty >= 0) throw badInput(`Part ${empty} is empty.`, 'uploadId');
  }

  /** After a restart of the embedded (in-process) queue: loops it had not finished. */
  async requeueUnfinished(): Promise<number> {
    const loops = await this.db.loop.findMany({ where: { status: { in: ['PENDING', 'PROCESSING'] } }, select: { id: true } });
    for (const { id } of loops) await this.queue.enqueue(id);
    return loops.length;
  }

  async createLoop(ownerId: string, input: LoopInput): Promise<Loop> {
    const fps = MediaService.checkFps(input.fps);
    const upload = await this.ownUpload(ownerId, input.uploadId);
    const existing = await this.db.loop.findUnique({ where: { uploadId: upload.id } });
    if (existing) {
      // Enqueue again in case the first call died between recording and enqueueing; the queue
      // ignores a loop it already holds (job id = loop id).
      if (existing.status === 'PENDING') await this.queue.enqueue(existing.id);
      return existing;
    }
    await this.checkParts(upload);
    let loop: Loop;
    try {
      loop = await this.db.loop.create({
        data: {
          ownerId,
          uploadId: upload.id,
          mode: input.mode ?? 'BOUNCE',
          effect: input.effect ?? 'NONE',
          fps,
          effectDay: new Date(new Date().toISOString().slice(0, 10)),
        },
      });
    } catch (err) {
      // Two createLoop calls raced on one upload: the other one made the loop.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        return this.db.loop.findUniqueOrThrow({ where: { uploadId: upload.id } });
      }
      // The sweeper deleted the upload (its lifetime ran out) while this call was checking it.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003') {
        throw badInput('That upload has expired; request a new one.', 'uploadId');
      }
      throw err;
    }
    // Both bounded: publish never rejects, enqueue answers SERVICE_UNAVAILABLE within its
    // deadline while Redis is down. The PENDING row stays; the reconciler (or calling
    // createLoop again) queues it once Redis is back.
    await Promise.all([this.loops.publish(loop), this.queue.enqueue(loop.id)]);
    return loop;
  }

  /** Reads the parts a preview needs (at most `maxFrames`, evenly spaced), after the same checks. */
  async previewInputs(ownerId: string, input: LoopInput, maxFrames: number) {
    const fps = MediaService.checkFps(input.fps);
    const upload = await this.ownUpload(ownerId, input.uploadId);
    await this.checkParts(upload);
    const count = upload.kind === 'VIDEO' ? 1 : Math.min(maxFrames, upload.partCount);
    const indexes = Array.from({ length: count }, (_, i) => Math.round((i * (upload.partCount - 1)) / Math.max(1, count - 1)));
    const limit = this.limits.maxPartBytes(upload.kind);
    const buffers = await Promise.all(
      indexes.map((i) =>
        this.storage.get(partKey(ownerId, upload.id, i), limit).catch((err: unknown) => {
          if (err instanceof ObjectTooLargeError) throw gqlError('PAYLOAD_TOO_LARGE', `Part ${i} is over the ${mb(limit)} limit.`, { field: 'uploadId' });
          throw err;
        }),
      ),
    );
    return { kind: upload.kind, buffers, fps, mode: input.mode ?? 'BOUNCE', effect: input.effect ?? 'NONE' };
  }
}
