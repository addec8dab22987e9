// `npm run migrate`: applies pending prisma/migrations to DATABASE_URL (see packages/shared/src/migrate.ts).
// With DB_ROLES=true it then applies the per-subgraph database roles, as `npm run db:roles` does.
import { dbRolesFromEnv } from '../packages/shared/src/db-roles.ts';
import { migrate, MigrationError } from '../packages/shared/src/migrate.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('migrate: DATABASE_URL is missing\n');
  process.exit(1);
}

try {
  const log = (msg: string) => console.log(msg);
  const roles = process.env.DB_ROLES === 'true' ? dbRolesFromEnv(process.env, log) : undefined;
  const { applied } = await migrate(url, { log, roles });
  console.log(applied.length ? `applied ${applied.length}: ${applied.join(', ')}` : 'nothing to apply');
} catch (err) {
  // Our own refusals are already one clear line; anything else (connection refused…) gets one too.
  const msg = err instanceof MigrationError ? err.message : `migrate: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${msg.split('\n')[0]}\n`);
  process.exit(1);
}
