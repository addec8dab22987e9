// `npm run db:roles`: one login role per subgraph with grants on its own tables only, applied to
// DATABASE_URL (a user that may create roles and owns the tables: the one that migrates). See
// packages/shared/src/db-roles.ts. Env: DB_ROLE_PASSWORD_<SUBGRAPH> (optional), DB_ROLE_PREFIX.
import { applyDbRoles, dbRolesFromEnv } from '../packages/shared/src/db-roles.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('db-roles: DATABASE_URL is missing\n');
  process.exit(1);
}

try {
  await applyDbRoles(url, dbRolesFromEnv(process.env, (msg) => console.log(msg)));
} catch (err) {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${msg.startsWith('db-roles:') ? msg : `db-roles: ${msg}`}\n`);
  process.exit(1);
}
