// Creating and dropping throwaway databases, for the global setup and for tests that need a
// database of their own (e.g. to run migrations from scratch).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Read on each use: tests/global-setup.ts may point it at a Postgres it started itself. */
export const adminUrl = (): string => process.env.TEST_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Network errors that mean "no Postgres there" (anything else, e.g. a bad password, is a real error). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/** True when a Postgres answers at `url`; false when nothing listens there; throws otherwise. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code && UNREACHABLE.has(code)) || /timeout/i.test((err as Error).message)) return false;
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `<prefix>_<timestamp>_<random>`: unique per run, and sortable so leftovers are easy to spot. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now()}_${randomBytes(4).toString('hex')}`;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database and returns its URL (the admin URL with the database name swapped). */
export async function createDatabase(name: string): Promise<string> {
  await admin((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** FORCE ends sessions a test left open, so a teardown never hangs on a leaked pool. */
export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

/**
 * Drops databases that a crashed or killed run left behind: names made by uniqueName() with one
 * of these prefixes whose timestamp is older than maxAgeMs. Young ones may belong to a run that
 * is still going (several can share one Postgres), so they are left alone.
 */
export async function dropStaleDatabases(prefixes: string[], maxAgeMs = 6 * 3600_000): Promise<string[]> {
  const { rows } = await admin((c) => c.query<{ datname: string }>('SELECT datname FROM pg_database'));
  const cutoff = Date.now() - maxAgeMs;
  const stale = rows
    .map((r) => r.datname)
    .filter((name) => prefixes.some((p) => {
      const m = new RegExp(`^${p}_(\\d{13})_[0-9a-f]{8}$`).exec(name);
      return m !== null && Number(m[1]) < cutoff;
    }));
  for (const name of stale) await dropDatabase(name);
  return stale;
}
