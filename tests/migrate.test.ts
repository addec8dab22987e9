// packages/shared/src/migrate.ts against real Postgres: each case gets its own database.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, migrationChecksum, readMigrations } from '../packages/shared/src/migrate.ts';
import { createDatabase, dropDatabase, uniqueName } from './support/pg-admin.ts';

const created: string[] = [];
const tempDirs: string[] = [];
afterAll(async () => {
  for (const name of created) await dropDatabase(name);
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function freshDatabase(): Promise<string> {
  const name = uniqueName('fffoto_migrate_test');
  created.push(name);
  return createDatabase(name);
}

/** A scratch copy of prisma/migrations that a test may edit. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-migrations-'));
  tempDirs.push(dir);
  cpSync(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const local = readMigrations(defaultMigrationsDir);

describe('migrate', () => {
  it('applies every migration to a fresh database, then nothing on a second run', async () => {
    const url = await freshDatabase();
    expect(local.length).toBeGreaterThan(0);
    expect(await migrate(url)).toEqual({ applied: local.map((m) => m.name) });
    expect(await migrate(url)).toEqual({ applied: [] });
  });

  it('records rows the way Prisma does: sha256 of migration.sql, finished, one step', async () => {
    const url = await freshDatabase();
    await migrate(url);
    const rows = await query<{ migration_name: string; checksum: string; finished: boolean; rolled_back_at: Date | null; applied_steps_count: number; id: string }>(
      url,
      'SELECT id, migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
    for (const row of rows) {
      const file = readFileSync(path.join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(migrationChecksum(file));
      expect(row).toMatchObject({ finished: true, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('creates _prisma_migrations with Prisma\'s columns', async () => {
    const url = await freshDatabase();
    await migrate(url);
    const cols = await query<{ column_name: string; type: string; is_nullable: string }>(
      url,
      `SELECT column_name, format_type(a.atttypid, a.atttypmod) AS type, is_nullable
         FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = '_prisma_migrations'::regclass AND a.attname = c.column_name
        WHERE c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position`,
    );
    expect(cols.map((c) => `${c.column_name} ${c.type}${c.is_nullable === 'NO' ? ' not null' : ''}`)).toEqual([
      'id character varying(36) not null',
      'checksum character varying(64) not null',
      'finished_at timestamp with time zone',
      'migration_name character varying(255) not null',
      'logs text',
      'rolled_back_at timestamp with time zone',
      'started_at timestamp with time zone not null',
      'applied_steps_count integer not null',
    ]);
  });

  it('refuses when an applied migration was edited afterwards', async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    await migrate(url, { migrationsDir: dir });
    const first = path.join(dir, local[0]!.name, 'migration.sql');
    writeFileSync(first, `${readFileSync(first, 'utf8')}\n-- edited\n`);
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/was edited after it was applied/);
  });

  it('refuses when a tampered checksum is recorded in the database', async () => {
    const url = await freshDatabase();
    await migrate(url);
    await query(url, `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = $1`, [local[0]!.name]);
    await expect(migrate(url)).rejects.toThrow(new RegExp(`${local[0]!.name} was edited after it was applied`));
  });

  it('refuses to run past a migration recorded as failed', async () => {
    const url = await freshDatabase();
    await migrate(url);
    await query(url, `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1`, [local[0]!.name]);
    await expect(migrate(url)).rejects.toThrow(/recorded as failed/);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const url = await freshDatabase();
    const dir = copyOfMigrations();
    const bad = path.join(dir, '99999999999999_broken');
    cpSync(path.join(dir, local[0]!.name), bad, { recursive: true });
    writeFileSync(path.join(bad, 'migration.sql'), 'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/99999999999999_broken failed and was rolled back/);
    expect(await query(url, `SELECT 1 FROM pg_class WHERE relname = 'half_done'`)).toEqual([]);
    const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations');
    expect(names.map((r) => r.migration_name).sort()).toEqual(local.map((m) => m.name));
  });

  it('lets only one of two concurrent runs apply each migration (advisory lock)', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(local.map((m) => m.name));
    const rows = await query(url, 'SELECT 1 FROM _prisma_migrations');
    expect(rows).toHaveLength(local.length);
  });
});
