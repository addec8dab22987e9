/**
 * The real systems the worker-level parts of the encode bench run against, all private to one
 * run: a local SigV4-checking S3 server in a temp directory, a fresh Postgres database
 * `fffoto_bench_encode_<ms>_<hex>` migrated with the project's migrations, and a Redis key and
 * channel prefix `fffoto-bench-encode-<id>:`. `close()` removes all three (the database with
 * DROP ... WITH (FORCE), the Redis keys by SCAN + UNLINK) and is safe to call more than once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db, Effect } from '@fffoto/shared/db';
import { migrate } from '../../packages/shared/src/migrate.ts';
import { loadMediaConfig, type MediaConfig } from '../../subgraphs/media/src/config.ts';
import { partKey } from '../../subgraphs/media/src/limits.ts';
import { startLocalS3 } from '../../subgraphs/media/src/local-s3.ts';
import type { ObjectStorage } from '../../subgraphs/media/src/storage.ts';
import { createDatabase, dropDatabase, dropStaleDatabases, uniqueName } from '../../tests/support/pg-admin.ts';
import { deleteKeysWithPrefix } from '../../tests/support/redis-admin.ts';

export const BENCH_DB_PREFIX = 'fffoto_bench_encode';

export interface BenchEnv {
  /** Environment for loadMediaConfig: DATABASE_URL, REDIS_*, S3_*, quiet logs. */
  env: NodeJS.ProcessEnv;
  dbName: string;
  redisUrl: string;
  redisPrefix: string;
  config(extra?: NodeJS.ProcessEnv): MediaConfig;
  close(): Promise<string[]>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const steps: Array<{ what: string; run: () => Promise<unknown> }> = [];
  let closing: Promise<string[]> | undefined;
  const close = () => {
    // Reverse order of setup; every step runs even if an earlier one fails. Returns what was done.
    closing ??= (async () => {
      const done: string[] = [];
      for (const step of [...steps].reverse()) {
        try {
          done.push(`${step.what}${String((await step.run()) ?? '')}`);
        } catch (err) {
          done.push(`${step.what} FAILED: ${(err as Error).message}`);
        }
      }
      return done;
    })();
    return closing;
  };

  try {
    // Leftovers of a bench run that was killed (SIGKILL) more than 6 h ago; young ones may be running.
    await dropStaleDatabases([BENCH_DB_PREFIX]);
    const dbName = uniqueName(BENCH_DB_PREFIX);
    const databaseUrl = await createDatabase(dbName);
    steps.push({ what: `dropped database ${dbName}`, run: () => dropDatabase(dbName) });
    await migrate(databaseUrl);

    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redisPrefix = `fffoto-bench-encode-${Date.now()}-${randomBytes(3).toString('hex')}:`;
    steps.push({ what: `deleted Redis keys ${redisPrefix}*: `, run: () => deleteKeysWithPrefix(redisUrl, redisPrefix) });

    const dir = await mkdtemp(join(tmpdir(), 'fffoto-bench-s3-'));
    steps.push({ what: `removed ${dir}`, run: () => rm(dir, { recursive: true, force: true }) });
    const bucket = 'fffoto-bench';
    const s3 = await startLocalS3({ directory: dir, bucket });
    steps.push({ what: 'stopped local S3', run: () => s3.stop() });

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      WORKER_HEALTH_PORT: '0',
    };
    // Outputs are read back through the bench's own server, never a public CDN setting.
    delete env.S3_PUBLIC_BASE_URL;
    delete env.S3_PUBLIC_ENDPOINT;
    return {
      env,
      dbName,
      redisUrl,
      redisPrefix,
      config: (extra = {}) => loadMediaConfig({ ...env, ...extra }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}


/**
 * What requestUpload + the client's PUTs + createLoop leave behind, minus the HTTP: an upload
 * row, its parts in S3 at the keys the worker reads, and a PENDING loop row. Not timed.
 */
export async function seedLoop(
  db: Db, storage: ObjectStorage, frames: Buffer[], effect: Effect = 'NONE',
): Promise<{ loopId: string; partKeys: string[] }> {
  const ownerId = randomUUID();
  const upload = await db.upload.create({
    data: { ownerId, kind: 'FRAMES', partCount: frames.length, contentType: 'image/jpeg', expiresAt: new Date(Date.now() + 600_000) },
  });
  const partKeys = frames.map((_, i) => partKey(ownerId, upload.id, i));
  await Promise.all(frames.map((f, i) => storage.put(partKeys[i]!, f, 'image/jpeg')));
  const loop = await db.loop.create({
    data: { ownerId, uploadId: upload.id, mode: 'BOUNCE', effect, fps: 10, effectDay: new Date(new Date().toISOString().slice(0, 10)) },
  });
  return { loopId: loop.id, partKeys };
}
