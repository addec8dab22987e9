// Configuration of the media subgraph and the media worker (one shape: they share S3, Redis, limits).
import { baseShape, databaseShape, loadConfig, port, tokenVerifyShape, z } from '@fffoto/shared/config';

const megabytes = (fallback: number) => z.coerce.number().positive().default(fallback).transform((mb) => Math.round(mb * 1024 * 1024));

export const mediaConfigShape = {
  ...baseShape,
  ...databaseShape,
  ...tokenVerifyShape,
  /** Without REDIS_URL (embedded mode) the queue and pub/sub run in process. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z.string().default('fffoto:'),
  MEDIA_PORT: port(4004),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('fffoto'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  S3_PUBLIC_BASE_URL: z.url().optional(),
  /** Where clients reach S3 when it differs from S3_ENDPOINT; presigned URLs use it. */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  /** Origins allowed to PUT to presigned URLs from a browser (bucket CORS). */
  CORS_ORIGINS: z.string().default('*'),
  MEDIA_MAX_FRAME_MB: megabytes(15),
  MEDIA_MAX_VIDEO_MB: megabytes(50),
  /** How long presigned upload URLs stay valid. */
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(600),
  PREVIEW_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** previewLoop runs in the request: past this it stops and answers SERVICE_UNAVAILABLE. */
  PREVIEW_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** requestUpload calls per user per window (each call signs up to 20 URLs). */
  UPLOAD_REQUESTS_PER_WINDOW: z.coerce.number().int().positive().default(300),
  UPLOAD_REQUEST_WINDOW_SECONDS: z.coerce.number().int().positive().default(3600),
  /** 'true': requestUpload must be given partSizes, so S3 itself bounds every part. */
  UPLOAD_REQUIRE_PART_SIZES: z.enum(['true', 'false']).default('true'),
  /** How long an upload may wait for createLoop; after it the sweeper deletes its parts. */
  UPLOAD_LIFETIME_SECONDS: z.coerce.number().int().min(1).default(24 * 3600),
  UPLOAD_SWEEP_INTERVAL_SECONDS: z.coerce.number().positive().default(300),
  /** An unfinished loop untouched this long is checked for a lost job (and re-queued). */
  RECONCILE_AFTER_SECONDS: z.coerce.number().positive().default(60),
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  WORKER_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  WORKER_JOB_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(120_000),
  /** How long a job's lock lives without renewal: a killed worker's job is retried after this. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  WORKER_HEALTH_PORT: port(4005),
};

export type MediaConfig = ReturnType<typeof loadMediaConfig>;
export const loadMediaConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(mediaConfigShape, env);

export function maxPartBytes(config: MediaConfig, kind: 'FRAMES' | 'VIDEO'): number {
  return kind === 'FRAMES' ? config.MEDIA_MAX_FRAME_MB : config.MEDIA_MAX_VIDEO_MB;
}
