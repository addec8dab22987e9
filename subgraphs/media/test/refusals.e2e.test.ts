// Bad uploads are refused with a clear code and lose nothing; bad bytes end as FAILED loops
// with a reason. Through the gateway, real S3 server (SigV4 checked), real worker.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { putAll, putPart, requestUpload, signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { redisAvailable } from '../../../tests/support/needs.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, LoopByIdDocument, PreviewLoopDocument, RequestUploadDocument } from '../../../tests/generated/graphql.ts';
import { createDb, type Db } from '@fffoto/shared/db';
import { outputKeys } from '../src/limits.ts';
import { makeJpegFrames } from './support/frames.ts';
import { encodeQueue, jobFinished, outputsLeft } from './support/worker.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let alice: { token: string; id: string };
let bob: { token: string; id: string };
let frames: Buffer[];
let db: Db;
const u = Date.now().toString(36);

beforeAll(async () => {
  // Small limits so "oversize" and "rate limit" need little data and few calls.
  stack = await startStack({ media: true, worker: true, env: { MEDIA_MAX_FRAME_MB: '0.5', PREVIEW_PER_MINUTE: '3' } });
  gql = graphqlClient(stack.gatewayUrl);
  alice = await signUpUser(gql, `alice_${u}`);
  bob = await signUpUser(gql, `bob_${u}`);
  frames = await makeJpegFrames(3, 320, 240);
  db = createDb(stack.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

const storage = () => stack.storage();

describe('requestUpload', () => {
  it.each([
    ['unauthenticated', { kind: 'FRAMES', count: 5, contentType: 'image/jpeg' }, false, 'UNAUTHENTICATED'],
    ['2 frames', { kind: 'FRAMES', count: 2, contentType: 'image/jpeg' }, true, 'BAD_USER_INPUT'],
    ['21 frames', { kind: 'FRAMES', count: 21, contentType: 'image/jpeg' }, true, 'BAD_USER_INPUT'],
    ['two clips', { kind: 'VIDEO', count: 2, contentType: 'video/mp4' }, true, 'BAD_USER_INPUT'],
    ['a gif as frames', { kind: 'FRAMES', count: 5, contentType: 'image/gif' }, true, 'BAD_USER_INPUT'],
    ['an image as video', { kind: 'VIDEO', count: 1, contentType: 'image/jpeg' }, true, 'BAD_USER_INPUT'],
  ] as const)('refuses %s', async (_name, input, signedIn, code) => {
    const res = await gql(RequestUploadDocument, { input }, signedIn ? alice.token : undefined);
    expect(errorCode(res)).toBe(code);
  });

  it('hands out URLs the S3 server holds to their signature, type and path', async () => {
    const upload = await requestUpload(gql, alice.token, 3);
    const [part] = upload.parts;
    expect(part!.method).toBe('PUT');
    expect(part!.headers).toEqual([{ name: 'Content-Type', value: 'image/jpeg' }]);
    expect(part!.url).toContain(`uploads/${alice.id}/${upload.id}/`);

    const tampered = part!.url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered, { method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, body: new Uint8Array(frames[0]!) })).status, 'tampered signature').toBe(403);
    expect((await putPart(part!, frames[0]!, { 'Content-Type': 'image/png' })).status, 'other content type').toBe(403);
    const otherPath = part!.url.replace(`uploads/${alice.id}/`, `uploads/${bob.id}/`);
    expect((await fetch(otherPath, { method: 'PUT', headers: { 'Content-Type': 'image/jpeg' }, body: new Uint8Array(frames[0]!) })).status, 'other path').toBe(403);
    // Nothing was written by the refused PUTs.
    expect(await storage().list(`uploads/${alice.id}/${upload.id}/`)).toEqual([]);
    expect(await storage().list(`uploads/${bob.id}/`)).toEqual([]);
  });
});

describe('createLoop', () => {
  it('refuses someone else’s upload (FORBIDDEN) and an unknown one (NOT_FOUND)', async () => {
    const upload = await requestUpload(gql, alice.token, 3);
    await putAll(upload.parts, frames);
    expect(errorCode(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, bob.token))).toBe('FORBIDDEN');
    expect(errorCode(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await gql(CreateLoopDocument, { input: { uploadId: '00000000-0000-4000-8000-000000000000' } }, alice.token))).toBe('NOT_FOUND');
    expect(errorCode(await gql(CreateLoopDocument, { input: { uploadId: 'nonsense' } }, alice.token))).toBe('NOT_FOUND');
  });

  it.each([1, 31])('refuses fps %i', async (fps) => {
    const upload = await requestUpload(gql, alice.token, 3);
    expect(errorCode(await gql(CreateLoopDocument, { input: { uploadId: upload.id, fps } }, alice.token))).toBe('BAD_USER_INPUT');
  });

  it('refuses an upload with a part missing, and accepts it once complete', async () => {
    const upload = await requestUpload(gql, alice.token, 3);
    await putAll(upload.parts.slice(0, 2), frames);
    const res = await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, alice.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/Part 2 was not uploaded/);
    await putAll(upload.parts.slice(2), frames.slice(2));
    expect(ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, alice.token)).createLoop.status).toBe('PENDING');
  });

  it('refuses an oversize object before decoding anything, and discards it', async () => {
    const upload = await requestUpload(gql, alice.token, 3);
    expect(upload.maxBytesPerPart).toBe(512 * 1024);
    const big = await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg({ quality: 100 }).toBuffer();
    expect(big.length).toBeGreaterThan(512 * 1024);
    await putAll(upload.parts, [frames[0]!, big, frames[2]!]);
    const res = await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, alice.token);
    expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
    expect(res.errors?.[0]?.message).toMatch(/Part 1 is .* MB; the limit is 0\.5 MB/);
    expect(await storage().list(`uploads/${alice.id}/${upload.id}/`)).toEqual([]);
  });

  it('a text file named .jpg ends FAILED with a readable reason and no outputs', async () => {
    const text = Buffer.from('this is not a picture, just some text pretending to be one\n'.repeat(20));
    const expectFailed = async (loopId: string) => {
      const failed = await waitForLoop(gql, loopId, undefined, 45_000);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(/frame 2|part 1/i);
      expect(failed.error).toMatch(/text|not .*image/i);
      expect([failed.mp4Url, failed.webpUrl, failed.gifUrl, failed.posterUrl]).toEqual([null, null, null, null]);
    };
    if (!redisAvailable()) {
      // The in-process queue cannot be held, so no leftover can be planted before it runs;
      // the leftover case runs with BullMQ (Redis), as in CI.
      const { loop } = await uploadAndCreate(gql, alice.token, [frames[0]!, text, frames[2]!]);
      await expectFailed(loop.id);
      return;
    }
    // Held in the queue while an earlier attempt's leftover is put where outputs go, so the
    // listing below has something to see unless the failure clears it.
    const queue = encodeQueue(stack);
    await queue.pause();
    try {
      const { loop } = await uploadAndCreate(gql, alice.token, [frames[0]!, text, frames[2]!]);
      await storage().put(outputKeys(loop.id).poster, frames[0]!, 'image/jpeg');
      expect((await storage().list(`loops/${loop.id}/`)).map((o) => o.key)).toEqual([outputKeys(loop.id).poster]);
      await queue.resume();
      await expectFailed(loop.id);
      expect(await jobFinished(stack, loop.id)).toBe('failed');
      expect(await outputsLeft(stack, loop.id)).toEqual([]);
    } finally {
      await queue.resume();
      await queue.close();
    }
  });

  it('refuses an upload requested more than 24 h ago (BAD_USER_INPUT on uploadId), not one just inside', async () => {
    const hours24 = 24 * 3600 * 1000;
    const aged = async (ageMs: number) => {
      const upload = await requestUpload(gql, alice.token, 3);
      await putAll(upload.parts, frames);
      await db.upload.update({ where: { id: upload.id }, data: { createdAt: new Date(Date.now() - ageMs) } });
      return gql(CreateLoopDocument, { input: { uploadId: upload.id } }, alice.token);
    };
    const old = await aged(hours24 + 60_000);
    expect(errorCode(old)).toBe('BAD_USER_INPUT');
    expect(old.errors?.[0]?.extensions?.field).toBe('uploadId');
    expect(old.errors?.[0]?.message).toMatch(/expired/);
    expect(ok(await aged(hours24 - 60_000)).createLoop.status).toBe('PENDING');
  });

  it('a loop can be read by anyone, but its outputs only exist once READY', async () => {
    const { loop } = await uploadAndCreate(gql, alice.token, frames);
    expect(loop.mp4Url).toBeNull();
    const read = ok(await gql(LoopByIdDocument, { id: loop.id }, bob.token)).loop;
    expect(read?.id).toBe(loop.id);
    expect(ok(await gql(LoopByIdDocument, { id: 'nope' })).loop).toBeNull();
  });
});

describe('previewLoop', () => {
  it('returns a small animated WebP data URL, then rate-limits', async () => {
    const upload = await requestUpload(gql, bob.token, 3);
    await putAll(upload.parts, frames);
    const url = ok(await gql(PreviewLoopDocument, { input: { uploadId: upload.id, effect: 'SOLO' } }, bob.token)).previewLoop;
    expect(url).toMatch(/^data:image\/webp;base64,/);
    const meta = await sharp(Buffer.from(url.split(',')[1]!, 'base64'), { animated: true }).metadata();
    expect(meta.width).toBe(240);
    expect(meta.pages).toBe(4); // BOUNCE of 3 frames
    expect(errorCode(await gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, alice.token))).toBe('FORBIDDEN');
    ok(await gql(PreviewLoopDocument, { input: { uploadId: upload.id, effect: 'DAZE' } }, bob.token));
    ok(await gql(PreviewLoopDocument, { input: { uploadId: upload.id, effect: 'DAILY' } }, bob.token));
    const limited = await gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, bob.token);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('an expired upload URL', () => {
  let short: Stack;
  afterAll(() => short?.stop());

  it('is refused by the S3 server once its expiry has passed', async () => {
    short = await startStack({ media: true, env: { UPLOAD_URL_TTL_SECONDS: '1' } });
    const client = graphqlClient(short.gatewayUrl);
    const carol = await signUpUser(client, `carol_${u}`);
    const upload = await requestUpload(client, carol.token, 3);
    expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(1_000);
    await new Promise((r) => setTimeout(r, 2_100));
    const res = await putPart(upload.parts[0]!, frames[0]!);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/i);
    expect(errorCode(await client(CreateLoopDocument, { input: { uploadId: upload.id } }, carol.token))).toBe('BAD_USER_INPUT');
  });
});
