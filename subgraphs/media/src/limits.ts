// What an upload may be. One table, read by requestUpload, createLoop and the worker.
import type { UploadKind } from '@fffoto/shared/db';

export const CONTENT_TYPES: Record<UploadKind, readonly string[]> = {
  FRAMES: ['image/jpeg', 'image/png', 'image/webp'],
  VIDEO: ['video/mp4', 'video/webm', 'video/quicktime'],
};

export const PART_COUNT: Record<UploadKind, { min: number; max: number }> = {
  FRAMES: { min: 3, max: 20 },
  VIDEO: { min: 1, max: 1 },
};

export const FPS = { min: 2, max: 30, default: 10 };
/** A clip longer than this is refused by the worker. */
export const MAX_CLIP_SECONDS = 5;
/** createLoop accepts an upload for this long after it was requested. */
export const UPLOAD_USABLE_SECONDS = 24 * 60 * 60;
/** previewLoop reads at most this many frames. */
export const PREVIEW_MAX_FRAMES = 8;

export const partKey = (ownerId: string, uploadId: string, index: number) =>
  `uploads/${ownerId}/${uploadId}/${String(index).padStart(2, '0')}`;

export const loopPrefix = (loopId: string) => `loops/${loopId}/`;
export const outputKeys = (loopId: string) => ({
  mp4: `${loopPrefix(loopId)}loop.mp4`,
  webp: `${loopPrefix(loopId)}loop.webp`,
  gif: `${loopPrefix(loopId)}loop.gif`,
  poster: `${loopPrefix(loopId)}poster.jpg`,
});
