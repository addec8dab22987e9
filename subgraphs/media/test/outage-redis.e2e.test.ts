// Redis outages in media (issue 6, finding 6), against a redis-server of this test's own that
// it kills and restarts empty (--save "": a restart loses every job). Gateway, subgraphs and
// the worker all use it. Nothing may hang, nothing may be an INTERNAL_SERVER_ERROR, and no
// loop may be lost: the media process re-queues lost jobs by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { errorCode, graphqlClient, type GqlResponse } from '../../../tests/support/client.ts';
import { putAll, requestUpload, signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { startOwnRedis, type OwnRedis } from '../../../tests/support/own-redis.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, PreviewLoopDocument } from '../../../tests/generated/graphql.ts';
import { makeJpegFrames } from './support/frames.ts';

const ANSWER_WITHIN_MS = 5_000;

/** Resolves with the response, or with 'no answer' once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | 'no answer'> {
  return Promise.race([promise, new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), ms).unref())]);
}

describe.skipIf(skipWithout('redis-server', 'the Redis outage tests'))('media with Redis down', () => {
  let redis: OwnRedis;
  let stack: Stack;
  let gql: ReturnType<typeof graphqlClient>;
  let db: Db;
  const u = Date.now().toString(36);

  async function waitForStatus(id: string, status: string, timeoutMs = 40_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await db.loop.findUnique({ where: { id } }))?.status === status) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`loop ${id} never reached ${status}`);
  }

  beforeAll(async () => {
    redis = await startOwnRedis();
    stack = await startStack({
      media: true,
      worker: true,
      env: { REDIS_URL: redis.url, RECONCILE_AFTER_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '0.5' },
    });
    gql = graphqlClient(stack.gatewayUrl);
    db = createDb(stack.env.DATABASE_URL!);
  });
  afterAll(async () => {
    if (redis && !redis.running()) await redis.start().catch(() => undefined); // let clients say goodbye to a live server
    await stack?.stop();
    await db?.$disconnect();
    await redis?.kill();
  });

  it('createLoop answers SERVICE_UNAVAILABLE in time, previewLoop still works, and the loop is encoded once Redis is back', async () => {
    const user = await signUpUser(gql, `outage_${u}`);
    const frames = await makeJpegFrames(3, 320, 240);
    const upload = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', frames.map((f) => f.length));
    await putAll(upload.parts, frames);

    await redis.kill();
    const created = await within(ANSWER_WITHIN_MS, gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token));
    expect(created, 'createLoop answered before the deadline').not.toBe('no answer');
    const res = created as GqlResponse<unknown>;
    expect(errorCode(res)).toBe('SERVICE_UNAVAILABLE');
    expect(res.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    const row = await db.loop.findUniqueOrThrow({ where: { uploadId: upload.id } });
    expect(row.status).toBe('PENDING');

    const preview = await within(ANSWER_WITHIN_MS + 15_000, gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, user.token));
    expect(preview).not.toBe('no answer');
    const p = preview as GqlResponse<{ previewLoop: string }>;
    if (p.errors) expect(errorCode(p)).toBe('SERVICE_UNAVAILABLE');
    else expect(p.data?.previewLoop).toMatch(/^data:image\/webp;base64,/);

    await redis.start(); // empty: whatever was queued before is gone
    const done = await waitForLoop(gql, row.id, (s) => s === 'READY' || s === 'FAILED', 60_000);
    expect(done.status).toBe('READY');
  }, 120_000);

  it('a restart mid-encode loses no loop: both the running and the queued one end READY, no client calling again', async () => {
    const user = await signUpUser(gql, `restart_${u}`);
    // A long burst keeps the worker (concurrency 1) busy on the first loop while the second waits.
    const big = await makeJpegFrames(12, 1440, 1080);
    const { loop: first } = await uploadAndCreate(gql, user.token, big, { effect: 'DAZE' });
    const { loop: second } = await uploadAndCreate(gql, user.token, await makeJpegFrames(3, 320, 240));
    await waitForStatus(first.id, 'PROCESSING');
    expect((await db.loop.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('PENDING');

    await redis.kill();
    await redis.start(); // the second loop's job is gone with the old server's memory

    const [a, b] = await Promise.all([
      waitForLoop(gql, first.id, (s) => s === 'READY' || s === 'FAILED', 80_000),
      waitForLoop(gql, second.id, (s) => s === 'READY' || s === 'FAILED', 80_000),
    ]);
    expect([a.status, b.status]).toEqual(['READY', 'READY']);
    const outputs = (await stack.storage().list(`loops/${second.id}/`)).map((o) => o.key.split('/').pop()).sort();
    expect(outputs).toEqual(['loop.gif', 'loop.mp4', 'loop.webp', 'poster.jpg']);
  }, 180_000);
});
