// The heart of the product, end to end through the gateway: presigned upload → PUT real JPEG
// frames with fetch → createLoop → worker (BullMQ on real Redis) → READY → check every output
// with ffprobe and sharp; every status change published on Redis.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from '../../../tests/support/client.ts';
import { download, signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { CreateLoopDocument, EffectsDocument } from '../../../tests/generated/graphql.ts';
import { probe } from '../src/ffmpeg.ts';
import { dailyTheme } from '../src/pipeline/index.ts';
import { makeJpegFrames } from './support/frames.ts';
import { recordLoopEvents, type LoopEvents } from './support/loop-events.ts';
import { encodeQueue } from './support/worker.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let user: { token: string; id: string };
let events: LoopEvents;

beforeAll(async () => {
  stack = await startStack({ media: true, worker: true });
  gql = graphqlClient(stack.gatewayUrl);
  user = await signUpUser(gql, `looper_${Date.now().toString(36)}`);
  // Listen where the gateway will: the Redis channels of the loopUpdated subscription.
  events = await recordLoopEvents(stack.env.REDIS_URL!, stack.env.REDIS_PREFIX!);
});
afterAll(async () => {
  events?.close();
  await stack?.stop();
});

describe.skipIf(skipWithout('redis', 'the loop flow through BullMQ and Redis events'))('upload → loop', () => {
  it('encodes a 5-frame BOUNCE burst into MP4, WebP, GIF and a poster', async () => {
    const frames = await makeJpegFrames(5, 1440, 1080);
    // The queue is held while createLoop runs twice, so the second call meets a PENDING loop
    // (the case where it re-enqueues) whatever the worker's speed.
    const queue = encodeQueue(stack);
    await queue.pause();
    let created: Awaited<ReturnType<typeof uploadAndCreate>>['loop'];
    try {
      const made = await uploadAndCreate(gql, user.token, frames, { mode: 'BOUNCE', effect: 'SOLO', fps: 10 });
      const { upload } = made;
      created = made.loop;
      expect(created.status).toBe('PENDING');
      expect(created.owner.id).toBe(user.id);

      // Same upload again: same loop, nothing queued twice.
      const again = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token)).createLoop;
      expect(again.id).toBe(created.id);
      expect(again.status).toBe('PENDING');
      expect(await queue.jobsFor(created.id)).toHaveLength(1);
    } finally {
      await queue.resume();
      await queue.close();
    }

    const loop = await waitForLoop(gql, created.id, undefined, 45_000);
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

    // Exactly one encode: one PROCESSING, one READY (waited for: the poll above may see READY first).
    expect(await events.waitFor(created.id, 'READY', 10_000)).toEqual(['PENDING', 'PROCESSING', 'READY']);
  });

  it('plays FORWARD and REVERSE with one frame per input frame', async () => {
    const frames = await makeJpegFrames(4, 640, 640);
    const forward = await uploadAndCreate(gql, user.token, frames, { mode: 'FORWARD', fps: 4 });
    const reverse = await uploadAndCreate(gql, user.token, frames, { mode: 'REVERSE', fps: 4, effect: 'DAZE' });
    const [f, r] = await Promise.all([waitForLoop(gql, forward.loop.id, undefined, 45_000), waitForLoop(gql, reverse.loop.id, undefined, 45_000)]);
    expect(f).toMatchObject({ status: 'READY', frameCount: 4, durationMs: 1000 });
    expect(r).toMatchObject({ status: 'READY', frameCount: 4, durationMs: 1000, effect: 'DAZE' });
    expect((await probe(await download(f.mp4Url!), { countFrames: true })).frames).toBe(4);
  });

  it('lists the effects with today’s DAILY theme', async () => {
    const effects = ok(await gql(EffectsDocument, {})).effects;
    expect(effects.map((e) => e.effect)).toEqual(['NONE', 'DAZE', 'SOLO', 'DAILY']);
    // Today's theme by UTC day (either side of a midnight falling during the request).
    const before = dailyTheme(new Date());
    const after = dailyTheme(new Date(Date.now() + 5_000));
    const daily = effects[3]!;
    expect(['Ice Cream', 'Shapes', 'Autumn', 'Nightmare']).toContain(daily.name);
    expect([before.name, after.name]).toContain(daily.name);
    const theme = daily.name === before.name ? before : after;
    expect(daily.description).toContain(theme.description);
  });
});
