// The worker under faults, with real parts (Postgres, BullMQ on Redis, the local S3 server,
// sharp, ffmpeg): a part swapped for an oversize one after createLoop, outputs failing to
// write, a transient S3 error, two encodes at once. Each test starts its own worker, after it
// has set the scene, with a storage that delegates to the real S3 client and injects the fault.
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { createDb, type Db } from '@fffoto/shared/db';
import { graphqlClient } from '../../../tests/support/client.ts';
import { signUpUser, uploadAndCreate } from '../../../tests/support/media.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { outputKeys, partKey } from '../src/limits.ts';
import { makeJpegFrames } from './support/frames.ts';
import { recordLoopEvents, type LoopEvents } from './support/loop-events.ts';
import { faultyStorage, jobFinished, outputsLeft, startWorker } from './support/worker.ts';

let stack: Stack;
let db: Db;
let events: LoopEvents;
let gql: ReturnType<typeof graphqlClient>;
let user: { token: string; id: string };
let frames: Buffer[];
let worker: ServiceHandle | undefined;

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);
const outputsOf = async (loopId: string) => (await stack.storage().list(`loops/${loopId}/`)).map((o) => o.key.split('/').pop()).sort();

describe.skipIf(skipWithout('redis', 'the BullMQ worker under faults'))('the worker under faults', () => {
  beforeAll(async () => {
    // One attempt per job (BullMQ stores attempts on the job: the enqueuer's setting counts).
    stack = await startStack({ media: true, worker: false, env: { MEDIA_MAX_FRAME_MB: '0.5', WORKER_ATTEMPTS: '1' } });
    db = createDb(stack.env.DATABASE_URL!);
    events = await recordLoopEvents(stack.env.REDIS_URL!, stack.env.REDIS_PREFIX!);
    gql = graphqlClient(stack.gatewayUrl);
    user = await signUpUser(gql, `faults_${Date.now().toString(36)}`);
    frames = await makeJpegFrames(3, 320, 240);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    events?.close();
    await db?.$disconnect();
    await stack?.stop();
  });

  it('refuses a part replaced by an oversize one after createLoop: FAILED with a reason, nothing decoded', async () => {
    const { upload, loop } = await uploadAndCreate(gql, user.token, frames);
    expect(loop.status).toBe('PENDING');
    // A valid JPEG, only too big: decoded, it would make a READY loop.
    const big = await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 100 }).toBuffer();
    expect(big.length).toBeGreaterThan(512 * 1024);
    await stack.storage().put(partKey(user.id, upload.id, 1), big, 'image/jpeg');

    worker = await startWorker(stack);
    expect(await events.waitFor(loop.id, 'FAILED')).toEqual(['PENDING', 'PROCESSING', 'FAILED']);
    const row = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(row.error).toBe('Part 1 is larger than the 0.5 MB limit.');
    expect(row.attempts).toBe(1); // refused at once, not retried
    expect(row.frameCount).toBeNull();
    expect(await outputsLeft(stack, loop.id)).toEqual([]);
  });

  it('removes every output of a loop whose final attempt fails after some were written', async () => {
    const { loop } = await uploadAndCreate(gql, user.token, frames);
    const keys = outputKeys(loop.id);
    const written: string[] = [];
    let cleaned = () => {};
    const cleanup = new Promise<void>((r) => (cleaned = r));
    let gifRefused = () => {};
    const gifFailed = new Promise<void>((r) => (gifRefused = r));
    let mp4Written = () => {};
    const mp4Landed = new Promise<void>((r) => (mp4Written = r));
    let webpAndPosterWritten = () => {};
    const twoWritten = new Promise<void>((r) => (webpAndPosterWritten = r));
    const storage = faultyStorage(stack.storage(), {
      put: (real) => async (key, body, type, cache) => {
        if (key === keys.gif) {
          // Fails once two other outputs are in S3.
          await twoWritten;
          gifRefused();
          throw new Error('injected: S3 refused the GIF');
        }
        // The MP4 is slow: still in flight when the GIF fails, it lands after the cleanup if
        // the cleanup does not wait for it (released by the cleanup, or 5 s after the GIF
        // failed when the worker does wait).
        if (key === keys.mp4) {
          await gifFailed;
          await Promise.race([cleanup, new Promise((r) => setTimeout(r, 5_000))]);
        }
        await real(key, body, type, cache);
        written.push(key);
        if (key === keys.mp4) mp4Written();
        if (written.includes(keys.webp) && written.includes(keys.poster)) webpAndPosterWritten();
      },
      onDeletePrefix: (prefix) => prefix === `loops/${loop.id}/` && cleaned(),
    });
    worker = await startWorker(stack, {}, storage);
    await events.waitFor(loop.id, 'FAILED');
    expect(await jobFinished(stack, loop.id)).toBe('failed');
    await within(mp4Landed, 10_000, 'the MP4 put'); // before or after the cleanup: that is the point
    expect(written).toEqual(expect.arrayContaining([keys.webp, keys.poster, keys.mp4]));
    const row = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(row).toMatchObject({ attempts: 1, error: 'Encoding failed: injected: S3 refused the GIF' });
    expect(await outputsLeft(stack, loop.id)).toEqual([]);
  });

  it('runs two encodes at once with WORKER_CONCURRENCY=2, never three, and ends each loop READY once', async () => {
    const loops = await Promise.all(Array.from({ length: 4 }, () => uploadAndCreate(gql, user.token, frames)));
    const uploadToLoop = new Map(loops.map(({ upload, loop }) => [upload.id, loop.id]));
    // A loop is in flight from the read of its first part to the write of its poster.
    const inFlight = new Set<string>();
    let most = 0;
    let nudge = () => {};
    const storage = faultyStorage(stack.storage(), {
      get: (real) => async (key, max) => {
        const loopId = uploadToLoop.get(key.split('/')[2]!);
        if (loopId && key.endsWith('/00') && !inFlight.has(loopId)) {
          inFlight.add(loopId);
          most = Math.max(most, inFlight.size);
          nudge();
          // Until two have overlapped, the first waits for a second (bounded: a worker that
          // runs one at a time gets here alone, proceeds, and fails the assertion below).
          if (most < 2) await new Promise<void>((r) => { nudge = r; setTimeout(r, 5_000); });
        }
        return real(key, max);
      },
      put: (real) => async (key, ...rest) => {
        await real(key, ...rest);
        if (key.endsWith('/poster.jpg')) inFlight.delete(key.split('/')[1]!);
      },
    });
    worker = await startWorker(stack, { WORKER_CONCURRENCY: '2' }, storage);
    for (const { loop } of loops) {
      expect(await events.waitFor(loop.id, 'READY', 45_000)).toEqual(['PENDING', 'PROCESSING', 'READY']);
    }
    expect(most).toBe(2);
    const rows = await db.loop.findMany({ where: { id: { in: loops.map((l) => l.loop.id) } } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array(4).fill(['READY', 1]));
    for (const { loop } of loops) expect(await outputsOf(loop.id)).toEqual(['loop.gif', 'loop.mp4', 'loop.webp', 'poster.jpg']);
  }, 90_000);
});

describe.skipIf(skipWithout('redis', 'BullMQ retries'))('the worker with 2 attempts per job', () => {
  beforeAll(async () => {
    stack = await startStack({ media: true, worker: false, env: { WORKER_ATTEMPTS: '2' } });
    db = createDb(stack.env.DATABASE_URL!);
    events = await recordLoopEvents(stack.env.REDIS_URL!, stack.env.REDIS_PREFIX!);
    gql = graphqlClient(stack.gatewayUrl);
    user = await signUpUser(gql, `retries_${Date.now().toString(36)}`);
    frames = await makeJpegFrames(3, 320, 240);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });
  afterAll(async () => {
    events?.close();
    await db?.$disconnect();
    await stack?.stop();
  });

  it('retries a transient failure (2 attempts) and ends READY with one set of outputs', async () => {
    const { loop } = await uploadAndCreate(gql, user.token, frames);
    let failures = 0;
    const storage = faultyStorage(stack.storage(), {
      put: (real) => async (key, ...rest) => {
        if (key === outputKeys(loop.id).mp4 && failures++ === 0) throw new Error('injected: S3 hiccup');
        await real(key, ...rest);
      },
    });
    worker = await startWorker(stack, {}, storage);
    const statuses = await events.waitFor(loop.id, 'READY');
    expect(failures).toBe(2); // the failed put, then the one that went through
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'PROCESSING', 'READY']);
    const row = await db.loop.findUniqueOrThrow({ where: { id: loop.id } });
    expect(row).toMatchObject({ status: 'READY', attempts: 2, error: null });
    expect(await outputsOf(loop.id)).toEqual(['loop.gif', 'loop.mp4', 'loop.webp', 'poster.jpg']);
  });
});
