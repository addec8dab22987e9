// The heart of the product, end to end through the gateway: presigned upload → PUT real JPEG
// frames with fetch → createLoop → worker (BullMQ on real Redis) → READY → check every output
// with ffprobe and sharp; every status change published on Redis.
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from '../../../tests/support/client.ts';
import { download, signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, EffectsDocument } from '../../../tests/generated/graphql.ts';
import { probe } from '../src/ffmpeg.ts';
import { makeJpegFrames } from './support/frames.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let user: { token: string; id: string };
let events: Redis;
const published: Array<{ id: string; status: string }> = [];

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true });
  gql = graphqlClient(stack.gatewayUrl);
  user = await signUpUser(gql, `looper_${Date.now().toString(36)}`);
  // Listen where the gateway will: the Redis channels of the loopUpdated subscription.
  events = new Redis(process.env.REDIS_URL!);
  await events.psubscribe(`${stack.env.REDIS_PREFIX}loop-updated:*`);
  events.on('pmessage', (_p, _c, message) => {
    const { loopUpdated } = JSON.parse(message) as { loopUpdated: { id: string; status: string } };
    published.push({ id: loopUpdated.id, status: loopUpdated.status });
  });
});
afterAll(async () => {
  events?.disconnect();
  await stack?.stop();
});

describe('upload → loop', () => {
  it('encodes a 5-frame BOUNCE burst into MP4, WebP, GIF and a poster', async () => {
    const frames = await makeJpegFrames(5, 1440, 1080);
    const { upload, loop: created } = await uploadAndCreate(gql, user.token, frames, { mode: 'BOUNCE', effect: 'SOLO', fps: 10 });
    expect(created.status).toBe('PENDING');
    expect(created.owner.id).toBe(user.id);

    // Same upload again: same loop, nothing queued twice.
    const again = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token)).createLoop;
    expect(again.id).toBe(created.id);

    const loop = await waitForLoop(gql, created.id);
    expect(loop.error).toBeNull();
    expect(loop).toMatchObject({ status: 'READY', frameCount: 8, width: 720, height: 720, durationMs: 800, fps: 10 });
    expect(loop.owner.handle).toMatch(/^looper_/);

    const mp4 = await download(loop.mp4Url!);
    const info = await probe(mp4, { countFrames: true });
    expect(info.codec).toBe('h264');
    expect(info.pixFmt).toBe('yuv420p');
    expect(info.frames).toBe(8); // 2n−2 for BOUNCE with n = 5
    expect(info.durationSec).toBeCloseTo(0.8, 1);
    expect([info.width, info.height]).toEqual([720, 720]);
    // +faststart: the moov box comes before mdat.
    expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat'));

    const webp = await sharp(await download(loop.webpUrl!), { animated: true }).metadata();
    expect(webp.format).toBe('webp');
    expect(webp.pages).toBe(8);
    expect(webp.loop).toBe(0);

    const gif = await sharp(await download(loop.gifUrl!), { animated: true }).metadata();
    expect(gif.format).toBe('gif');
    expect(gif.pages).toBe(8);
    expect(gif.width).toBeLessThanOrEqual(480);
    expect(gif.delay).toHaveLength(8);

    const poster = await sharp(await download(loop.posterUrl!)).metadata();
    expect(poster.format).toBe('jpeg');
    expect(poster.width).toBe(poster.height);
    expect(poster.width).toBe(1080);

    // SOLO really is black and white in what clients download.
    const { data, info: raw } = await sharp(await download(loop.posterUrl!)).raw().toBuffer({ resolveWithObject: true });
    let maxSpread = 0;
    for (let i = 0; i < data.length; i += raw.channels) {
      maxSpread = Math.max(maxSpread, Math.abs(data[i]! - data[i + 1]!), Math.abs(data[i + 1]! - data[i + 2]!));
    }
    expect(maxSpread).toBeLessThanOrEqual(6); // JPEG chroma rounding only

    const statuses = published.filter((e) => e.id === created.id).map((e) => e.status);
    expect(statuses).toEqual(['PENDING', 'PROCESSING', 'READY']);
  });

  it('plays FORWARD and REVERSE with one frame per input frame', async () => {
    const frames = await makeJpegFrames(4, 640, 640);
    const forward = await uploadAndCreate(gql, user.token, frames, { mode: 'FORWARD', fps: 4 });
    const reverse = await uploadAndCreate(gql, user.token, frames, { mode: 'REVERSE', fps: 4, effect: 'DAZE' });
    const [f, r] = await Promise.all([waitForLoop(gql, forward.loop.id), waitForLoop(gql, reverse.loop.id)]);
    expect(f).toMatchObject({ status: 'READY', frameCount: 4, durationMs: 1000 });
    expect(r).toMatchObject({ status: 'READY', frameCount: 4, durationMs: 1000, effect: 'DAZE' });
    expect((await probe(await download(f.mp4Url!), { countFrames: true })).frames).toBe(4);
  });

  it('lists the effects with today’s DAILY theme', async () => {
    const effects = ok(await gql(EffectsDocument, {})).effects;
    expect(effects.map((e) => e.effect)).toEqual(['NONE', 'DAZE', 'SOLO', 'DAILY']);
    expect(effects[3]!.name).not.toBe('DAILY');
  });
});
