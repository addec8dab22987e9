// An account deleted while one of its loops encodes: whichever side writes last, no output is
// left under loops/<id>/ once both the account cleanup and the encode job are done. Real
// Postgres, the local S3 server, sharp and ffmpeg; the job handler is called directly and the
// two are interleaved through storage hooks (no timing).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { createLogger } from '@fffoto/shared/logger';
import { createPubSub, type PubSubHandle } from '@fffoto/shared/pubsub';
import { deleteUserMedia } from '../src/account-cleanup.ts';
import { loadMediaConfig } from '../src/config.ts';
import { encodeJobHandler } from '../src/encode-job.ts';
import { FPS, loopPrefix, partKey } from '../src/limits.ts';
import { LoopStore } from '../src/loop-store.ts';
import { createStorage } from '../src/runtime.ts';
import type { ObjectStorage } from '../src/storage.ts';
import { makeJpegFrames } from './support/frames.ts';
import { startTestS3, type TestS3 } from './support/s3.ts';

const log = createLogger('deleted-mid-encode-test', 'silent');
let s3: TestS3;
let db: Db;
let storage: ObjectStorage;
let pubsub: PubSubHandle;
let loops: LoopStore;

beforeAll(async () => {
  s3 = await startTestS3('fffoto-deleted-mid-encode');
  storage = createStorage(loadMediaConfig({
    ...process.env, S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_FORCE_PATH_STYLE: 'true',
  }));
  await storage.ensureBucket(['*']);
  db = createDb(process.env.DATABASE_URL!);
  pubsub = createPubSub(undefined, 'deleted-mid-encode:', log);
  loops = new LoopStore(db, pubsub.pubsub, log);
});
afterAll(async () => {
  await pubsub?.close();
  storage?.destroy();
  await db?.$disconnect();
  await s3?.cleanup();
});

/** A PENDING loop with its three parts stored, as createLoop leaves it. */
async function pendingLoop() {
  const ownerId = randomUUID();
  const frames = await makeJpegFrames(3, 64, 64);
  const upload = await db.upload.create({
    data: { ownerId, kind: 'FRAMES', partCount: 3, contentType: 'image/jpeg', expiresAt: new Date(Date.now() + 600_000) },
  });
  for (const [i, f] of frames.entries()) await storage.put(partKey(ownerId, upload.id, i), f, 'image/jpeg');
  const loop = await db.loop.create({ data: { ownerId, uploadId: upload.id, mode: 'FORWARD', effect: 'NONE', fps: FPS.default, effectDay: new Date() } });
  return { ownerId, loopId: loop.id };
}

const job = (loopId: string) => ({ loopId, attempt: 1, attempts: 1, signal: new AbortController().signal });
const cleanupDeps = (s: ObjectStorage) => ({ db, storage: s, log, uploadUrlTtlSeconds: 600 });
const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('an account deleted while its loop encodes', () => {
  it('the worker writes after the cleanup: it finds no row and removes its outputs', async () => {
    const { ownerId, loopId } = await pendingLoop();
    let cleaned = false;
    // The whole account cleanup runs just before the first output is written.
    const racing: ObjectStorage = {
      ...storage,
      put: async (key, ...rest) => {
        if (key.startsWith('loops/') && !cleaned) {
          cleaned = true;
          await deleteUserMedia(cleanupDeps(storage), ownerId);
        }
        return storage.put(key, ...rest);
      },
    };
    await encodeJobHandler({ db, storage: racing, loops, log, maxPartBytes: () => 1024 * 1024 })(job(loopId));
    expect(cleaned).toBe(true);
    expect(await db.loop.count({ where: { id: loopId } })).toBe(0);
    expect(await storage.list(loopPrefix(loopId))).toEqual([]);
  }, 60_000);

  it('the worker finishes between the cleanup\'s object and row deletes: the cleanup removes its outputs', async () => {
    const { ownerId, loopId } = await pendingLoop();
    const firstPass = gate();
    const ready = gate();
    // Outputs wait for the cleanup's first pass over loops/<id>/; the cleanup then waits for READY.
    const worker: ObjectStorage = { ...storage, put: async (key, ...rest) => {
      if (key.startsWith('loops/')) await firstPass.opened;
      return storage.put(key, ...rest);
    } };
    let passes = 0;
    const cleanup: ObjectStorage = { ...storage, deletePrefix: async (prefix) => {
      await storage.deletePrefix(prefix);
      if (prefix === loopPrefix(loopId) && passes++ === 0) {
        firstPass.open();
        await ready.opened;
      }
    } };
    const encoding = encodeJobHandler({ db, storage: worker, loops, log, maxPartBytes: () => 1024 * 1024 })(job(loopId))
      .then(async () => expect((await db.loop.findUniqueOrThrow({ where: { id: loopId } })).status).toBe('READY'))
      .finally(() => ready.open());
    await Promise.all([encoding, deleteUserMedia(cleanupDeps(cleanup), ownerId)]);
    expect(await db.loop.count({ where: { id: loopId } })).toBe(0);
    expect(await storage.list(loopPrefix(loopId))).toEqual([]);
  }, 60_000);
});
