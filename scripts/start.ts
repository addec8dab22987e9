// `npm start`: the whole supergraph in one process — users, media (+ its encoder), gateway.
// Real services are used when configured (DATABASE_URL, REDIS_URL, S3_ENDPOINT); otherwise
// embedded stand-ins that are real implementations: PGlite served over the Postgres protocol,
// a local SigV4-checking S3 server, and an in-process queue and pub/sub. Data lives in .data/.
// In production each process runs on its own (see docker-compose.yml).
import { PGlite } from '@electric-sql/pglite';
import { createPgliteServer } from './pglite-server.ts';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { migrate } from '@fffoto/shared/migrate';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals, type ServiceHandle } from '@fffoto/shared/server';
import { loadGatewayConfig, startGateway } from '../gateway/src/app.ts';
import { startMedia } from '../subgraphs/media/src/app.ts';
import { loadMediaConfig } from '../subgraphs/media/src/config.ts';
import { startLocalS3 } from '../subgraphs/media/src/local-s3.ts';
import { startMediaWorker } from '../subgraphs/media/src/worker/app.ts';
import { loadUsersConfig, startUsers } from '../subgraphs/users/src/app.ts';
import { loadPostsConfig, startPosts } from '../subgraphs/posts/src/app.ts';
import { loadSocialConfig, startSocial } from '../subgraphs/social/src/app.ts';
import { listSubgraphs } from './subgraphs.ts';

/** How `npm start` starts each subgraph listed in supergraph.yaml, from the shared environment. */
const starters: Record<string, (env: NodeJS.ProcessEnv) => Promise<ServiceHandle>> = {
  users: (env) => startUsers(loadUsersConfig(env)),
  media: (env) => startMedia(loadMediaConfig(env)),
  posts: (env) => startPosts(loadPostsConfig(env)),
  social: (env) => startSocial(loadSocialConfig(env)),
};

const DATA = path.resolve(process.env.FFFOTO_DATA_DIR ?? '.data');
const log = createLogger('start');

/** A signing key kept across restarts, so development sessions survive `npm start` again. */
function devSigningKey(): string {
  const file = path.join(DATA, 'jwt-dev-key.pem');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

await runMain(async () => {
  // One process, so one /metrics (METRICS_PORT; off unless set) and one traced service.
  const observability = await startObservability('fffoto', log);
  mkdirSync(DATA, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  const stops: Array<{ stop(): Promise<void> }> = [];
  const modes: string[] = [];

  if (!env.DATABASE_URL) {
    const db = await PGlite.create(path.join(DATA, 'pglite'));
    const server = createPgliteServer({ db, port: Number(env.PGLITE_PORT ?? 54329), host: '127.0.0.1', maxConnections: 100 }); // every subgraph's pool (10 each) and the worker's, with room
    await server.start();
    env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${env.PGLITE_PORT ?? 54329}/postgres?sslmode=disable`;
    stops.push({ stop: async () => { await server.stop(); await db.close(); } });
    modes.push('PGlite (embedded Postgres)');
  } else modes.push('Postgres');
  if (!env.S3_ENDPOINT) {
    const s3 = await startLocalS3({ port: Number(env.LOCAL_S3_PORT ?? 4569), directory: path.join(DATA, 's3'), bucket: env.S3_BUCKET ?? 'fffoto' });
    Object.assign(env, {
      S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_FORCE_PATH_STYLE: 'true',
    });
    stops.push(s3);
    modes.push('local S3');
  } else modes.push('S3');
  modes.push(env.REDIS_URL ? 'Redis queue and pub/sub' : 'in-process queue and pub/sub');
  // Production must bring its own key (users refuses to start without one); never the dev key.
  if (env.NODE_ENV !== 'production') env.JWT_PRIVATE_KEY ??= devSigningKey();
  env.JWT_KEY_ID ??= 'fffoto-dev';

  const { applied } = await migrate(env.DATABASE_URL);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database up to date');

  // Every subgraph listed in supergraph.yaml, in its order (users first: it serves the JWKS
  // the others verify tokens with). A listed subgraph without a starter here stops the start.
  const subgraphs: ServiceHandle[] = [];
  const urls: string[] = [];
  for (const { name } of listSubgraphs()) {
    const start = starters[name];
    if (!start) throw new Error(`scripts/start.ts: no starter for subgraph "${name}" listed in supergraph.yaml`);
    const handle = await start(env);
    if (name === 'users') env.JWKS_URL ??= `${new URL(handle.url).origin}/.well-known/jwks.json`;
    if (name === 'users') env.USERS_URL ??= handle.url; // posts resolves @mentions there
    if (name === 'media') env.MEDIA_URL ??= handle.url; // posts checks loops there
    if (name === 'posts') env.POSTS_URL ??= handle.url; // social reads unknown posts there
    subgraphs.push(handle);
    urls.push(`${name}=${handle.url}`);
  }
  // With Redis, encodes go through BullMQ to a worker (here, in this process); without, the
  // media subgraph encodes in process.
  if (env.REDIS_URL) subgraphs.push(await startMediaWorker(loadMediaConfig(env)));
  const gateway = await startGateway(loadGatewayConfig({ ...env, SUBGRAPH_URLS: env.SUBGRAPH_URLS ?? urls.join(',') }));
  stopOnSignals(log, [gateway, ...subgraphs.reverse(), ...stops.reverse()], observability);
  log.info({ using: modes.join(', ') }, `FFFoto supergraph ready at http://localhost:${gateway.port}/graphql`);
});
