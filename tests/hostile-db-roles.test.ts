// A hostile review of the per-subgraph database roles (packages/shared/src/db-roles.ts): ways a
// role could reach another subgraph's data anyway, inputs that broke the run, a run by a
// non-superuser, and every subgraph (not only users) serving real requests as its own role.
// Own database; roles get a prefix of this run (`fffoto_rt_<time>_<random>_`, the shape whose
// leftovers tests/db-roles.test.ts drops) and are dropped at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@fffoto/shared/db';
import type { ServiceHandle } from '@fffoto/shared/server';
import { applyDbRoles, ownershipFromSchema, type DbRolesOptions } from '../packages/shared/src/db-roles.ts';
import { migrate } from '../packages/shared/src/migrate.ts';
import { composeFromConfig } from '../gateway/src/compose.ts';
import { loadGatewayConfig, startGateway } from '../gateway/src/app.ts';
import { loadUsersConfig, startUsers } from '../subgraphs/users/src/app.ts';
import { loadPostsConfig, startPosts } from '../subgraphs/posts/src/app.ts';
import { loadSocialConfig, startSocial } from '../subgraphs/social/src/app.ts';
import { startMedia } from '../subgraphs/media/src/app.ts';
import { loadMediaConfig } from '../subgraphs/media/src/config.ts';
import { startLocalS3 } from '../subgraphs/media/src/local-s3.ts';
import { startMediaWorker } from '../subgraphs/media/src/worker/app.ts';
import { gatewayClient, mustCreatePost, newUser, readyLoops, type Gql, type TestUser } from '../subgraphs/posts/test/support.ts';
import { ok } from './support/client.ts';
import { adminUrl, createDatabase, dropDatabase, uniqueName } from './support/pg-admin.ts';

const ownership = ownershipFromSchema();
const subgraphs = Object.keys(ownership);
const prefix = `${uniqueName('fffoto_rt')}_`;
const role = (subgraph: string) => `${prefix}${subgraph}`;
const passwords = Object.fromEntries(subgraphs.map((s) => [s, `pw-${Math.random().toString(36).slice(2)}${Date.now()}`]));
const options = (extra: Partial<DbRolesOptions> = {}): DbRolesOptions => ({ ownership, prefix, passwords, ...extra });
const q = (name: string) => pg.escapeIdentifier(name);

let dbName: string;
let dbUrl: string;

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
const clusterAdmin = <T>(fn: (c: pg.Client) => Promise<T>) => withClient(adminUrl(), fn);

async function outcome(c: pg.Client, sql: string): Promise<string> {
  try {
    await c.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const rolesLike = async (start: string) => (await clusterAdmin((c) =>
  c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY 1', [start]))).rows.map((r) => r.rolname);

beforeAll(async () => {
  dbName = uniqueName('fffoto_migrate_test');
  dbUrl = await createDatabase(dbName);
  await migrate(dbUrl, { roles: options() });
}, 60_000);

afterAll(async () => {
  if (dbName) await dropDatabase(dbName);
  for (const name of await rolesLike(prefix)) await clusterAdmin((c) => c.query(`DROP ROLE ${q(name)}`));
});

describe('a role cannot reach another subgraph\'s data anyway', () => {
  it('membership in another role (a subgraph\'s, pg_read_all_data) does not survive a run', async () => {
    await asAdmin(async (c) => {
      await c.query(`GRANT ${q(role('users'))} TO ${q(role('media'))}`);
      await c.query(`GRANT pg_read_all_data TO ${q(role('posts'))}`);
    });
    await applyDbRoles(dbUrl, options());
    await as('media', async (c) => expect(await outcome(c, 'SELECT * FROM users LIMIT 0')).toBe('42501'));
    await as('posts', async (c) => expect(await outcome(c, 'SELECT * FROM users LIMIT 0')).toBe('42501'));
  });

  it('a role that owns a table (ALTER ... OWNER TO) is refused, not silently kept owning it', async () => {
    await asAdmin((c) => c.query(`ALTER TABLE users OWNER TO ${q(role('media'))}`));
    try {
      await expect(applyDbRoles(dbUrl, options())).rejects.toThrow(new RegExp(`${role('media')} owns table users`));
    } finally {
      await asAdmin((c) => c.query('ALTER TABLE users OWNER TO CURRENT_USER'));
    }
    await applyDbRoles(dbUrl, options());
    await as('media', async (c) => expect(await outcome(c, 'SELECT * FROM users LIMIT 0')).toBe('42501'));
  });

  it('a SECURITY DEFINER function (say, from a later migration) is not callable by the roles', async () => {
    await asAdmin(async (c) => {
      await c.query("CREATE FUNCTION hostile_peek() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT count(*) FROM users'");
      // An invoker function stays callable: it runs with the caller's own grants.
      await c.query("CREATE FUNCTION hostile_invoker() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users'");
    });
    await applyDbRoles(dbUrl, options());
    for (const subgraph of subgraphs) {
      await as(subgraph, async (c) => {
        expect(await outcome(c, 'SELECT hostile_peek()'), role(subgraph)).toBe('42501');
        expect(await outcome(c, 'SELECT hostile_invoker()'), role(subgraph)).toBe(subgraph === 'users' ? 'ok' : '42501');
      });
    }
  });

  it('column grants, temporary tables and large objects of others stay out of reach', async () => {
    await asAdmin(async (c) => {
      await c.query(`GRANT SELECT (id) ON users TO ${q(role('social'))}`);
      await c.query("SELECT lo_from_bytea(0, 'secret'::bytea)");
    });
    await applyDbRoles(dbUrl, options());
    await as('social', async (c) => {
      expect(await outcome(c, 'SELECT id FROM users LIMIT 0')).toBe('42501');
      expect(await outcome(c, 'CREATE TEMP TABLE t (x int)')).toBe('42501');
      expect(await outcome(c, 'SELECT lo_get(oid) FROM pg_largeobject_metadata')).toBe('42501');
    });
  });
});

describe('bad input', () => {
  it('a prefix that makes a role name longer than 63 bytes is refused (Postgres would truncate, and merge roles)', async () => {
    const long = `${prefix}${'x'.repeat(60)}_`;
    await expect(applyDbRoles(dbUrl, options({ prefix: long }))).rejects.toThrow(/longer than 63 bytes/);
    expect(await rolesLike(long.slice(0, 40))).toEqual([]);
  });

  it('quotes, upper case and SQL in the prefix make odd role names, never SQL', async () => {
    const odd = `${prefix}Q"';DROP TABLE x;--_`;
    await applyDbRoles(dbUrl, options({ prefix: odd, passwords: {} }));
    expect((await rolesLike(odd)).sort()).toEqual(subgraphs.map((s) => `${odd}${s}`).sort());
    expect((await asAdmin((c) => c.query("SELECT to_regclass('users') IS NOT NULL AS there"))).rows[0]).toEqual({ there: true });
  });
});

describe('concurrent runs', () => {
  it('against two databases of one cluster with the same prefix (the advisory lock is per database) all succeed', async () => {
    const name = uniqueName('fffoto_migrate_test');
    const other = await createDatabase(name);
    try {
      await migrate(other);
      for (let round = 0; round < 3; round++) {
        const fresh = `${prefix}c${round}_`;
        const runs = [dbUrl, other, dbUrl, other].map((url) => applyDbRoles(url, options({ prefix: fresh })).then(() => 'ok', (e: Error) => e.message));
        expect(await Promise.all(runs), `round ${round}`).toEqual(['ok', 'ok', 'ok', 'ok']);
      }
    } finally {
      await dropDatabase(name);
    }
  }, 60_000);
});

describe('run by a non-superuser (CREATEROLE, owner of the database)', () => {
  it('migrates, applies the roles, and can run again', async () => {
    const owner = `${prefix}owner`;
    const pw = `pw-${Math.random().toString(36).slice(2)}`;
    const name = uniqueName('fffoto_migrate_test');
    await clusterAdmin(async (c) => {
      await c.query(`CREATE ROLE ${q(owner)} LOGIN CREATEROLE PASSWORD ${c.escapeLiteral(pw)}`);
      await c.query(`CREATE DATABASE ${q(name)} OWNER ${q(owner)}`);
    });
    try {
      const url = new URL(adminUrl());
      url.pathname = `/${name}`;
      url.username = owner;
      url.password = pw;
      const otherPrefix = `${prefix}ns_`;
      await migrate(url.toString(), { roles: options({ prefix: otherPrefix }) });
      await applyDbRoles(url.toString(), options({ prefix: otherPrefix }));
      // A prefix that names the migrating user itself is refused (it would strip its own rights).
      await expect(applyDbRoles(url.toString(), options({ prefix, ownership: { owner: { tables: [], enums: [] } } })))
        .rejects.toThrow(/is the user running db-roles/);
    } finally {
      await dropDatabase(name);
    }
  }, 60_000);
});

describe('every subgraph serves requests as its own role', () => {
  const handles: ServiceHandle[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  let gql: Gql;

  /** Like tests/support/stack.ts, but each service with its own DATABASE_URL: the role's. */
  async function startRoleStack(): Promise<void> {
    const base: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'fffoto-test:'}${Math.random().toString(36).slice(2, 8)}:`,
      UPLOAD_REQUIRE_PART_SIZES: 'false',
    };
    const db = (subgraph: string): Db => {
      const client = createDb(urlAs(subgraph));
      cleanups.push(() => client.$disconnect());
      return client;
    };
    const users = await startUsers(loadUsersConfig({ ...base, DATABASE_URL: urlAs('users'), USERS_PORT: '0' }), { db: db('users') });
    handles.unshift(users);
    const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-s3-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const s3 = await startLocalS3({ directory: dir, bucket: 'fffoto-test' });
    cleanups.unshift(() => s3.stop());
    const env: NodeJS.ProcessEnv = {
      ...base, JWKS_URL: `${new URL(users.url).origin}/.well-known/jwks.json`,
      S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_BUCKET: 'fffoto-test',
      S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_FORCE_PATH_STYLE: 'true',
    };
    const mediaEnv = { ...env, DATABASE_URL: urlAs('media') };
    const media = await startMedia(loadMediaConfig({ ...mediaEnv, MEDIA_PORT: '0' }), { db: db('media') });
    handles.unshift(media);
    // The worker opens its own pool from DATABASE_URL: the media role's. Without Redis, media encodes in process.
    if (env.REDIS_URL) handles.unshift(await startMediaWorker(loadMediaConfig({ ...mediaEnv, WORKER_HEALTH_PORT: '0' })));
    const posts = await startPosts(loadPostsConfig({ ...env, DATABASE_URL: urlAs('posts'), POSTS_PORT: '0', USERS_URL: users.url, MEDIA_URL: media.url }), { db: db('posts') });
    handles.unshift(posts);
    const social = await startSocial(loadSocialConfig({ ...env, DATABASE_URL: urlAs('social'), SOCIAL_PORT: '0', USERS_URL: users.url, POSTS_URL: posts.url }), { db: db('social') });
    handles.unshift(social);
    const urls = { users: users.url, media: media.url, posts: posts.url, social: social.url };
    const sgDir = mkdtempSync(path.join(tmpdir(), 'fffoto-sg-'));
    cleanups.push(() => rmSync(sgDir, { recursive: true, force: true }));
    const supergraphFile = path.join(sgDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, composeFromConfig(path.resolve('supergraph.yaml'), new Set(Object.keys(urls))).supergraphSdl);
    const gateway = await startGateway(loadGatewayConfig({
      ...env, SUPERGRAPH_FILE: supergraphFile, GATEWAY_PORT: '0',
      SUBGRAPH_URLS: Object.entries(urls).map(([n, u]) => `${n}=${u}`).join(','),
    }));
    handles.unshift(gateway);
    gql = gatewayClient(gateway.url);
  }

  afterAll(async () => {
    for (const h of handles) await h.stop();
    for (const c of cleanups) await c();
  });

  const run = async <R = any>(query: string, vars: Record<string, unknown>, who?: TestUser): Promise<R> => ok(await gql(query, vars, who?.token)) as R;
  async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (done(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const adminRows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await asAdmin((c) => c.query<T>(sql, params))).rows;

  it('media encodes, posts posts, social follows/likes/comments/feeds/News, and a deletion reaches all of them', async () => {
    await applyDbRoles(dbUrl, options());
    await startRoleStack();
    const ada = await newUser(gql, 'rh_ada');
    const bo = await newUser(gql, 'rh_bo');
    await run('mutation($id: ID!) { follow(userId: $id) { id } }', { id: ada.id }, bo);
    const [loopId] = await readyLoops(gql, ada, 1); // media and its worker (or in-process encoder)
    const tag = `rh_${Date.now().toString(36)}`;
    const post = await mustCreatePost(gql, ada, loopId!, `hello #${tag}`);
    expect(post.tags).toEqual([{ name: tag, postCount: 1 }]);
    // post.created, from posts' outbox, fans out into bo's feed (social's post_refs and feed_entries).
    const feedIds = async () => (await run<{ feed: { edges: Array<{ node: { id: string } }> } }>('{ feed(first: 10) { edges { node { id } } } }', {}, bo))
      .feed.edges.map((e) => e.node.id);
    expect(await until(feedIds, (ids) => ids.includes(post.id))).toEqual([post.id]);
    await run('mutation($id: ID!) { likePost(postId: $id) { id } }', { id: post.id }, bo);
    await run('mutation($id: ID!, $t: String!) { addComment(postId: $id, text: $t) { id } }', { id: post.id, t: 'nice' }, bo);
    expect(await run('{ unreadActivityCount }', {}, ada)).toEqual({ unreadActivityCount: 3 });
    expect(await run('mutation { markActivityRead }', {}, ada)).toEqual({ markActivityRead: 3 });
    expect(await run('mutation($i: ReportInput!) { report(input: $i) }', { i: { subject: post.id, reason: 'SPAM' } }, bo)).toEqual({ report: true });
    expect(await run('mutation($id: ID!) { blockUser(userId: $id) }', { id: ada.id }, bo)).toEqual({ blockUser: true });
    // Each pool really is its role's.
    const users = await adminRows<{ u: string }>('SELECT DISTINCT usename::text AS u FROM pg_stat_activity WHERE datname = current_database() AND starts_with(usename::text, $1)', [prefix]);
    expect(users.map((r) => r.u).sort()).toEqual(subgraphs.map(role).sort());

    expect(await run('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'long enough password' }, ada)).toEqual({ deleteAccount: true });
    // By events: posts deletes ada's post, social her follows and the post's likes, media records a purge.
    const gone = () => adminRows<{ posts: number; follows: number; likes: number; purges: number }>(
      `SELECT (SELECT count(*)::int FROM posts WHERE author_id = $1) AS posts, (SELECT count(*)::int FROM follows WHERE followee_id = $1) AS follows,
              (SELECT count(*)::int FROM likes WHERE post_id = $2) AS likes, (SELECT count(*)::int FROM media_purges WHERE user_id = $1) AS purges`, [ada.id, post.id]);
    expect((await until(gone, ([r]) => r!.posts === 0 && r!.follows === 0 && r!.likes === 0 && r!.purges === 1))[0])
      .toEqual({ posts: 0, follows: 0, likes: 0, purges: 1 });
    // Every outbox was relayed (the relay only logs a failure: a missing grant would hide here).
    const pending = () => adminRows<{ t: string; n: number }>(
      `SELECT 'account_events' AS t, count(*)::int AS n FROM account_events WHERE published_at IS NULL
       UNION ALL SELECT 'post_events', count(*)::int FROM post_events WHERE published_at IS NULL
       UNION ALL SELECT 'social_events', count(*)::int FROM social_events WHERE published_at IS NULL`);
    const left = await until(pending, (rows) => rows.every((r) => r.n === 0));
    expect(Object.fromEntries(left.map((r) => [r.t, r.n]))).toEqual({ account_events: 0, post_events: 0, social_events: 0 });
  }, 180_000);
});
