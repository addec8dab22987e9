// The whole supergraph as real OS processes (`node --import tsx <entry>`, as containers run
// them): users, media, posts, social, the media worker (when the run has Redis) and the gateway,
// on free ports, with the given environment on top (OTEL_*, METRICS_PORT is set per process
// here). S3 is a local SigV4-checking server in this process. Without Redis, media encodes in
// its own process (the in-process queue), on a database of this stack's own: that queue takes
// up every unfinished loop of its database, so it must not share the run's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrate } from '@fffoto/shared/migrate';
import { startLocalS3 } from '../../subgraphs/media/src/local-s3.ts';
import { composeSupergraphFile } from './gateway-services.ts';
import { createDatabase, dropDatabase, uniqueName } from './pg-admin.ts';
import { freePort, spawnEntry, waitForHttp, type ServiceProcess } from './processes.ts';

export const ENTRIES = {
  users: 'subgraphs/users/src/main.ts',
  media: 'subgraphs/media/src/main.ts',
  posts: 'subgraphs/posts/src/main.ts',
  social: 'subgraphs/social/src/main.ts',
  'media-worker': 'subgraphs/media/src/worker/main.ts',
  gateway: 'gateway/src/main.ts',
} as const;
export type ServiceName = keyof typeof ENTRIES;

export interface RunningService {
  proc: ServiceProcess;
  /** Where the service answers (its /graphql, or the worker's /health). */
  url: string;
  /** Its GET /metrics. */
  metricsUrl: string;
}

export interface ProcessStack {
  services: Partial<Record<ServiceName, RunningService>>;
  gatewayUrl: string;
  stop(): Promise<void>;
}

export async function startProcessStack(extra: NodeJS.ProcessEnv = {}): Promise<ProcessStack> {
  const cleanups: Array<() => unknown> = [];
  const services: ProcessStack['services'] = {};
  const stop = async () => {
    for (const s of Object.values(services).reverse()) await s.proc.kill();
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'fffoto-test:'}ps-${Math.random().toString(36).slice(2, 8)}:`,
      ...extra,
    };
    for (const name of ['GATEWAY_INTROSPECTION', 'SUPERGRAPH_FILE', 'SUBGRAPH_URLS', 'JWT_PRIVATE_KEY', 'METRICS_PORT']) delete env[name];
    if (!env.REDIS_URL) {
      const db = uniqueName('fffoto_procs');
      env.DATABASE_URL = await createDatabase(db);
      cleanups.push(() => dropDatabase(db));
      await migrate(env.DATABASE_URL);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-ps-s3-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const s3 = await startLocalS3({ directory: dir, bucket: 'fffoto-ps' });
    cleanups.push(() => s3.stop());
    Object.assign(env, {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: 'fffoto-ps',
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });

    // Ports first, so every process can be told where the others are and all start at once.
    const ports = async () => ({ port: await freePort(), metrics: await freePort() });
    const at: Record<ServiceName, { port: number; metrics: number }> = {
      users: await ports(), media: await ports(), posts: await ports(), social: await ports(), 'media-worker': await ports(), gateway: await ports(),
    };
    const url = (name: ServiceName) => `http://127.0.0.1:${at[name].port}/graphql`;
    Object.assign(env, { JWKS_URL: `http://127.0.0.1:${at.users.port}/.well-known/jwks.json`, USERS_URL: url('users'), MEDIA_URL: url('media'), POSTS_URL: url('posts') });
    const supergraph = composeSupergraphFile(['users', 'media', 'posts', 'social']);
    cleanups.push(() => supergraph.remove());
    const own: Record<ServiceName, NodeJS.ProcessEnv> = {
      users: { USERS_PORT: String(at.users.port) },
      media: { MEDIA_PORT: String(at.media.port) },
      posts: { POSTS_PORT: String(at.posts.port) },
      social: { SOCIAL_PORT: String(at.social.port) },
      'media-worker': { WORKER_HEALTH_PORT: String(at['media-worker'].port) },
      gateway: {
        GATEWAY_PORT: String(at.gateway.port),
        HOST: '127.0.0.1',
        SUPERGRAPH_FILE: supergraph.file,
        SUBGRAPH_URLS: (['users', 'media', 'posts', 'social'] as const).map((n) => `${n}=${url(n)}`).join(','),
      },
    };
    // The worker consumes the Redis queue; without Redis, media encodes in its own process.
    const names = (Object.keys(ENTRIES) as ServiceName[]).filter((n) => n !== 'media-worker' || env.REDIS_URL);
    for (const name of names) {
      const proc = spawnEntry(ENTRIES[name], { ...env, ...own[name], METRICS_PORT: String(at[name].metrics) });
      const base = `http://127.0.0.1:${at[name].port}`;
      services[name] = { proc, url: name === 'media-worker' ? `${base}/health` : `${base}/graphql`, metricsUrl: `http://127.0.0.1:${at[name].metrics}/metrics` };
    }
    await Promise.all(names.map((name) => waitForHttp(`http://127.0.0.1:${at[name].port}/health`, services[name]!.proc, 120_000)));
    const gatewayUrl = url('gateway');
    return { services, gatewayUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
