// Embedded `npm start` serves one PGlite session to every service's connection pool. Many
// concurrent parameterised queries from many connections must each get their own answer.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgliteServer } from '../scripts/pglite-server.ts';

let db: PGlite;
let server: ReturnType<typeof createPgliteServer>;
let pool: pg.Pool;
const url = () => `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;

/** A bare protocol connection (pg's Connection without a Client reacting to its messages). */
async function rawConnection(): Promise<PgConnection> {
  const { Connection } = pg as unknown as { Connection: new () => PgConnection };
  const conn = new Connection();
  const [host, port] = server.getServerConn().split(':');
  const ready = new Promise<void>((resolve, reject) => {
    conn.once('readyForQuery', () => resolve());
    conn.once('errorMessage', (msg: { message: string }) => reject(new Error(msg.message)));
  });
  conn.once('connect', () => conn.startup({ user: 'postgres', database: 'postgres' }));
  conn.connect(Number(port), host!);
  await ready;
  return conn;
}

interface PgConnection {
  connect(port: number, host: string): void;
  startup(config: Record<string, string>): void;
  end(): void;
  parse(q: { text: string; name: string; types: unknown[] }): void;
  bind(b: { portal: string; statement: string; values: unknown[] }): void;
  execute(e: { portal: string; rows: number }): void;
  flush(): void;
  sync(): void;
  on(event: string, fn: (msg: never) => void): void;
  once(event: string, fn: (msg: never) => void): void;
}

async function until(done: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  db = await PGlite.create();
  server = createPgliteServer({ db, port: 0, host: '127.0.0.1', maxConnections: 20 });
  await server.start();
  pool = new pg.Pool({ connectionString: url(), max: 4 });
  await pool.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  await pool.query("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g");
});

afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await db?.close();
});

it('keeps another connection out of an exchange until its Sync', async () => {
  // Connection A sends Parse/Bind/Flush and stops before Execute/Sync; B then runs a whole
  // query. Served message by message, B's Parse/Bind would replace A's unnamed statement and
  // portal, and A would execute B's query or none.
  const conn = await rawConnection();
  const b = new pg.Client({ connectionString: url() });
  await b.connect();
  try {
    const bound = new Promise((resolve) => conn.once('bindComplete', resolve));
    conn.parse({ text: "SELECT 'from A' AS v", name: '', types: [] });
    conn.bind({ portal: '', statement: '', values: [] });
    conn.flush();
    await bound;
    let bDone = false;
    const bAnswer = b.query<{ v: string }>("SELECT 'from B' AS v").finally(() => (bDone = true));
    // B's first message is either waiting in the server's queue or B is already answered.
    await until(() => bDone || server.getStats().queuedQueries > 0);
    const rows: string[] = [];
    const errors: string[] = [];
    const aDone = new Promise<void>((resolve) => {
      conn.on('dataRow', (msg: { fields: string[] }) => rows.push(msg.fields[0]!));
      conn.on('errorMessage', (msg: { message: string }) => errors.push(msg.message));
      conn.once('readyForQuery', () => resolve());
    });
    conn.execute({ portal: '', rows: 0 });
    conn.sync();
    await aDone;
    expect({ rows, errors }).toEqual({ rows: ['from A'], errors: [] });
    expect((await bAnswer).rows[0]!.v).toBe('from B');
  } finally {
    conn.end();
    await b.end();
  }
});

it('keeps another connection out of an open transaction until it ends', async () => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("UPDATE t SET v = 'inside' WHERE id = 2");
    // One session: the other connection's query waits for the transaction; it must not run
    // inside it (it would see 'inside').
    const outside = pool.query<{ v: string }>('SELECT v FROM t WHERE id = 2');
    await client.query('SELECT pg_sleep(0.05)');
    await client.query('ROLLBACK');
    expect((await outside).rows[0]!.v).toBe('row 2');
  } finally {
    client.release();
  }
});
