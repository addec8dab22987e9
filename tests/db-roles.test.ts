// Per-subgraph database roles (packages/shared/src/db-roles.ts) against real Postgres, in a
// database of their own. Roles are cluster-wide, so this run's get a prefix of their own
// (`fffoto_rt_<time>_<random>_`) and are dropped at the end; leftovers of killed runs go at the start.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDbRoles, defaultSchemaDir, ownershipFromSchema, scramVerifier, type DbRolesOptions } from '../packages/shared/src/db-roles.ts';
import { defaultMigrationsDir, migrate } from '../packages/shared/src/migrate.ts';
import { gatewayClient, newUser } from '../subgraphs/posts/test/support.ts';
import { ok } from './support/client.ts';
import { loadDatamodel, tablesByFile } from './support/dmmf.ts';
import { adminUrl, createDatabase, dropDatabase, uniqueName } from './support/pg-admin.ts';
import { repoRoot } from './support/processes.ts';
import { startStack, type Stack } from './support/stack.ts';

const ownership = ownershipFromSchema();
const subgraphs = Object.keys(ownership);
const prefix = `${uniqueName('fffoto_rt')}_`;
const role = (subgraph: string) => `${prefix}${subgraph}`;
// Random per run: the local Postgres may trust everyone, the embedded one checks passwords.
const passwords = Object.fromEntries(subgraphs.map((s) => [s, `pw-${Math.random().toString(36).slice(2)}${Date.now()}`]));
const options = (extra: Partial<DbRolesOptions> = {}): DbRolesOptions => ({ ownership, prefix, passwords, ...extra });

let dbName: string;
let dbUrl: string;
const tempDirs: string[] = [];

/** The database's URL as one of this run's roles. */
function urlAs(subgraph: string): string {
  const url = new URL(dbUrl);
  url.username = role(subgraph);
  url.password = passwords[subgraph]!;
  return url.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
const as = <T>(subgraph: string, fn: (c: pg.Client) => Promise<T>) => withClient(urlAs(subgraph), fn);
const asAdmin = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(dbUrl, fn);

/** The SQLSTATE a statement fails with, or 'ok'. */
async function outcome(c: pg.Client, sql: string): Promise<string> {
  try {
    await c.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** Every table in `public`, and the first column of each (for UPDATE statements). */
async function tablesInDatabase(): Promise<Map<string, string>> {
  const { rows } = await asAdmin((c) => c.query<{ t: string; col: string }>(
    `SELECT c.relname AS t, a.attname AS col FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1 WHERE n.nspname = 'public' AND c.relkind = 'r'`));
  return new Map(rows.map((r) => [r.t, r.col]));
}

const ownerOf = (table: string, own = ownership) => Object.entries(own).find(([, o]) => o.tables.includes(table))?.[0];
const q = (name: string) => pg.escapeIdentifier(name);

/** Drops roles of runs that were killed before their teardown (older than 6 hours). */
async function dropStaleRoles(): Promise<void> {
  await withClient(adminUrl(), async (c) => {
    const { rows } = await c.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'fffoto\\_rt\\_%'");
    for (const { rolname } of rows) {
      const at = /^fffoto_rt_(\d{13})_/.exec(rolname)?.[1];
      if (at && Number(at) < Date.now() - 6 * 3600_000) await c.query(`DROP ROLE IF EXISTS ${q(rolname)}`).catch(() => undefined);
    }
  });
}

beforeAll(async () => {
  await dropStaleRoles();
  dbName = uniqueName('fffoto_migrate_test');
  dbUrl = await createDatabase(dbName);
  // The hook `npm run migrate` uses with DB_ROLES=true: migrations, then roles, under one lock.
  await migrate(dbUrl, { roles: options() });
}, 60_000);

afterAll(async () => {
  if (dbName) await dropDatabase(dbName); // the roles' grants go with it; then the roles can go
  await withClient(adminUrl(), async (c) => {
    const { rows } = await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [prefix]);
    for (const { rolname } of rows) await c.query(`DROP ROLE ${q(rolname)}`);
  });
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('ownership from the Prisma schema files', () => {
  it('gives each subgraph file the tables Prisma maps it to, and every enum to one file', () => {
    expect(Object.fromEntries(subgraphs.map((s) => [s, ownership[s]!.tables]))).toEqual(
      Object.fromEntries(Object.entries(tablesByFile()).filter(([, t]) => t.length)),
    );
    expect(subgraphs.sort()).toEqual(['media', 'posts', 'social', 'users']);
    const enums = subgraphs.flatMap((s) => ownership[s]!.enums);
    expect(enums.sort()).toEqual(loadDatamodel().enums.map((e) => e.dbName ?? e.name).sort());
  });
});

describe('passwords', () => {
  it('are sent as the SCRAM-SHA-256 verifier Postgres itself would store', async () => {
    // Postgres hashes a plain password for a throwaway role; ours, with its salt, must match.
    const throwaway = `${prefix}scram`;
    const stored = await withClient(adminUrl(), async (c) => {
      await c.query("SET password_encryption = 'scram-sha-256'");
      await c.query(`CREATE ROLE ${q(throwaway)} PASSWORD 'Tr0ub4dor&3-horse'`);
      try {
        return (await c.query<{ pw: string }>('SELECT rolpassword AS pw FROM pg_authid WHERE rolname = $1', [throwaway])).rows[0]!.pw;
      } finally {
        await c.query(`DROP ROLE ${q(throwaway)}`);
      }
    });
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
    expect(scramVerifier('Tr0ub4dor&3-horse', Buffer.from(salt!, 'base64'), Number(iterations))).toBe(stored);
    expect(() => scramVerifier('pässword')).toThrow(/printable ASCII/);
  });
});

describe('per-subgraph roles', () => {
  it('users reads users but not loops; media reads loops but not users (42501)', async () => {
    await as('users', async (c) => {
      expect(await outcome(c, 'SELECT * FROM users LIMIT 1')).toBe('ok');
      expect(await outcome(c, 'SELECT * FROM loops LIMIT 1')).toBe('42501');
    });
    await as('media', async (c) => {
      expect(await outcome(c, 'SELECT * FROM users LIMIT 1')).toBe('42501');
      expect(await outcome(c, 'SELECT * FROM loops LIMIT 1')).toBe('ok');
    });
  });

  it('every role reads and writes exactly its own tables, of every table in the database', async () => {
    const tables = await tablesInDatabase();
    expect(tables.has('_prisma_migrations')).toBe(true);
    for (const subgraph of subgraphs) {
      const got: Record<string, string[]> = {};
      const want: Record<string, string[]> = {};
      await as(subgraph, async (c) => {
        for (const [t, col] of tables) {
          // Zero rows, but the privilege checks of a real read and real writes run all the same.
          got[t] = [
            await outcome(c, `SELECT * FROM ${q(t)} LIMIT 0`),
            await outcome(c, `INSERT INTO ${q(t)} SELECT * FROM ${q(t)} WHERE false`),
            await outcome(c, `UPDATE ${q(t)} SET ${q(col)} = ${q(col)} WHERE false`),
            await outcome(c, `DELETE FROM ${q(t)} WHERE false`),
            await outcome(c, `TRUNCATE ${q(t)}`),
          ];
          want[t] = ownerOf(t) === subgraph ? ['ok', 'ok', 'ok', 'ok', '42501'] : Array(5).fill('42501');
        }
      });
      expect(got, role(subgraph)).toEqual(want);
    }
  });

  it('each role uses its own sequences and enum types, and no one else\'s', async () => {
    const { rows: seqs } = await asAdmin((c) => c.query<{ tbl: string; seq: string }>(
      `SELECT t.relname AS tbl, s.relname AS seq FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_class t ON t.oid = d.refobjid WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'a'`));
    expect(seqs.map((s) => s.tbl).sort()).toEqual(['account_events', 'post_events', 'social_events']);
    for (const subgraph of subgraphs) {
      await as(subgraph, async (c) => {
        for (const { tbl, seq } of seqs) {
          expect(await outcome(c, `SELECT nextval(${c.escapeLiteral(seq)})`), `${role(subgraph)} nextval ${seq}`)
            .toBe(ownerOf(tbl) === subgraph ? 'ok' : '42501');
        }
        for (const [other, own] of Object.entries(ownership)) {
          for (const e of own.enums) {
            const { rows } = await c.query<{ usable: boolean }>('SELECT has_type_privilege(current_user, $1, \'USAGE\') AS usable', [q(e)]);
            expect(rows[0]!.usable, `${role(subgraph)} USAGE on ${e}`).toBe(other === subgraph);
          }
        }
      });
    }
    // A real write through a sequence: the outbox insert the users subgraph makes on deleteAccount.
    await as('users', async (c) => {
      await c.query('BEGIN');
      const { rows } = await c.query<{ id: string }>("INSERT INTO account_events (type) VALUES ('test') RETURNING id");
      expect(Number(rows[0]!.id)).toBeGreaterThan(0);
      await c.query('ROLLBACK');
    });
  });

  it('no role can create a table, a temporary table, or a schema', async () => {
    for (const subgraph of subgraphs) {
      await as(subgraph, async (c) => {
        expect(await outcome(c, 'CREATE TABLE roles_test_ddl (id int)'), role(subgraph)).toBe('42501');
        expect(await outcome(c, 'CREATE TEMPORARY TABLE roles_test_tmp (id int)'), role(subgraph)).toBe('42501');
        expect(await outcome(c, 'CREATE SCHEMA roles_test_schema'), role(subgraph)).toBe('42501');
        expect(await outcome(c, `ALTER TABLE ${q(ownership[subgraph]!.tables[0]!)} ADD COLUMN x int`), role(subgraph)).toBe('42501');
      });
    }
    const { rows } = await withClient(adminUrl(), (c) => c.query<{ rolname: string; ok: boolean }>(
      `SELECT rolname, rolcanlogin AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) AS ok
       FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY rolname`, [prefix]));
    expect(rows).toEqual(subgraphs.map((s) => ({ rolname: role(s), ok: true })).sort((a, b) => a.rolname.localeCompare(b.rolname)));
  });

  it('re-running changes nothing, and undoes a grant made by hand', async () => {
    const acls = () => asAdmin(async (c) => (await c.query<{ name: string; acl: string | null }>(
      `SELECT c.relname AS name, c.relacl::text AS acl FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S')
       UNION ALL SELECT t.typname, t.typacl::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype = 'e'
       UNION ALL SELECT 'schema public', nspacl::text FROM pg_namespace WHERE nspname = 'public'
       UNION ALL SELECT 'database', datacl::text FROM pg_database WHERE datname = current_database()
       ORDER BY 1`)).rows);
    const before = await acls();
    // By hand: a stray grant, and CREATE on the schema for everyone (Postgres' default before 15).
    await asAdmin(async (c) => {
      await c.query(`GRANT SELECT ON loops TO ${q(role('users'))}`);
      await c.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    });
    await applyDbRoles(dbUrl, options());
    await applyDbRoles(dbUrl, options());
    expect(await acls()).toEqual(before);
    await as('users', async (c) => {
      expect(await outcome(c, 'SELECT * FROM loops LIMIT 0')).toBe('42501');
      expect(await outcome(c, 'CREATE TABLE roles_test_ddl (id int)')).toBe('42501');
    });
  });

  it('npm run db:roles and npm run migrate (DB_ROLES=true) apply them without printing a password', () => {
    const env = {
      ...process.env, DATABASE_URL: dbUrl, DB_ROLE_PREFIX: prefix,
      ...Object.fromEntries(subgraphs.map((s) => [`DB_ROLE_PASSWORD_${s.toUpperCase()}`, passwords[s]])),
    };
    for (const script of ['scripts/db-roles.ts', 'scripts/migrate.ts']) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, env: { ...env, DB_ROLES: 'true' }, encoding: 'utf8' });
      expect(run.status, `${script}: ${run.stderr}`).toBe(0);
      for (const s of subgraphs) expect(run.stdout).toContain(`${role(s)}: ${ownership[s]!.tables.length} tables`);
      for (const pw of Object.values(passwords)) expect(run.stdout + run.stderr).not.toContain(pw);
    }
  }, 60_000);

  it('a table added by a later migration is granted to its owner only, when migrate applies the roles', async () => {
    const migrations = mkdtempSync(path.join(tmpdir(), 'fffoto-migrations-'));
    const schema = mkdtempSync(path.join(tmpdir(), 'fffoto-schema-'));
    tempDirs.push(migrations, schema);
    cpSync(defaultMigrationsDir, migrations, { recursive: true });
    cpSync(defaultSchemaDir, schema, { recursive: true });
    mkdirSync(path.join(migrations, '29991231000000_roles_test_notes'));
    writeFileSync(path.join(migrations, '29991231000000_roles_test_notes', 'migration.sql'),
      'CREATE TABLE "roles_test_notes" ("id" BIGSERIAL NOT NULL, "body" TEXT NOT NULL, CONSTRAINT "roles_test_notes_pkey" PRIMARY KEY ("id"));\n');
    appendFileSync(path.join(schema, 'posts.prisma'),
      '\nmodel RolesTestNote {\n  id   BigInt @id @default(autoincrement())\n  body String\n\n  @@map("roles_test_notes")\n}\n');
    const later = ownershipFromSchema(schema);
    expect(ownerOf('roles_test_notes', later)).toBe('posts');

    // Migrations alone: the new table is the migrating user's, so no role has it yet.
    await migrate(dbUrl, { migrationsDir: migrations });
    await as('posts', async (c) => expect(await outcome(c, 'SELECT * FROM roles_test_notes')).toBe('42501'));
    // migrate with the roles step (what DB_ROLES=true does): posts has it, nobody else does.
    await migrate(dbUrl, { migrationsDir: migrations, roles: options({ ownership: later }) });
    for (const subgraph of subgraphs) {
      await as(subgraph, async (c) => {
        const insert = await outcome(c, "INSERT INTO roles_test_notes (body) VALUES ('hello')");
        const read = await outcome(c, 'SELECT body FROM roles_test_notes');
        expect([insert, read], role(subgraph)).toEqual(subgraph === 'posts' ? ['ok', 'ok'] : ['42501', '42501']);
      });
    }
    // A schema file that names a table the database lacks is refused, changing nothing.
    const ahead = { ...later, posts: { ...later.posts!, tables: [...later.posts!.tables, 'roles_test_missing'] } };
    await expect(applyDbRoles(dbUrl, options({ ownership: ahead }))).rejects.toThrow(/not in the database.*table roles_test_missing/);
    await as('posts', async (c) => expect(await outcome(c, 'SELECT body FROM roles_test_notes')).toBe('ok'));
  }, 60_000);
});

describe('a subgraph connected as its role', () => {
  let stack: Stack | undefined;
  afterAll(() => stack?.stop());

  it('users serves sign-up, log-in, a profile edit and an account deletion as fffoto_users', async () => {
    stack = await startStack({ env: { DATABASE_URL: urlAs('users') } });
    const gql = gatewayClient(stack.gatewayUrl);
    const user = await newUser(gql, 'roles');
    const me = ok(await gql('{ me { id handle } }', {}, user.token)).me;
    // The subgraph's pool really is the role's (not the admin's).
    const sessions = await asAdmin((c) => c.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()', [role('users')]));
    expect(sessions.rows[0]!.n).toBeGreaterThan(0);
    expect(me).toEqual({ id: user.id, handle: user.handle });
    ok(await gql('mutation($i: LogInInput!) { logIn(input: $i) { accessToken } }',
      { i: { login: user.handle, password: 'long enough password' } }));
    expect(ok(await gql('mutation { updateProfile(input: { displayName: "Role Play" }) { displayName } }', {}, user.token)))
      .toEqual({ updateProfile: { displayName: 'Role Play' } });
    // deleteAccount writes account_events (the outbox, through its sequence) in the same transaction.
    expect(ok(await gql('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'long enough password' }, user.token))).toEqual({ deleteAccount: true });
    const { rows } = await asAdmin((c) => c.query<{ type: string }>("SELECT type FROM account_events WHERE payload::text LIKE '%' || $1 || '%'", [user.id]));
    expect(rows.map((r) => r.type)).toEqual(['user.deleted']);
  }, 90_000);
});
