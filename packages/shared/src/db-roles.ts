// Least privilege in the one database: a login role per subgraph (`fffoto_users`, …) that may
// read and write only the tables its Prisma schema file declares (prisma/schema/<subgraph>.prisma),
// use their sequences and enum types, and nothing else: no other subgraph's table, no DDL.
// `npm run db:roles` runs it; `npm run migrate` too when DB_ROLES=true. Re-run it after every
// migration: a new table is created by the migrating user, so no role has it until then (default
// privileges cannot help: they would give every role every new table).
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** What each subgraph owns: its tables and enum types, by their database names. */
export type Ownership = Record<string, { tables: string[]; enums: string[] }>;

export interface DbRolesOptions {
  ownership: Ownership;
  /** Role name = prefix + subgraph. Roles are cluster-wide: tests pass a prefix of their own. */
  prefix?: string;
  /** Per subgraph; absent: the role gets no password (trust/IAM auth), an existing one keeps its own. */
  passwords?: Record<string, string | undefined>;
  log?: (msg: string) => void;
}

export interface RoleGrants {
  subgraph: string;
  role: string;
  tables: string[];
  sequences: string[];
  enums: string[];
}

export class DbRolesError extends Error {}

export const defaultSchemaDir = fileURLToPath(new URL('../../../prisma/schema', import.meta.url));
export const defaultRolePrefix = 'fffoto_';
/** Prisma's schema: every table lives in `public`. */
const SCHEMA = 'public';
/** Serialises concurrent runs (two deploy Jobs): concurrent GRANTs on one table fail. */
const ROLES_ADVISORY_LOCK = 72707370;

/**
 * Tables and enums per schema file, from `model`/`enum` blocks and their `@@map` (Prisma's
 * database name; the block's name when absent). Files that declare neither (schema.prisma) own nothing.
 */
export function ownershipFromSchema(dir = defaultSchemaDir): Ownership {
  const out: Ownership = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.prisma')).sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8').replace(/\/\/.*$/gm, '');
    const owned = { tables: [] as string[], enums: [] as string[] };
    // Prisma's formatter closes every block with a `}` at the start of a line.
    for (const [, kind, name, body] of text.matchAll(/^(model|enum|view|type)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
      if (kind === 'view' || kind === 'type') throw new DbRolesError(`db-roles: ${file}: \`${kind} ${name}\` is not supported; add it to db-roles.ts`);
      if (/@@schema\(/.test(body!)) throw new DbRolesError(`db-roles: ${file}: ${name} uses @@schema; only "${SCHEMA}" is supported`);
      const dbName = /@@map\(\s*"([^"]+)"\s*\)/.exec(body!)?.[1] ?? name!;
      (kind === 'model' ? owned.tables : owned.enums).push(dbName);
    }
    if (owned.tables.length || owned.enums.length) out[file.replace(/\.prisma$/, '')] = owned;
  }
  return out;
}

/** `DB_ROLE_PASSWORD_<SUBGRAPH>` for each subgraph (unset or empty: no password). */
export function passwordsFromEnv(env: NodeJS.ProcessEnv, subgraphs: string[]): Record<string, string | undefined> {
  return Object.fromEntries(subgraphs.map((s) => [s, env[`DB_ROLE_PASSWORD_${s.toUpperCase()}`] || undefined]));
}

/** What `npm run db:roles` (and `npm run migrate` with DB_ROLES=true) applies: the repository's schema, passwords from env. */
export function dbRolesFromEnv(env: NodeJS.ProcessEnv, log?: (msg: string) => void): DbRolesOptions {
  const ownership = ownershipFromSchema();
  return { ownership, prefix: env.DB_ROLE_PREFIX || defaultRolePrefix, passwords: passwordsFromEnv(env, Object.keys(ownership)), log };
}

/**
 * A SCRAM-SHA-256 verifier (RFC 5803 / RFC 7677, as Postgres stores it): the server gets the
 * verifier, never the password, so it is not in the server's statement log either.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  // Postgres SASLprep-normalises non-ASCII passwords and clients may not: keep to printable ASCII.
  if (!/^[\x21-\x7e]+$/.test(password)) throw new DbRolesError('db-roles: a role password must be printable ASCII without spaces');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const id = (name: string) => pg.escapeIdentifier(name);
const list = (names: string[]) => names.map(id).join(', ');

async function catalog(client: pg.Client) {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`, [SCHEMA]);
  // Sequences that belong to a column (serial, identity): `table → sequences`.
  const sequences = await client.query<{ tbl: string; seq: string }>(
    `SELECT t.relname AS tbl, s.relname AS seq FROM pg_depend d
     JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
     JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.deptype IN ('a', 'i') AND n.nspname = $1`, [SCHEMA]);
  const enums = await client.query<{ name: string }>(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1 AND t.typtype = 'e'`, [SCHEMA]);
  // SECURITY DEFINER routines run as their owner, past every grant; an extension's are its own business.
  const definers = await client.query<{ sig: string }>(
    `SELECT p.oid::regprocedure::text AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1 AND p.prosecdef AND NOT EXISTS (
       SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`, [SCHEMA]);
  const seqsOf = new Map<string, string[]>();
  for (const r of sequences.rows) seqsOf.set(r.tbl, [...(seqsOf.get(r.tbl) ?? []), r.seq]);
  return { tables: new Set(tables.rows.map((r) => r.name)), seqsOf, enums: new Set(enums.rows.map((r) => r.name)), definers: definers.rows.map((r) => r.sig) };
}

/** Postgres truncates longer names silently: two subgraphs' roles could become one. */
const MAX_NAME_BYTES = 63;

function roleName(prefix: string, subgraph: string): string {
  const role = `${prefix}${subgraph}`;
  if (Buffer.byteLength(role) > MAX_NAME_BYTES) {
    throw new DbRolesError(`db-roles: role name ${role} is longer than ${MAX_NAME_BYTES} bytes; use a shorter DB_ROLE_PREFIX`);
  }
  return role;
}

/**
 * What would hand a role more than its grants, refused before it is touched: being the user that
 * migrates, or owning anything here (an owner may grant itself anything, and alter or drop).
 */
async function refuseOwner(client: pg.Client, role: string): Promise<void> {
  const me = (await client.query<{ me: string }>('SELECT current_user AS me')).rows[0]!.me;
  if (me === role) throw new DbRolesError(`db-roles: ${role} is the user running db-roles; choose another DB_ROLE_PREFIX`);
  const { rows } = await client.query<{ what: string }>(
    `SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS what FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid
     WHERE r.rolname = $1 AND d.deptype = 'o'
       AND d.dbid IN (0, (SELECT oid FROM pg_database WHERE datname = current_database())) ORDER BY 1`, [role]);
  if (rows.length) {
    throw new DbRolesError(`db-roles: ${role} owns ${rows.map((r) => r.what).join(', ')}; ` +
      'give them back to the migrating user (ALTER ... OWNER TO) and run again');
  }
}

async function ensureRole(client: pg.Client, role: string, password: string | undefined): Promise<void> {
  const { rows: [have] } = await client.query<Record<string, boolean>>(
    `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1`, [role]);
  const want = { LOGIN: true, SUPERUSER: false, CREATEDB: false, CREATEROLE: false, REPLICATION: false, BYPASSRLS: false };
  const column = { LOGIN: 'rolcanlogin', SUPERUSER: 'rolsuper', CREATEDB: 'rolcreatedb', CREATEROLE: 'rolcreaterole', REPLICATION: 'rolreplication', BYPASSRLS: 'rolbypassrls' } as const;
  // Only what differs: before Postgres 16 a non-superuser may not even say NOSUPERUSER or
  // NOREPLICATION on an ALTER, and a re-run must work for the user that created the roles.
  const attrs = Object.entries(want)
    .filter(([attr, on]) => !have || have[column[attr as keyof typeof column]] !== on)
    .map(([attr, on]) => `${on ? '' : 'NO'}${attr}`);
  // A literal, not a parameter: utility statements take none. It holds the verifier only.
  if (password !== undefined) attrs.push(`PASSWORD ${client.escapeLiteral(scramVerifier(password))}`);
  if (attrs.length) await client.query(`${have ? 'ALTER' : 'CREATE'} ROLE ${id(role)} ${attrs.join(' ')}`);
}

/** Membership passes on the privileges of the role it is in (another subgraph's, pg_read_all_data…). */
async function revokeMemberships(client: pg.Client, role: string): Promise<void> {
  const inRoles = async () => (await client.query<{ name: string }>(
    `SELECT g.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
     JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = $1`, [role])).rows.map((r) => r.name);
  for (const granted of await inRoles()) await client.query(`REVOKE ${id(granted)} FROM ${id(role)}`);
  const left = await inRoles();
  if (left.length) throw new DbRolesError(`db-roles: ${role} is still a member of ${left.join(', ')} (granted by another role); revoke it by hand`);
}

/**
 * Creates or updates the roles and sets their grants to exactly the ownership map, in one
 * transaction. `db` is a connection URL or a connected client (left open; it must not be
 * inside a transaction). Fails, changing nothing, when the database lacks an owned table or enum.
 */
export async function applyDbRoles(db: string | pg.Client, opts: DbRolesOptions): Promise<RoleGrants[]> {
  const log = opts.log ?? (() => undefined);
  const prefix = opts.prefix ?? defaultRolePrefix;
  // Before connecting: a bad name fails fast.
  const roles = Object.keys(opts.ownership).map((subgraph) => roleName(prefix, subgraph));
  const client = typeof db === 'string' ? new pg.Client({ connectionString: db }) : db;
  if (typeof db === 'string') await client.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await applyOnce(client, opts, prefix, roles, log);
      } catch (err) {
        if (attempt >= RACE_ATTEMPTS || !lostRace(err)) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
      }
    }
  } finally {
    if (typeof db === 'string') await client.end();
  }
}

/**
 * Roles are cluster-wide but the advisory lock is per database: runs against two databases of one
 * cluster with the same prefix race on CREATE/ALTER ROLE. The loser's transaction is rolled back
 * whole, so running it again is safe.
 */
const RACE_ATTEMPTS = 5;
function lostRace(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string };
  return code === '23505' || code === '42710' || code === '40P01' || (code === 'XX000' && /tuple concurrently updated/.test(message ?? ''));
}

async function applyOnce(client: pg.Client, opts: DbRolesOptions, prefix: string, roles: string[], log: (msg: string) => void): Promise<RoleGrants[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ROLES_ADVISORY_LOCK]);
    const have = await catalog(client);
    const missing = Object.values(opts.ownership).flatMap((o) => [
      ...o.tables.filter((t) => !have.tables.has(t)).map((t) => `table ${t}`),
      ...o.enums.filter((e) => !have.enums.has(e)).map((e) => `enum ${e}`),
    ]);
    if (missing.length) throw new DbRolesError(`db-roles: not in the database (run migrations first): ${missing.join(', ')}`);
    const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    const allEnums = Object.values(opts.ownership).flatMap((o) => o.enums);

    // What every role has by default: CREATE on the schema (before Postgres 15), TEMP on the
    // database; and a grant to PUBLIC on any table or enum would reach every role.
    await client.query(`REVOKE CREATE ON SCHEMA ${id(SCHEMA)} FROM PUBLIC`);
    await client.query(`REVOKE TEMPORARY ON DATABASE ${id(database)} FROM PUBLIC`);
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${id(SCHEMA)} FROM PUBLIC`);
    await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${id(SCHEMA)} FROM PUBLIC`);
    if (allEnums.length) await client.query(`REVOKE ALL ON TYPE ${list(allEnums)} FROM PUBLIC`);
    for (const sig of have.definers) await client.query(`REVOKE ALL ON ROUTINE ${sig} FROM PUBLIC`);
    for (const role of roles) await refuseOwner(client, role);

    const result: RoleGrants[] = [];
    for (const [subgraph, own] of Object.entries(opts.ownership)) {
      const role = roleName(prefix, subgraph);
      await ensureRole(client, role, opts.passwords?.[subgraph]);
      await revokeMemberships(client, role);
      // Start from nothing, then grant exactly what it owns: a table moved to another
      // subgraph's file, or a privilege granted by hand, does not survive a run.
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${id(SCHEMA)} FROM ${id(role)}`);
      await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${id(SCHEMA)} FROM ${id(role)}`);
      await client.query(`REVOKE ALL ON ALL ROUTINES IN SCHEMA ${id(SCHEMA)} FROM ${id(role)}`);
      if (allEnums.length) await client.query(`REVOKE ALL ON TYPE ${list(allEnums)} FROM ${id(role)}`);
      await client.query(`REVOKE ALL ON SCHEMA ${id(SCHEMA)} FROM ${id(role)}`);
      await client.query(`GRANT USAGE ON SCHEMA ${id(SCHEMA)} TO ${id(role)}`);
      await client.query(`REVOKE ALL ON DATABASE ${id(database)} FROM ${id(role)}`);
      await client.query(`GRANT CONNECT ON DATABASE ${id(database)} TO ${id(role)}`);
      const sequences = own.tables.flatMap((t) => have.seqsOf.get(t) ?? []);
      if (own.tables.length) await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${list(own.tables)} TO ${id(role)}`);
      if (sequences.length) await client.query(`GRANT USAGE, SELECT, UPDATE ON SEQUENCE ${list(sequences)} TO ${id(role)}`);
      if (own.enums.length) await client.query(`GRANT USAGE ON TYPE ${list(own.enums)} TO ${id(role)}`);
      result.push({ subgraph, role, tables: own.tables, sequences, enums: own.enums });
    }
    await client.query('COMMIT');
    for (const r of result) {
      log(`db-roles: ${r.role}: ${r.tables.length} tables, ${r.sequences.length} sequences, ${r.enums.length} enums` +
        (opts.passwords?.[r.subgraph] ? ' (password set)' : ''));
    }
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
