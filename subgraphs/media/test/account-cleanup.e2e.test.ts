// Account deletion is durable across a media outage: the account is deleted while the media
// subgraph is stopped; when media starts again it deletes the user's loops, uploads and their
// S3 objects (and nobody else's). The event travels users outbox → Redis stream → media's group.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHandle } from '@fffoto/shared/server';
import { createDb, type Db } from '@fffoto/shared/db';
import { graphqlClient, ok } from '../../../tests/support/client.ts';
import {
  composeSupergraphFile, once, serviceEnv, startGatewayService, startUsersService, type SupergraphFile, type UsersService,
} from '../../../tests/support/gateway-services.ts';
import { putAll, requestUpload, signUpUser } from '../../../tests/support/media.ts';
import { skipWithout } from '../../../tests/support/needs.ts';
import { CreateLoopDocument, DeleteAccountDocument } from '../../../tests/generated/graphql.ts';
import { startMedia } from '../src/app.ts';
import { loadMediaConfig } from '../src/config.ts';
import { startLocalS3, type LocalS3 } from '../src/local-s3.ts';
import { createStorage } from '../src/runtime.ts';
import type { ObjectStorage } from '../src/storage.ts';
import { makeJpegFrames } from './support/frames.ts';

const u = Date.now().toString(36).slice(-6);

describe.skipIf(skipWithout('redis', 'account cleanup after a media outage (Redis stream consumer groups)'))('account deletion while media is down', () => {
  let dir: string;
  let s3: LocalS3;
  let env: NodeJS.ProcessEnv;
  let usersSvc: UsersService;
  let gateway: ServiceHandle;
  let supergraph: SupergraphFile;
  let storage: ObjectStorage;
  let db: Db;
  const handles: ServiceHandle[] = [];

  const startMediaService = async () => {
    const h = once(await startMedia(loadMediaConfig({ ...env, MEDIA_PORT: String(mediaPort) })));
    handles.push(h);
    return h;
  };
  let mediaPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'fffoto-s3-'));
    s3 = await startLocalS3({ directory: dir, bucket: 'fffoto-test' });
    env = serviceEnv({
      S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_BUCKET: 'fffoto-test', S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_FORCE_PATH_STYLE: 'true',
    });
    usersSvc = await startUsersService(env);
    env.JWKS_URL = usersSvc.jwksUrl;
    const media = await startMediaService();
    mediaPort = media.port; // the restarted media listens where the gateway routes
    supergraph = composeSupergraphFile(['users', 'media']);
    gateway = await startGatewayService(env, supergraph.file, { users: usersSvc.url, media: media.url });
    storage = createStorage(loadMediaConfig(env));
    db = createDb(env.DATABASE_URL!);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    for (const h of handles) await h.stop();
    await usersSvc?.stop();
    storage?.destroy();
    await db?.$disconnect();
    await s3?.stop();
    supergraph?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cleans up the loops, uploads and S3 objects when media is back', async () => {
    const gql = graphqlClient(gateway.url);
    const frames = await makeJpegFrames(3, 64, 64);
    const owner = await signUpUser(gql, `leaver_${u}`);
    const bystander = await signUpUser(gql, `stayer_${u}`);
    const made: Record<string, { uploadId: string; loopId: string }> = {};
    for (const [name, who] of Object.entries({ owner, bystander })) {
      const upload = await requestUpload(gql, who.token, 3, 'image/jpeg', 'FRAMES', frames.map((f) => f.length));
      await putAll(upload.parts, frames);
      const loop = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id } }, who.token)).createLoop;
      // Stand-ins for the encoder's outputs (no worker runs here).
      await storage.put(`loops/${loop.id}/loop.mp4`, Buffer.from('mp4'), 'video/mp4');
      made[name] = { uploadId: upload.id, loopId: loop.id };
    }
    const objects = async (userId: string, loopId: string) =>
      (await storage.list(`uploads/${userId}/`)).length + (await storage.list(`loops/${loopId}/`)).length;
    expect(await objects(owner.id, made.owner!.loopId)).toBe(4);

    await handles[0]!.stop(); // media is down
    expect(ok(await gql(DeleteAccountDocument, { password: 'long enough password' }, owner.token)).deleteAccount).toBe(true);
    // The event left the outbox while media was down ...
    await waitFor(async () => (await db.accountEvent.count({ where: { payload: { path: ['userId'], equals: owner.id }, publishedAt: { not: null } } })) === 1);
    // ... and nothing was deleted yet.
    expect(await db.loop.count({ where: { ownerId: owner.id } })).toBe(1);
    expect(await objects(owner.id, made.owner!.loopId)).toBe(4);

    await startMediaService();
    await waitFor(async () => (await db.loop.count({ where: { ownerId: owner.id } })) === 0);
    expect(await db.upload.count({ where: { ownerId: owner.id } })).toBe(0);
    expect(await objects(owner.id, made.owner!.loopId)).toBe(0);
    // Someone else's media is untouched.
    expect(await db.loop.count({ where: { ownerId: bystander.id } })).toBe(1);
    expect(await objects(bystander.id, made.bystander!.loopId)).toBe(4);
  }, 60_000);
});

async function waitFor(cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
