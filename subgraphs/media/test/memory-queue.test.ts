// The embedded (in-process) queue `npm start` uses without Redis keeps BullMQ's contract: a
// transient failure is retried and the loop ends READY. Real Postgres, the local S3 server,
// sharp and ffmpeg; the runtime is built with no REDIS_URL, so createQueue picks the memory
// queue, exactly as the media subgraph does when embedded. (BullMQ: worker-faults.e2e.test.ts.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@fffoto/shared/logger';
import { migrate } from '@fffoto/shared/migrate';
import { createDatabase, dropDatabase, uniqueName } from '../../../tests/support/pg-admin.ts';
import { loadMediaConfig } from '../src/config.ts';
import { outputKeys } from '../src/limits.ts';
import { MediaService } from '../src/media-service.ts';
import type { LoopQueue } from '../src/queue.ts';
import { createQueue, createRuntime, createStorage, type MediaRuntime } from '../src/runtime.ts';
import { makeJpegFrames } from './support/frames.ts';
import { startTestS3, type TestS3 } from './support/s3.ts';
import { faultyStorage } from './support/worker.ts';

let s3: TestS3;
let rt: MediaRuntime;
let queue: LoopQueue;
let media: MediaService;
let mp4Puts = 0;

let dbName: string;

beforeAll(async () => {
  s3 = await startTestS3('fffoto-memory-queue');
  // A database of its own: another embedded media in this run (no Redis) takes up every
  // unfinished loop of its database at start, as after an `npm start` restart.
  dbName = uniqueName('fffoto_stack');
  const databaseUrl = await createDatabase(dbName);
  await migrate(databaseUrl);
  const config = loadMediaConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: undefined,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    WORKER_ATTEMPTS: '2',
  });
  expect(config.REDIS_URL).toBeUndefined();
  const real = createStorage(config);
  // The first MP4 write fails, as a brief S3 outage would; every other call goes through.
  const storage = faultyStorage(real, {
    put: (put) => async (key, ...rest) => {
      if (key.endsWith('/loop.mp4') && mp4Puts++ === 0) throw new Error('injected: S3 hiccup');
      await put(key, ...rest);
    },
  });
  rt = createRuntime(config, { storage });
  const log = createLogger('memory-queue-test', 'silent');
  queue = createQueue(rt, log);
  media = new MediaService(rt.db, rt.storage, queue, rt.loops, {
    maxPartBytes: rt.maxPartBytes,
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    uploadLifetimeSeconds: config.UPLOAD_LIFETIME_SECONDS,
    requirePartSizes: false,
  });
});
afterAll(async () => {
  await queue?.close();
  await rt?.close();
  await s3?.cleanup();
  if (dbName) await dropDatabase(dbName);
});

async function waitForStatus(id: string, done: (s: string) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const loop = await rt.loops.get(id);
    if (loop && done(loop.status)) return loop;
    if (Date.now() > deadline) throw new Error(`loop ${id} still ${loop?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the in-process queue (no Redis)', () => {
  it('retries a transient failure with 2 attempts and ends READY', async () => {
    const ownerId = randomUUID();
    const upload = await media.requestUpload(ownerId, { kind: 'FRAMES', count: 3, contentType: 'image/jpeg' });
    const frames = await makeJpegFrames(3, 320, 240);
    for (const part of upload.parts) {
      const res = await fetch(part.url, { method: part.method, headers: Object.fromEntries(part.headers.map((h) => [h.name, h.value])), body: new Uint8Array(frames[part.index]!) });
      expect(res.status).toBe(200);
    }
    const created = await media.createLoop(ownerId, { uploadId: upload.id });
    const loop = await waitForStatus(created.id, (s) => s === 'READY' || s === 'FAILED', 40_000);
    expect(loop.error).toBeNull();
    expect(loop).toMatchObject({ status: 'READY', attempts: 2 });
    expect(mp4Puts).toBe(2);
    expect((await rt.storage.list(`loops/${created.id}/`)).map((o) => o.key).sort()).toEqual(Object.values(outputKeys(created.id)).sort());
  });
});
