// A clip upload becomes a loop; Loop entities resolve in one SQL statement. (The job timeout
// is in worker-timeout.e2e.test.ts, where the encode is held so it cannot finish first.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from '../../../tests/support/client.ts';
import { download, putAll, requestUpload, signUpUser, waitForLoop } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument } from '../../../tests/generated/graphql.ts';
import { encodeMp4, probe } from '../src/ffmpeg.ts';
import { makeJpegFrames } from './support/frames.ts';

describe('with a worker', () => {
  let stack: Stack;
  let gql: ReturnType<typeof graphqlClient>;
  let user: { token: string; id: string };
  beforeAll(async () => {
    stack = await startStack({ media: true, worker: true });
    gql = graphqlClient(stack.gatewayUrl);
    user = await signUpUser(gql, `clip_${Date.now().toString(36)}`);
  });
  afterAll(() => stack?.stop());

  it('turns an uploaded MP4 clip into a loop', async () => {
    const clip = await encodeMp4(await makeJpegFrames(12, 640, 480), { fps: 12, size: 480 });
    const upload = await requestUpload(gql, user.token, 1, 'video/mp4', 'VIDEO');
    expect(upload.parts).toHaveLength(1);
    await putAll(upload.parts, [clip]);
    const created = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id, mode: 'BOUNCE', fps: 12 } }, user.token)).createLoop;
    const loop = await waitForLoop(gql, created.id, undefined, 45_000);
    expect(loop.error).toBeNull();
    expect(loop.status).toBe('READY');
    expect(loop.frameCount).toBeGreaterThanOrEqual(4);
    const info = await probe(await download(loop.mp4Url!), { countFrames: true });
    expect(info.codec).toBe('h264');
    expect(info.frames).toBe(loop.frameCount);
  });

  it('resolves 30 Loop references with one SQL statement', async () => {
    const frames = await makeJpegFrames(3, 64 * 3, 64 * 3);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const upload = await requestUpload(gql, user.token, 3);
      await putAll(upload.parts, frames);
      ids.push(ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, user.token)).createLoop.id);
    }
    const media = graphqlClient(stack.mediaUrl!);
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Loop { id status fps owner { id } } } }`;
    stack.mediaStatements.length = 0;
    const data = ok(await media<{ _entities: Array<{ id: string; owner: { id: string } } | null> }, { reps: unknown[] }>(
      query, { reps: [...ids.map((id) => ({ __typename: 'Loop', id })), { __typename: 'Loop', id: 'nope' }] },
    ));
    expect(data._entities.slice(0, 30).map((l) => l?.id)).toEqual(ids);
    expect(data._entities.every((l, i) => (i < 30 ? l?.owner.id === user.id : l === null))).toBe(true);
    expect(stack.mediaStatements).toHaveLength(1);
  });
});
