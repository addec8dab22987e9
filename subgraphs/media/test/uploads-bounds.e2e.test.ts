// Bounded upload storage (issue 6, finding 4): parts bounded by S3 itself (signed
// Content-Length), requestUpload rate-limited per user, abandoned uploads swept after their
// lifetime, unsigned x-amz-* headers refused. Through the gateway and the SigV4-checking S3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { errorCode, graphqlClient, ok } from '../../../tests/support/client.ts';
import { putAll, putPart, requestUpload, signUpUser } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { CreateLoopDocument, RequestUploadDocument } from '../../../tests/generated/graphql.ts';
import { partKey } from '../src/limits.ts';

const LIMIT = Math.round(0.05 * 1024 * 1024); // MEDIA_MAX_FRAME_MB=0.05
const LIFETIME_SECONDS = 3;
let stack: Stack;
let gql: ReturnType<typeof graphqlClient>;
let db: Db;
const u = Date.now().toString(36);
const part = (n: number, fill = 0xab) => Buffer.alloc(n, fill);

beforeAll(async () => {
  stack = await startStack({
    media: true,
    env: {
      MEDIA_MAX_FRAME_MB: '0.05',
      UPLOAD_REQUIRE_PART_SIZES: 'true',
      UPLOAD_LIFETIME_SECONDS: String(LIFETIME_SECONDS),
      UPLOAD_SWEEP_INTERVAL_SECONDS: '0.5',
    },
  });
  gql = graphqlClient(stack.gatewayUrl);
  db = createDb(stack.env.DATABASE_URL!);
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

describe('part sizes', () => {
  it('S3 itself refuses a part over the size it was signed for (and stores nothing)', async () => {
    const user = await signUpUser(gql, `big_${u}`);
    const upload = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', [LIMIT, 10, 10]);
    expect(upload.parts[0]!.headers).toContainEqual({ name: 'Content-Length', value: String(LIMIT) });
    // A client that ignores the given Content-Length and sends one byte over the limit.
    const res = await putPart(upload.parts[0]!, part(LIMIT + 1), { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(403);
    expect(await stack.storage().head(partKey(user.id, upload.id, 0))).toBeNull();
    // The exact size goes through.
    expect((await putPart(upload.parts[0]!, part(LIMIT))).status).toBe(200);
  });

  it('refuses sizes over the limit, missing or miscounted before signing anything', async () => {
    const user = await signUpUser(gql, `sizes_${u}`);
    const ask = (partSizes?: number[]) =>
      gql(RequestUploadDocument, { input: { kind: 'FRAMES', count: 3, contentType: 'image/jpeg', partSizes } }, user.token);
    const over = await ask([10, LIMIT + 1, 10]);
    expect(errorCode(over)).toBe('PAYLOAD_TOO_LARGE');
    expect(over.errors?.[0]?.extensions?.field).toBe('partSizes');
    expect(errorCode(await ask(undefined))).toBe('BAD_USER_INPUT'); // UPLOAD_REQUIRE_PART_SIZES=true
    expect(errorCode(await ask([10, 10]))).toBe('BAD_USER_INPUT');
    expect(errorCode(await ask([10, 0, 10]))).toBe('BAD_USER_INPUT');
    expect(await db.upload.count({ where: { ownerId: user.id } })).toBe(0);
  });

  it('refuses an x-amz-acl header the part URL was not signed for', async () => {
    const user = await signUpUser(gql, `acl_${u}`);
    const upload = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', [10, 10, 10]);
    const sent = Object.fromEntries(upload.parts[0]!.headers.map((h) => [h.name, h.value]));
    const res = await putPart(upload.parts[0]!, part(10), { ...sent, 'x-amz-acl': 'public-read' });
    expect(res.status).toBe(403);
    expect(await stack.storage().head(partKey(user.id, upload.id, 0))).toBeNull();
  });
});

describe('requestUpload rate limit', () => {
  it('answers the 301st call in a window RATE_LIMITED with retryAfterSeconds', async () => {
    const user = await signUpUser(gql, `flood_${u}`);
    const input = { kind: 'FRAMES' as const, count: 3, contentType: 'image/jpeg', partSizes: [10, 10, 10] };
    for (let batch = 0; batch < 300 / 20; batch++) {
      const results = await Promise.all(Array.from({ length: 20 }, () => gql(RequestUploadDocument, { input }, user.token)));
      for (const r of results) ok(r);
    }
    const refused = await gql(RequestUploadDocument, { input }, user.token);
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Another user is not affected.
    const other = await signUpUser(gql, `calm_${u}`);
    ok(await gql(RequestUploadDocument, { input }, other.token));
  });
});

describe('the sweeper', () => {
  it("deletes an abandoned upload's parts after its lifetime and leaves a used one alone", async () => {
    const user = await signUpUser(gql, `sweep_${u}`);
    const bodies = [part(100, 1), part(100, 2), part(100, 3)];
    const sizes = bodies.map((b) => b.length);
    const abandoned = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', sizes);
    const used = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', sizes);
    await putAll(abandoned.parts, bodies);
    await putAll(used.parts, bodies);
    ok(await gql(CreateLoopDocument, { input: { uploadId: used.id } }, user.token));

    const storage = stack.storage();
    const prefix = (id: string) => `uploads/${user.id}/${id}/`;
    const deadline = Date.now() + 20_000;
    // The sweeper deletes the parts, then the row, in one transaction: the parts are gone a
    // moment before the row's deletion commits, so both are waited for.
    const left = async () => ({
      parts: (await storage.list(prefix(abandoned.id))).length,
      row: (await db.upload.findUnique({ where: { id: abandoned.id } })) !== null,
    });
    for (let now = await left(); now.parts > 0 || now.row; now = await left()) {
      if (Date.now() > deadline) throw new Error(`the abandoned upload was never swept: ${JSON.stringify(now)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Two more sweeps' worth of time: the used upload keeps its parts and row.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await storage.list(prefix(used.id))).toHaveLength(3);
    expect(await db.upload.findUnique({ where: { id: used.id } })).not.toBeNull();
    // And the swept one can no longer become a loop.
    const late = await gql(CreateLoopDocument, { input: { uploadId: abandoned.id } }, user.token);
    expect(errorCode(late)).toBe('NOT_FOUND');
  });
});
