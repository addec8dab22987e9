// Starts real subgraphs, the media worker and the gateway in this process on free ports,
// against the test run's database and Redis prefix (tests/global-setup.ts) and a local
// SigV4-checking S3 server in a temp directory. Tests talk to them over real HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '@fffoto/shared/db';
import { migrate } from '@fffoto/shared/migrate';
import { createDatabase, dropDatabase, uniqueName } from './pg-admin.ts';
import type { ServiceHandle } from '@fffoto/shared/server';
import { composeFromConfig } from '../../gateway/src/compose.ts';
import { loadGatewayConfig, startGateway } from '../../gateway/src/app.ts';
import { loadUsersConfig, startUsers } from '../../subgraphs/users/src/app.ts';
import { loadPostsConfig, startPosts } from '../../subgraphs/posts/src/app.ts';
import { loadSocialConfig, startSocial } from '../../subgraphs/social/src/app.ts';
import { startMedia } from '../../subgraphs/media/src/app.ts';
import { loadMediaConfig } from '../../subgraphs/media/src/config.ts';
import { startLocalS3, type LocalS3 } from '../../subgraphs/media/src/local-s3.ts';
import { startMediaWorker } from '../../subgraphs/media/src/worker/app.ts';
import type { ObjectStorage } from '../../subgraphs/media/src/storage.ts';
import { createStorage } from '../../subgraphs/media/src/runtime.ts';

export interface StackOptions {
  env?: NodeJS.ProcessEnv;
  media?: boolean;
  /** Run a media worker in this process (tests of a worker process start their own); with no Redis, media encodes in process instead. */
  worker?: boolean;
  /** Start the posts subgraph (after media when media is on: createPost checks loops there). */
  posts?: boolean;
  /** Start the social subgraph (after posts when posts is on: it reads unknown posts there). */
  social?: boolean;
  /** Lets a test put something (a recording proxy) between the gateway and a subgraph. */
  routeVia?: (name: string, url: string) => Promise<string>;
}

export interface Stack {
  gatewayUrl: string;
  usersUrl: string;
  mediaUrl?: string;
  /** The users subgraph's database client; `statements` counts what it sends. */
  usersDb: Db;
  statements: string[];
  /** SQL statements the media subgraph sent (not its worker). */
  mediaStatements: string[];
  postsUrl?: string;
  /** SQL statements the posts subgraph sent. */
  postsStatements: string[];
  socialUrl?: string;
  /** The social subgraph's database client (tests seed its own tables); `socialStatements` counts what it sends. */
  socialDb?: Db;
  socialStatements: string[];
  /** The environment the media processes were started with (S3 endpoint, Redis prefix, ...). */
  env: NodeJS.ProcessEnv;
  s3?: LocalS3;
  /** A client of the stack's S3 bucket, to look at what the services wrote. */
  storage(): ObjectStorage;
  /** The environment the gateway was started with: another gateway process on the same subgraphs. */
  gatewayEnv: NodeJS.ProcessEnv;
  /** Stops the social subgraph and starts it again on the same port (a subgraph restart). */
  restartSocial(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // Each stack gets its own Redis prefix (under the run's), so one test file's worker never
  // takes another file's jobs.
  const redisPrefix = `${process.env.REDIS_PREFIX ?? 'fffoto-test:'}${Math.random().toString(36).slice(2, 8)}:`;
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    REDIS_PREFIX: redisPrefix,
    // Many tests upload without declaring sizes on purpose, to reach the checks behind S3's own
    // bound (createLoop's HEAD and the worker's re-check); uploads-bounds.e2e runs the default.
    UPLOAD_REQUIRE_PART_SIZES: 'false',
    ...options.env,
  };
  const handles: ServiceHandle[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  let dropOwnDatabase: (() => Promise<void>) | undefined;
  // Keyed on the stack's own environment (not the test run's probe): benchmarks set REDIS_URL
  // and DATABASE_URL themselves and must get the database they seeded.
  if (!base.REDIS_URL && !options.env?.DATABASE_URL) {
    // Without Redis, media runs the embedded in-process queue, which (as after an `npm start`
    // restart) takes up every unfinished loop of its database: stacks sharing the run's
    // database would encode each other's loops. Each gets a migrated database of its own.
    const name = uniqueName('fffoto_stack');
    base.DATABASE_URL = await createDatabase(name);
    await migrate(base.DATABASE_URL);
    dropOwnDatabase = () => dropDatabase(name);
  }
  const statements: string[] = [];
  const mediaStatements: string[] = [];
  const usersDb = createDb(base.DATABASE_URL!, { onQuery: (sql) => statements.push(sql) });
  cleanups.push(() => usersDb.$disconnect());

  const users = await startUsers(loadUsersConfig({ ...base, USERS_PORT: '0' }), { db: usersDb });
  handles.unshift(users);
  const jwksUrl = `${new URL(users.url).origin}/.well-known/jwks.json`;
  const env: NodeJS.ProcessEnv = { ...base, JWKS_URL: jwksUrl };
  /** The subgraphs this stack runs, by name, and where each listens. */
  const subgraphUrls: Record<string, string> = { users: users.url };
  let s3: LocalS3 | undefined;
  let media: ServiceHandle | undefined;

  if (options.media) {
    const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-s3-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    s3 = await startLocalS3({ directory: dir, bucket: 'fffoto-test' });
    cleanups.unshift(() => s3!.stop());
    Object.assign(env, {
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: 'fffoto-test',
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    const mediaDb = createDb(env.DATABASE_URL!, { onQuery: (sql) => mediaStatements.push(sql) });
    cleanups.push(() => mediaDb.$disconnect());
    media = await startMedia(loadMediaConfig({ ...env, MEDIA_PORT: '0' }), { db: mediaDb });
    handles.unshift(media);
    subgraphUrls.media = media.url;
    // Without Redis (tests/global-setup.ts found none) the media subgraph encodes in process,
    // as under `npm start`: there is no queue for a worker to consume.
    if (options.worker && env.REDIS_URL) handles.unshift(await startMediaWorker(loadMediaConfig({ ...env, WORKER_HEALTH_PORT: '0' })));
  }

  const postsStatements: string[] = [];
  if (options.posts) {
    const postsDb = createDb(env.DATABASE_URL!, { onQuery: (sql) => postsStatements.push(sql) });
    cleanups.push(() => postsDb.$disconnect());
    const posts = await startPosts(
      loadPostsConfig({ ...env, POSTS_PORT: '0', USERS_URL: users.url, MEDIA_URL: media?.url ?? 'http://127.0.0.1:9/graphql' }),
      { db: postsDb },
    );
    handles.unshift(posts);
    subgraphUrls.posts = posts.url;
  }

  const socialStatements: string[] = [];
  let socialDb: Db | undefined;
  let restartSocial = async (): Promise<void> => {
    throw new Error('this stack has no social subgraph');
  };
  if (options.social) {
    const db = (socialDb = createDb(env.DATABASE_URL!, { onQuery: (sql) => socialStatements.push(sql) }));
    cleanups.push(() => db.$disconnect());
    const start = (port: number) =>
      startSocial(
        loadSocialConfig({ ...env, SOCIAL_PORT: String(port), USERS_URL: users.url, POSTS_URL: subgraphUrls.posts ?? 'http://127.0.0.1:9/graphql' }),
        { db },
      );
    let social = await start(0);
    const handle: ServiceHandle = { ...social, stop: () => social.stop() };
    handles.unshift(handle);
    subgraphUrls.social = social.url;
    restartSocial = async () => {
      await social.stop();
      social = await start(social.port);
    };
  }

  // Compose just the subgraphs this stack runs, so the gateway's /ready is honest.
  const running = new Set(Object.keys(subgraphUrls));
  const supergraphFile = path.join(mkdtempSync(path.join(tmpdir(), 'fffoto-sg-')), 'supergraph.graphql');
  writeFileSync(supergraphFile, composeFromConfig(path.resolve('supergraph.yaml'), running).supergraphSdl);
  cleanups.push(() => rmSync(path.dirname(supergraphFile), { recursive: true, force: true }));
  const routes = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => `${name}=${options.routeVia ? await options.routeVia(name, url) : url}`),
  );
  const gatewayEnv = { ...env, SUPERGRAPH_FILE: supergraphFile, SUBGRAPH_URLS: routes.join(',') };
  const gateway = await startGateway(loadGatewayConfig({ ...gatewayEnv, GATEWAY_PORT: '0' }));
  handles.unshift(gateway);
  let storage: ObjectStorage | undefined;
  cleanups.push(() => storage?.destroy());

  return {
    gatewayUrl: gateway.url,
    usersUrl: users.url,
    mediaUrl: media?.url,
    usersDb,
    statements,
    mediaStatements,
    postsUrl: subgraphUrls.posts,
    postsStatements,
    socialUrl: subgraphUrls.social,
    socialDb,
    socialStatements,
    env,
    gatewayEnv,
    restartSocial,
    s3,
    storage: () => {
      storage ??= createStorage(loadMediaConfig(env));
      return storage;
    },
    async stop() {
      for (const h of handles) await h.stop();
      for (const c of cleanups) await c();
      await dropOwnDatabase?.();
    },
  };
}
