// The README's start command in embedded mode — no DATABASE_URL, REDIS_URL or S3 — as a real
// process: PGlite over the Postgres protocol, the local S3 server, the in-process queue. A
// newcomer's whole first session: sign up, upload a burst, get a READY loop, stop, start again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphqlClient, ok } from './support/client.ts';
import { download, signUpUser, uploadAndCreate, waitForLoop } from './support/media.ts';
import { freePort, spawnEntry, type ServiceProcess } from './support/processes.ts';
import { LogInDocument, MeDocument } from './generated/graphql.ts';
import { makeJpegFrames } from '../subgraphs/media/test/support/frames.ts';
import { liveClient } from './support/live-client.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'fffoto-start-'));
const running: ServiceProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

async function embeddedEnv(): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_URL|REDIS_URL|REDIS_PREFIX|S3_|JWT_|JWKS_URL|SUBGRAPH_URLS)/.test(name)) delete env[name];
  }
  const [gateway, users, media, pg, s3] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return {
    ...env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    FFFOTO_DATA_DIR: dataDir,
    GATEWAY_PORT: String(gateway),
    USERS_PORT: String(users),
    MEDIA_PORT: String(media),
    POSTS_PORT: String(await freePort()),
    PGLITE_PORT: String(pg),
    LOCAL_S3_PORT: String(s3),
  };
}

async function start(env: NodeJS.ProcessEnv) {
  const proc = spawnEntry('scripts/start.ts', env);
  running.push(proc);
  const ready = await proc.waitForLog((l) => /supergraph ready/.test(l.msg ?? ''), 120_000);
  return { proc, ready, gql: graphqlClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`) };
}

describe('npm start with nothing configured', () => {
  it('runs the whole flow on embedded stand-ins, keeps data across restarts, and stops cleanly', async () => {
    const env = await embeddedEnv();
    const first = await start(env);
    expect(first.ready.using).toBe('PGlite (embedded Postgres), local S3, in-process queue and pub/sub');
    const res = await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/ready`);
    expect(res.status).toBe(200);

    const handle = `newcomer_${Date.now().toString(36)}`;
    const user = await signUpUser(first.gql, handle);
    const { loop } = await uploadAndCreate(first.gql, user.token, await makeJpegFrames(4, 640, 480), { effect: 'DAZE' });
    // Live updates with nothing installed: the same graphql-ws endpoint, in-process pub/sub.
    const live = liveClient(`http://127.0.0.1:${env.GATEWAY_PORT}/graphql`, user.token);
    const updates = live.subscribe<{ loopUpdated: { status: string } }>('subscription ($id: ID!) { loopUpdated(id: $id) { status } }', { id: loop.id });
    const ready = await waitForLoop(first.gql, loop.id);
    expect(ready).toMatchObject({ status: 'READY', frameCount: 6, error: null });
    for (let i = 0; updates.results.at(-1)?.data?.loopUpdated.status !== 'READY'; i++) await updates.nth(i);
    const post = ok(await first.gql<{ createPost: { id: string } }, unknown>('mutation ($i: CreatePostInput!) { createPost(input: $i) { id } }', { i: { loopId: loop.id } }, user.token)).createPost;
    const likes = live.subscribe<{ likeAdded: { user: { handle: string } } }>('subscription ($p: ID!) { likeAdded(postId: $p) { user { handle } post { likeCount } } }', { p: post.id });
    await live.settled();
    const fan = await signUpUser(first.gql, `fan_${Date.now().toString(36)}`);
    ok(await first.gql('mutation ($p: ID!) { likePost(postId: $p) { likeCount } }', { p: post.id }, fan.token));
    expect((await likes.nth(0)).data).toMatchObject({ likeAdded: { post: { likeCount: 1 } } });
    await live.dispose();
    expect((await download(ready.webpUrl!)).subarray(8, 12).toString()).toBe('WEBP');

    first.proc.child.kill('SIGTERM');
    expect((await first.proc.waitForExit(30_000)).code).toBe(0);

    // Same data directory: the account, the loop and the signing key are still there.
    const second = await start(env);
    expect(ok(await second.gql(MeDocument, {}, user.token)).me?.handle).toBe(handle);
    ok(await second.gql(LogInDocument, { input: { login: handle, password: 'long enough password' } }));
    expect((await waitForLoop(second.gql, loop.id)).status).toBe('READY');
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.waitForExit(30_000)).code).toBe(0);
  }, 240_000); // two cold starts of the whole supergraph on PGlite; slow on a loaded machine
});
