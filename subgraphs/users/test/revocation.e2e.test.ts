// Revocation reaches every service within seconds: after logOut, refresh-token reuse detection
// and deleteAccount, the old access token is refused at the gateway, at media (requestUpload,
// createLoop — no row — and previewLoop) and at users (updateProfile), each subgraph called
// straight too, with reason 'revoked'. Revocations travel through Redis (each service has its
// own store instance here, so nothing is shared in memory).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlClient, ok, type GqlResponse } from '../../../tests/support/client.ts';
import { putAll, requestUpload } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import {
  CreateLoopDocument, DeleteAccountDocument, LogInDocument, LogOutDocument, PreviewLoopDocument,
  RefreshSessionDocument, RequestUploadDocument, SignUpDocument, UpdateProfileDocument,
} from '../../../tests/generated/graphql.ts';
import { makeJpegFrames } from '../../media/test/support/frames.ts';

let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let users: ReturnType<typeof graphqlClient>;
let media: ReturnType<typeof graphqlClient>;
let frames: Buffer[];
const u = Date.now().toString(36).slice(-6);
const password = 'long enough password';

beforeAll(async () => {
  stack = await startStack({ media: true });
  gql = graphqlClient(stack.gatewayUrl);
  users = graphqlClient(stack.usersUrl);
  media = graphqlClient(stack.mediaUrl!);
  frames = await makeJpegFrames(3, 64, 64);
}, 60_000);
afterAll(() => stack?.stop());

const reason = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.reason;

/** Retries `check` until it passes or `ms` runs out (revocations may take up to a cache period). */
async function eventually(check: () => Promise<void>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const uploadInput = { kind: 'FRAMES' as const, count: 3, contentType: 'image/jpeg' };

/** An uploaded upload, made while the token still works: createLoop on it would create a row. */
async function readyUpload(token: string) {
  const upload = await requestUpload(gql, token, 3);
  await putAll(upload.parts, frames);
  return upload.id;
}

async function expectRefusedEverywhere(token: string, uploadId: string) {
  // Within seconds: the subgraphs refuse it because it is revoked (not for another reason).
  await eventually(async () => {
    const res = await users(UpdateProfileDocument, { input: { bio: 'still here?' } }, token);
    expect(reason(res)).toBe('revoked');
  });
  await eventually(async () => {
    expect(reason(await media(RequestUploadDocument, { input: uploadInput }, token))).toBe('revoked');
  });
  // Through the gateway, every operation that needs the viewer.
  const results = {
    updateProfile: await gql(UpdateProfileDocument, { input: { bio: 'x' } }, token),
    requestUpload: await gql(RequestUploadDocument, { input: uploadInput }, token),
    createLoop: await gql(CreateLoopDocument, { input: { uploadId } }, token),
    previewLoop: await gql(PreviewLoopDocument, { input: { uploadId } }, token),
  };
  for (const [op, res] of Object.entries(results)) {
    expect(errorCode(res), `${op}: ${JSON.stringify(res.errors)}`).toBe('UNAUTHENTICATED');
    expect(res.data ?? null, op).toBeNull();
  }
  expect(await stack.usersDb.loop.count({ where: { uploadId } })).toBe(0);
  // Straight to media as well.
  const createLoopId = 'mutation ($input: CreateLoopInput!) { createLoop(input: $input) { id } }';
  expect(reason(await media(createLoopId, { input: { uploadId } }, token))).toBe('revoked');
  expect(reason(await media(PreviewLoopDocument, { input: { uploadId } }, token))).toBe('revoked');
  expect(await stack.usersDb.loop.count({ where: { uploadId } })).toBe(0);
}

describe('revoked access tokens', () => {
  it('after logOut', async () => {
    const s = ok(await gql(SignUpDocument, { input: { handle: `out_${u}`, email: `out_${u}@example.com`, password } })).signUp;
    const uploadId = await readyUpload(s.accessToken);
    // Control: the token works at media right now.
    ok(await media(RequestUploadDocument, { input: uploadInput }, s.accessToken));
    expect(ok(await gql(LogOutDocument, { token: s.refreshToken })).logOut).toBe(true);
    await expectRefusedEverywhere(s.accessToken, uploadId);
    // Another session of the same user is untouched.
    const other = ok(await gql(LogInDocument, { input: { login: `out_${u}`, password } })).logIn;
    ok(await gql(RequestUploadDocument, { input: uploadInput }, other.accessToken));
  });

  it('after refresh-token reuse detection: every access token of the family', async () => {
    const s = ok(await gql(SignUpDocument, { input: { handle: `reuse_${u}`, email: `reuse_${u}@example.com`, password } })).signUp;
    const uploadId = await readyUpload(s.accessToken);
    const next = ok(await gql(RefreshSessionDocument, { token: s.refreshToken })).refreshSession;
    ok(await media(RequestUploadDocument, { input: uploadInput }, next.accessToken));
    // Past the grace window (moved in the database: no waiting), the spent token comes back.
    await stack.usersDb.refreshToken.update({
      where: { tokenHash: createHash('sha256').update(s.refreshToken).digest('hex') },
      data: { rotatedAt: new Date(Date.now() - 60_000) },
    });
    expect(errorCode(await gql(RefreshSessionDocument, { token: s.refreshToken }))).toBe('UNAUTHENTICATED');
    await expectRefusedEverywhere(next.accessToken, uploadId);
    await expectRefusedEverywhere(s.accessToken, uploadId);
  });

  it('after deleteAccount', async () => {
    const s = ok(await gql(SignUpDocument, { input: { handle: `del_${u}`, email: `del_${u}@example.com`, password } })).signUp;
    const uploadId = await readyUpload(s.accessToken);
    ok(await media(RequestUploadDocument, { input: uploadInput }, s.accessToken));
    expect(ok(await gql(DeleteAccountDocument, { password }, s.accessToken)).deleteAccount).toBe(true);
    await expectRefusedEverywhere(s.accessToken, uploadId);
  });
});
