// A VIDEO upload that is really an HLS playlist or an ffconcat script naming a file of the
// server: through the gateway, the real worker and the local S3 server, it must end FAILED with
// a reason (createLoop) or BAD_USER_INPUT (previewLoop), never show that file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { putAll, requestUpload, signUpUser, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, PreviewLoopDocument } from '../../../tests/generated/graphql.ts';
import { encodeMp4 } from '../src/ffmpeg.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let mallory: { token: string; id: string };
let dir: string;
let secretMp4: string; // a clip on the server's disk that no upload may reach

const REFUSED = /^the clip is not an MP4, QuickTime or WebM video \(got an (HLS playlist|ffmpeg concat script)\)$/;
const payloads: Array<[string, () => Buffer]> = [
  ['an HLS playlist', () => Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nfile://${secretMp4}\n#EXT-X-ENDLIST\n`)],
  ['an ffconcat script', () => Buffer.from(`ffconcat version 1.0\nfile '${secretMp4}'\nduration 1\n`)],
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hostile-media-e2e-'));
  const red = await Promise.all(Array.from({ length: 6 }, () =>
    sharp({ create: { width: 160, height: 120, channels: 3, background: '#ff0000' } }).jpeg().toBuffer()));
  secretMp4 = join(dir, 'secret.mp4');
  await writeFile(secretMp4, await encodeMp4(red, { fps: 10 }));
  stack = await startStack({ media: true, worker: true });
  gql = graphqlClient(stack.gatewayUrl);
  mallory = await signUpUser(gql, `mallory_${Date.now().toString(36)}`);
});
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function uploadClip(body: Buffer) {
  const upload = await requestUpload(gql, mallory.token, 1, 'video/mp4', 'VIDEO');
  await putAll(upload.parts, [body]);
  return upload;
}

describe('a VIDEO upload pointing at a file of the server', () => {
  it.each(payloads)('%s: the loop ends FAILED with a reason and no outputs', async (_name, bytes) => {
    const upload = await uploadClip(bytes());
    const loop = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, mallory.token)).createLoop;
    const done = await waitForLoop(gql, loop.id, undefined, 45_000);
    expect(done.status).toBe('FAILED');
    expect(done.error).toMatch(REFUSED);
    expect([done.mp4Url, done.webpUrl, done.gifUrl, done.posterUrl]).toEqual([null, null, null, null]);
    expect(await stack.storage().list(`loops/${loop.id}/`)).toEqual([]);
  });

  it.each(payloads)('%s: previewLoop answers BAD_USER_INPUT with the reason', async (_name, bytes) => {
    const upload = await uploadClip(bytes());
    const res = await gql(PreviewLoopDocument, { input: { uploadId: upload.id } }, mallory.token);
    expect(res.data?.previewLoop ?? null).toBeNull();
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(REFUSED);
  });
});
