// Clip uploads in each accepted container (WebM, QuickTime; MP4 is in video-entities) become
// loops, and MEDIA_MAX_VIDEO_MB is the clip's limit (not the frame limit). Clips are made here
// with ffmpeg's test source, by the same binary the worker uses.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { download, putAll, requestUpload, signUpUser, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument } from '../../../tests/generated/graphql.ts';
import { binaries, probe } from '../src/ffmpeg.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let user: { token: string; id: string };
let dir: string;

/** A clip from ffmpeg's lavfi test source, encoded with the given arguments. */
async function clip(name: string, source: string, args: string[]): Promise<Buffer> {
  const file = path.join(dir, name);
  await promisify(execFile)(binaries().ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, ...args, file]);
  return readFile(file);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fffoto-clips-'));
  // Frames may be 15 MB, clips 0.5 MB: a clip checked against the frame limit would pass.
  stack = await startStack({ media: true, worker: true, env: { MEDIA_MAX_VIDEO_MB: '0.5', MEDIA_MAX_FRAME_MB: '15' } });
  gql = graphqlClient(stack.gatewayUrl);
  user = await signUpUser(gql, `clips_${Date.now().toString(36)}`);
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('clip uploads', () => {
  it.each([
    ['WebM (VP8)', 'video/webm', 'clip.webm', ['-c:v', 'libvpx', '-b:v', '300k', '-f', 'webm']],
    ['QuickTime (H.264)', 'video/quicktime', 'clip.mov', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mov']],
  ])('turns a %s clip into a READY loop', async (_name, contentType, file, args) => {
    const body = await clip(file, 'testsrc=duration=1:size=320x240:rate=10', args);
    const upload = await requestUpload(gql, user.token, 1, contentType, 'VIDEO');
    await putAll(upload.parts, [body]);
    const created = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id, mode: 'FORWARD', fps: 10 } }, user.token)).createLoop;
    const loop = await waitForLoop(gql, created.id, undefined, 45_000);
    expect(loop.error).toBeNull();
    expect(loop.status).toBe('READY');
    expect(loop.frameCount).toBeGreaterThanOrEqual(4);
    const info = await probe(await download(loop.mp4Url!), { countFrames: true });
    expect(info.codec).toBe('h264');
    expect(info.frames).toBe(loop.frameCount);
  });

  it('refuses a clip over MEDIA_MAX_VIDEO_MB before decoding it, and discards it', async () => {
    const upload = await requestUpload(gql, user.token, 1, 'video/mp4', 'VIDEO');
    expect(upload.maxBytesPerPart).toBe(512 * 1024);
    const big = await clip('big.mp4', 'testsrc2=duration=2:size=640x480:rate=25', ['-vf', 'noise=alls=80:allf=t', '-c:v', 'libx264', '-b:v', '3M', '-f', 'mp4']);
    expect(big.length).toBeGreaterThan(512 * 1024);
    await putAll(upload.parts, [big]);
    const res = await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token);
    expect(errorCode(res)).toBe('PAYLOAD_TOO_LARGE');
    expect(res.errors?.[0]?.message).toMatch(/Part 0 is \d+\.\d MB; the limit is 0\.5 MB/);
    expect(await stack.storage().list(`uploads/${user.id}/${upload.id}/`)).toEqual([]);
  });
});
