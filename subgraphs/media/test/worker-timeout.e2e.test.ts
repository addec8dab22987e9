// A job that runs past WORKER_JOB_TIMEOUT_MS ends FAILED with a reason, and the loop's prefix is
// emptied — including what an earlier attempt left there. The encode is held (an ffmpeg that
// never finishes), so the timeout is reached however fast the machine is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { graphqlClient } from '../../../tests/support/client.ts';
import { signUpUser, uploadAndCreate, waitForLoop } from '../../../tests/support/media.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { outputKeys } from '../src/limits.ts';
import { makeJpegFrames } from './support/frames.ts';
import { heldFfmpeg } from './support/held-ffmpeg.ts';
import { jobFinished, outputsLeft, startWorker } from './support/worker.ts';

// Before anything in this process resolves ffmpeg (ffmpeg.ts caches its choice).
const held = heldFfmpeg();
process.env.FFMPEG_PATH = held.path;

describe.skipIf(skipWithout('redis', 'the BullMQ worker timeout'))('a job past its timeout', () => {
  let stack: Stack;
  let worker: ServiceHandle | undefined;
  beforeAll(async () => {
    // Attempts are the enqueuer's setting (BullMQ stores them on the job), so the stack's.
    stack = await startStack({ media: true, worker: false, env: { WORKER_ATTEMPTS: '1' } });
  });
  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
    held.cleanup();
  });

  it('ends FAILED with a reason and no outputs, even ones an earlier attempt wrote', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const user = await signUpUser(gql, `slow_${Date.now().toString(36)}`);
    const { loop } = await uploadAndCreate(gql, user.token, await makeJpegFrames(3, 320, 240));
    // What an attempt that died after one write leaves behind; the listing below can see it.
    await stack.storage().put(outputKeys(loop.id).webp, Buffer.from('partial'), 'image/webp');
    expect((await stack.storage().list(`loops/${loop.id}/`)).map((o) => o.key)).toEqual([outputKeys(loop.id).webp]);

    worker = await startWorker(stack, { WORKER_JOB_TIMEOUT_MS: '1000' });
    const failed = await waitForLoop(gql, loop.id, undefined, 30_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('Encoding took too long and was stopped.');
    expect([failed.mp4Url, failed.webpUrl, failed.gifUrl, failed.posterUrl]).toEqual([null, null, null, null]);
    expect(await jobFinished(stack, loop.id)).toBe('failed');
    expect(await outputsLeft(stack, loop.id)).toEqual([]);
  });
});
