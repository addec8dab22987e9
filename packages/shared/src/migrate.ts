// Applies prisma/migrations/* the way `prisma migrate deploy` does, without Prisma's schema
// engine (which cannot be downloaded on every machine we run on). It keeps Prisma's own
// bookkeeping table, lock id and checksums, so either tool can take over from the other.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyDbRoles, type DbRolesOptions } from './db-roles.ts';

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (msg: string) => void;
  /** Then (re)applies the per-subgraph database roles (db-roles.ts), so a new table is granted to its owner. */
  roles?: DbRolesOptions;
}

export class MigrationError extends Error {}

/** The lock id Prisma's schema engine takes, so Prisma and this runner exclude each other too. */
const PRISMA_ADVISORY_LOCK = 72707369;

export const defaultMigrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

// Same definition as Prisma's schema engine creates (postgres flavour).
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Prisma records the SHA-256 (hex) of the migration.sql bytes. */
export function migrationChecksum(sql: string | Buffer): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function readMigrations(dir: string): LocalMigration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrate: no migrations directory at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) // byte order, as Prisma sorts folder names
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    });
}

/** Refuses to go on past a failed or edited migration: both need a human decision. */
function checkHistory(local: LocalMigration[], rows: AppliedRow[], log: (msg: string) => void): Set<string> {
  const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `migrate: migration ${failed.migration_name} is recorded as failed (finished_at and rolled_back_at are null); ` +
        'fix the database by hand, then mark it with `prisma migrate resolve` or delete its _prisma_migrations row',
    );
  }
  const applied = new Map<string, AppliedRow>();
  for (const r of rows) if (r.finished_at !== null && r.rolled_back_at === null) applied.set(r.migration_name, r);
  const localNames = new Set(local.map((m) => m.name));
  for (const m of local) {
    const row = applied.get(m.name);
    if (row && row.checksum !== m.checksum) {
      throw new MigrationError(
        `migrate: migration ${m.name} was edited after it was applied (checksum ${row.checksum} in the database, ` +
          `${m.checksum} on disk); add a new migration instead of changing an applied one`,
      );
    }
  }
  for (const name of applied.keys()) {
    if (!localNames.has(name)) log(`warning: ${name} is applied in the database but missing from the migrations directory`);
  }
  return new Set(applied.keys());
}

async function applyOne(client: pg.Client, m: LocalMigration): Promise<void> {
  const id = randomUUID();
  // One transaction per migration: a failing script leaves neither half a schema nor a row behind.
  // (Scripts that cannot run in a transaction, e.g. CREATE INDEX CONCURRENTLY, are not supported.
  // A script's own BEGIN/COMMIT, as Prisma writes for enum changes, still runs: Postgres only
  // warns, but the script's COMMIT ends our transaction early, so atomicity stops there.)
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, m.checksum, m.name],
    );
    await client.query(m.sql); // no parameters: simple protocol, so a script may hold many statements
    // clock_timestamp(), not now(): now() is frozen at the transaction's start.
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError(`migrate: ${m.name} failed and was rolled back: ${reason}`);
  }
}

export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => undefined);
  const local = readMigrations(opts.migrationsDir ?? defaultMigrationsDir);
  // A single session, not a pool: the advisory lock belongs to the connection that took it.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(CREATE_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const done = checkHistory(local, rows, log);
      const applied: string[] = [];
      for (const m of local) {
        if (done.has(m.name)) continue;
        log(`applying ${m.name}`);
        await applyOne(client, m);
        applied.push(m.name);
      }
      // Under the same lock: a concurrent migrate cannot add a table between the two.
      if (opts.roles) await applyDbRoles(client, opts.roles);
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
