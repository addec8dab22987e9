// What an upload may be. One table, read by requestUpload, createLoop and the worker.
import type { UploadKind } from '@fffoto/shared/db';
import { DEFAULT_FPS, MAX_FPS, MAX_FRAMES, MIN_FPS } from './pipeline/index.ts';

export const CONTENT_TYPES: Record<UploadKind, readonly string[]> = {
  FRAMES: ['image/jpeg', 'image/png', 'image/webp'],
  VIDEO: ['video/mp4', 'video/webm', 'video/quicktime'],
};

export const PART_COUNT: Record<UploadKind, { min: number; max: number }> = {
  // The pipeline can loop 2 frames; a burst worth posting has at least 3.
  FRAMES: { min: 3, max: MAX_FRAMES },
  VIDEO: { min: 1, max: 1 },
};

export const FPS = { min: MIN_FPS, max: MAX_FPS, default: DEFAULT_FPS };

/** Sizes in messages people read. */
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;
/** "is <size>; the limit is <limit>", in bytes when the rounded MB would read the same. */
export const sizeOverLimit = (size: number, limit: number) =>
  mb(size) === mb(limit) ? `is ${bytes(size)}; the limit is ${bytes(limit)}` : `is ${mb(size)}; the limit is ${mb(limit)}`;

export const userUploadsPrefix = (ownerId: string) => `uploads/${ownerId}/`;
export const uploadPrefix = (ownerId: string, uploadId: string) => `${userUploadsPrefix(ownerId)}${uploadId}/`;
export const partKey = (ownerId: string, uploadId: string, index: number) =>
  `${uploadPrefix(ownerId, uploadId)}${String(index).padStart(2, '0')}`;

export const loopPrefix = (loopId: string) => `loops/${loopId}/`;
export const outputKeys = (loopId: string) => ({
  mp4: `${loopPrefix(loopId)}loop.mp4`,
  webp: `${loopPrefix(loopId)}loop.webp`,
  gif: `${loopPrefix(loopId)}loop.gif`,
  poster: `${loopPrefix(loopId)}poster.jpg`,
});
