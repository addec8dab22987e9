// Clips too heavy to decode in a request: refused from the probe with their size (previewLoop
// and the full encode alike), and a preview that runs out of time answers SERVICE_UNAVAILABLE.
// ffmpeg is held (never finishes a run with an input; ffprobe is real), so whatever reaches
// frame extraction hits the preview deadline or the job timeout — a refusal must come first.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { putAll, requestUpload, signUpUser, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, PreviewLoopDocument } from '../../../tests/generated/graphql.ts';
import { heldFfmpeg, realFfmpeg } from './support/held-ffmpeg.ts';

const REAL_FFMPEG = realFfmpeg(); // before FFMPEG_PATH points at the held one
const held = heldFfmpeg();
process.env.FFMPEG_PATH = held.path;

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let user: { token: string; id: string };
let dir: string;

/** A short H.264 clip of one colour: few bytes whatever its size in pixels. */
async function clip(width: number, height: number): Promise<Buffer> {
  const file = path.join(dir, `${width}x${height}.mp4`);
  await promisify(execFile)(REAL_FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=blue:s=${width}x${height}:r=10`,
    '-t', '0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file]);
  return readFile(file);
}

async function uploadClip(body: Buffer) {
  const upload = await requestUpload(gql, user.token, 1, 'video/mp4', 'VIDEO', [body.length]);
  await putAll(upload.parts, [body]);
  return upload;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fffoto-heavy-clips-'));
  stack = await startStack({
    media: true,
    worker: true,
    // Room for a probe on a busy machine; the timeout case holds ffmpeg, so it still times out.
    env: { PREVIEW_TIMEOUT_MS: '6000', WORKER_ATTEMPTS: '1', WORKER_JOB_TIMEOUT_MS: '3000' },
  });
  gql = graphqlClient(stack.gatewayUrl);
  user = await signUpUser(gql, `heavy_${Date.now().toString(36)}`);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  held.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const TOO_WIDE = 'the clip is 4112×64 px; clips may be at most 4096 px on a side';

describe('heavy clips', () => {
  it('previewLoop refuses a clip over the size limit up front: BAD_USER_INPUT with its size', async () => {
    const upload = await uploadClip(await clip(4112, 64));
    const res = await gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, user.token);
    expect(res.errors?.[0]?.message).toBe(TOO_WIDE);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('the full encode refuses it too: FAILED with the same reason', async () => {
    const upload = await uploadClip(await clip(4112, 64));
    const loop = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token)).createLoop;
    const done = await waitForLoop(gql, loop.id, undefined, 20_000);
    expect(done).toMatchObject({ status: 'FAILED', error: TOO_WIDE });
  }, 30_000);

  it('a preview past its deadline answers SERVICE_UNAVAILABLE with retryAfterSeconds', async () => {
    const upload = await uploadClip(await clip(64, 64));
    const res = await gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, user.token);
    expect(res.data?.previewLoop ?? null).toBeNull();
    expect(errorCode(res)).toBe('SERVICE_UNAVAILABLE');
    expect(res.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  }, 20_000);
});
