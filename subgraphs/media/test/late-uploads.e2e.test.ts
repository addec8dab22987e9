// A presigned URL handed out before deleteAccount still works after the account cleanup ran
// (S3 cannot revoke it), so the cleanup records a purge due once every such URL has expired,
// and the media process's periodic sweeper deletes uploads/<userId>/ again then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import { graphqlClient, ok } from '../../../tests/support/client.ts';
import { putPart, requestUpload, signUpUser } from '../../../tests/support/media.ts';
import { startStack, type Stack } from '../../../tests/support/stack.ts';
import { DeleteAccountDocument } from '../../../tests/generated/graphql.ts';
import { PURGE_MARGIN_SECONDS } from '../src/account-cleanup.ts';
import { sweepDuePurges } from '../src/sweeper.ts';
import { makeJpegFrames } from './support/frames.ts';

const TTL = 120;
let stack: Stack;
let db: Db;

describe('uploads through URLs handed out before deleteAccount', () => {
  beforeAll(async () => {
    stack = await startStack({ media: true, env: { UPLOAD_URL_TTL_SECONDS: String(TTL), UPLOAD_SWEEP_INTERVAL_SECONDS: '0.2' } });
    db = createDb(stack.env.DATABASE_URL!);
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
  });

  it('lands after the cleanup, and the sweeper deletes it once the purge is due', async () => {
    const gql = graphqlClient(stack.gatewayUrl);
    const [frame] = await makeJpegFrames(1, 64, 64);
    const user = await signUpUser(gql, `late_${Date.now().toString(36)}`);
    const upload = await requestUpload(gql, user.token, 3, 'image/jpeg', 'FRAMES', [frame!.length, frame!.length, frame!.length]);
    const askedAt = Date.now();

    expect(ok(await gql(DeleteAccountDocument, { password: 'long enough password' }, user.token)).deleteAccount).toBe(true);
    await waitFor(async () => (await db.mediaPurge.count({ where: { userId: user.id } })) === 1);
    expect(await db.upload.count({ where: { ownerId: user.id } })).toBe(0);
    const purge = await db.mediaPurge.findUniqueOrThrow({ where: { userId: user.id } });
    // Due only after every URL handed out before the deletion has expired (plus the margin).
    expect(purge.purgeAfter.getTime()).toBeGreaterThanOrEqual(askedAt + (TTL + PURGE_MARGIN_SECONDS) * 1000);

    // S3 accepts the old URL: the object lands under the deleted user's prefix, after the cleanup.
    expect((await putPart(upload.parts[0]!, frame!)).status).toBe(200);
    const prefix = `uploads/${user.id}/`;
    expect(await stack.storage().list(prefix)).toHaveLength(1);

    // Not yet due: a sweep leaves it alone ...
    await sweepDuePurges(db, stack.storage());
    expect(await stack.storage().list(prefix)).toHaveLength(1);
    expect(await db.mediaPurge.count({ where: { userId: user.id } })).toBe(1);
    // ... time passes (the URLs expire): the media process's next sweep deletes the prefix, then the purge.
    await db.mediaPurge.update({ where: { userId: user.id }, data: { purgeAfter: new Date(Date.now() - 1000) } });
    await waitFor(async () => (await db.mediaPurge.count({ where: { userId: user.id } })) === 0);
    expect(await stack.storage().list(prefix)).toEqual([]);
  }, 60_000);
});

async function waitFor(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
