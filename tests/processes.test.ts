// Each process as its own OS process (`node --import tsx <entry>`), as Docker and Kubernetes run
// them: a configuration mistake stops it with one line naming the variable, and SIGTERM shuts
// it down cleanly (exit code 0, a log line saying so, in-flight requests completed).
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../subgraphs/media/src/local-s3.ts';
import { composeSupergraphFile } from './support/gateway-services.ts';
import { skipWithout } from './support/needs.ts';
import { freePort, spawnEntry, waitForHttp, type LogLine, type ServiceProcess } from './support/processes.ts';

const USERS = 'subgraphs/users/src/main.ts';
const GATEWAY = 'gateway/src/main.ts';
const MEDIA = 'subgraphs/media/src/main.ts';
const WORKER = 'subgraphs/media/src/worker/main.ts';
const POSTS = 'subgraphs/posts/src/main.ts';
const SOCIAL = 'subgraphs/social/src/main.ts';

/** The run's database and Redis (tests/global-setup.ts), info logs, and nothing else chosen for us. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'fffoto-test:'}proc-${Math.random().toString(36).slice(2, 8)}:`,
  };
  for (const name of ['GATEWAY_INTROSPECTION', 'SUPERGRAPH_FILE', 'SUBGRAPH_URLS', 'JWT_PRIVATE_KEY']) delete env[name];
  return { ...env, ...extra };
}

const started: ServiceProcess[] = [];
const cleanups: Array<() => unknown> = [];
function spawnService(entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const proc = spawnEntry(entry, env);
  started.push(proc);
  return proc;
}
afterEach(async () => {
  for (const proc of started.splice(0)) await proc.kill();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const EXIT_WAIT_MS = 30_000;
const isShuttingDown = (service: string) => (l: LogLine) =>
  l.msg === 'shutting down' && l.level === 30 && l.service === service && l.signal === 'SIGTERM';

async function startUsersProcess(): Promise<{ proc: ServiceProcess; port: number; url: string }> {
  const port = await freePort();
  const proc = spawnService(USERS, baseEnv({ USERS_PORT: String(port) }));
  await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
  return { proc, port, url: `http://127.0.0.1:${port}/graphql` };
}

/** SIGTERM, then: exit code 0, no signal death, and an info line about shutting down. */
async function expectGracefulStop(proc: ServiceProcess, service: string, port: number): Promise<void> {
  expect(proc.child.kill('SIGTERM')).toBe(true);
  const exit = await proc.waitForExit(EXIT_WAIT_MS);
  expect(exit, proc.stderr()).toEqual({ code: 0, signal: null });
  expect(proc.logs().filter(isShuttingDown(service)), proc.stdout()).toHaveLength(1);
  // Nothing logged an error while stopping, and nothing crashed on stderr (Node's process
  // warnings, such as the AWS SDK's notice about Node 20, are not errors).
  expect(proc.logs().filter((l) => l.level >= 50), proc.stdout()).toEqual([]);
  expect(proc.stderr()).not.toMatch(/Error|Unhandled|\n\s+at /);
  // The port is let go.
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
}

describe('a configuration mistake stops the process with one line naming the variable', () => {
  it.each<{ name: string; entry: string; env: () => NodeJS.ProcessEnv; variable: string }>([
    {
      name: 'users without DATABASE_URL',
      entry: USERS,
      env: () => {
        const env = baseEnv();
        delete env.DATABASE_URL;
        return env;
      },
      variable: 'DATABASE_URL',
    },
    { name: 'users with DATABASE_URL=not-a-url', entry: USERS, env: () => baseEnv({ DATABASE_URL: 'not-a-url' }), variable: 'DATABASE_URL' },
    { name: 'users with USERS_PORT=70000', entry: USERS, env: () => baseEnv({ USERS_PORT: '70000' }), variable: 'USERS_PORT' },
    { name: 'gateway with GATEWAY_PORT=abc', entry: GATEWAY, env: () => baseEnv({ GATEWAY_PORT: 'abc' }), variable: 'GATEWAY_PORT' },
    { name: 'gateway with JWKS_URL=nope', entry: GATEWAY, env: () => baseEnv({ JWKS_URL: 'nope' }), variable: 'JWKS_URL' },
    { name: 'media with REDIS_URL=http://x', entry: MEDIA, env: () => baseEnv({ REDIS_URL: 'http://x' }), variable: 'REDIS_URL' },
    { name: 'media worker with WORKER_CONCURRENCY=0', entry: WORKER, env: () => baseEnv({ WORKER_CONCURRENCY: '0' }), variable: 'WORKER_CONCURRENCY' },
    { name: 'posts with MEDIA_URL=nope', entry: POSTS, env: () => baseEnv({ MEDIA_URL: 'nope' }), variable: 'MEDIA_URL' },
    { name: 'social with SOCIAL_PORT=abc', entry: SOCIAL, env: () => baseEnv({ SOCIAL_PORT: 'abc' }), variable: 'SOCIAL_PORT' },
  ])('$name', async ({ entry, env, variable }) => {
    const proc = spawnService(entry, env());
    const exit = await proc.waitForExit(EXIT_WAIT_MS);
    expect(exit, proc.stderr()).toEqual({ code: 1, signal: null });
    const lines = proc.stderr().trimEnd().split('\n');
    expect(lines, proc.stderr()).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^config: ${variable} is `));
    // It stopped before starting: nothing reported ready.
    expect(proc.logs().filter((l) => /ready/.test(l.msg ?? ''))).toEqual([]);
  });
});

describe('SIGTERM shuts each process down gracefully', () => {
  it('users subgraph', async () => {
    const { proc, port } = await startUsersProcess();
    expect(proc.logs().some((l) => l.msg === 'users subgraph ready')).toBe(true);
    await expectGracefulStop(proc, 'users', port);
  });

  it('gateway (on a given SUPERGRAPH_FILE, routed to the users process)', async () => {
    const users = await startUsersProcess();
    const supergraph = composeSupergraphFile(['users']);
    cleanups.push(() => supergraph.remove());
    const port = await freePort();
    const gateway = spawnService(
      GATEWAY,
      baseEnv({
        GATEWAY_PORT: String(port),
        SUPERGRAPH_FILE: supergraph.file,
        SUBGRAPH_URLS: `users=${users.url}`,
        JWKS_URL: `http://127.0.0.1:${users.port}/.well-known/jwks.json`,
      }),
    );
    await waitForHttp(`http://127.0.0.1:${port}/health`, gateway);
    // It really serves the supergraph through the users process before being stopped.
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready', subgraphs: { users: 'up' } });
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ searchUsers(query: "nobody-by-this-name") { id } }' }),
    });
    expect(await res.json()).toEqual({ data: { searchUsers: [] } });

    await expectGracefulStop(gateway, 'gateway', port);
    await expectGracefulStop(users.proc, 'users', users.port);
  });

  async function s3Env(): Promise<NodeJS.ProcessEnv> {
    const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-proc-s3-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const s3: LocalS3 = await startLocalS3({ directory: dir, bucket: 'fffoto-proc' });
    cleanups.push(() => s3.stop());
    return {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: 'fffoto-proc',
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    };
  }

  it('media subgraph (with S3, and Redis when the run has it)', async () => {
    const port = await freePort();
    const proc = spawnService(MEDIA, baseEnv({ ...(await s3Env()), MEDIA_PORT: String(port) }));
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    await expectGracefulStop(proc, 'media', port);
  });

  // Each consumes its events (Redis Streams when the run has Redis) and relays its outbox until stopped.
  it.each([
    { service: 'posts', entry: POSTS, portVar: 'POSTS_PORT' },
    { service: 'social', entry: SOCIAL, portVar: 'SOCIAL_PORT' },
  ])('$service subgraph', async ({ service, entry, portVar }) => {
    const port = await freePort();
    const proc = spawnService(entry, baseEnv({ [portVar]: String(port) }));
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    expect(proc.logs().some((l) => l.msg === `${service} subgraph ready`), proc.stdout()).toBe(true);
    await expectGracefulStop(proc, service, port);
  });

  it.skipIf(skipWithout('redis', 'the media worker process (it consumes the Redis queue)'))('media worker', async () => {
    const port = await freePort();
    const proc = spawnService(WORKER, baseEnv({ ...(await s3Env()), WORKER_HEALTH_PORT: String(port) }));
    await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    await expectGracefulStop(proc, 'media-worker', port);
  });
});

describe('shutdown completes requests in flight', () => {
  it('a request the server has accepted before SIGTERM is answered, then the process exits 0', async () => {
    const { proc, port } = await startUsersProcess();
    const body = JSON.stringify({ query: '{ __typename searchUsers(query: "in-flight") { id } }' });

    // `Expect: 100-continue` makes the server confirm it holds the request before we send the
    // body; the body is sent only once the process has logged that it is shutting down.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      req.on('continue', () => {
        proc.child.kill('SIGTERM');
        proc.waitForLog(isShuttingDown('users')).then(() => req.end(body), reject);
      });
      req.flushHeaders();
    });

    const res = await answer;
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ data: { __typename: 'Query', searchUsers: [] } });
    const exit = await proc.waitForExit(EXIT_WAIT_MS);
    expect(exit, proc.stderr()).toEqual({ code: 0, signal: null });
  });
});
