// `npm run user:role -- <handle> <USER|STAFF>`: sets a user's role. Deliberately not an API: who
// is staff is decided by someone with access to the database. Tokens carry the role, so the
// user's current access tokens are revoked (with REDIS_URL, where every service checks them) and
// the new role applies from the next refresh or log-in. Without REDIS_URL it applies when the
// current access token expires (ACCESS_TOKEN_TTL_SECONDS).
import { createDb } from '@fffoto/shared/db';
import { openRevocations } from '@fffoto/shared/revocation';

const [handle, role] = process.argv.slice(2);
if (!handle || (role !== 'USER' && role !== 'STAFF')) {
  process.stderr.write('usage: npm run user:role -- <handle> <USER|STAFF>\n');
  process.exit(2);
}
// Embedded `npm start` serves its PGlite database here.
const databaseUrl = process.env.DATABASE_URL ?? `postgresql://postgres@127.0.0.1:${process.env.PGLITE_PORT ?? 54329}/postgres?sslmode=disable`;
const db = createDb(databaseUrl);
try {
  const { count } = await db.user.updateMany({ where: { handle: handle.trim().toLowerCase(), deletedAt: null }, data: { role } });
  if (count === 0) {
    process.stderr.write(`no user with handle ${JSON.stringify(handle)}\n`);
    process.exitCode = 1;
  } else {
    const user = await db.user.findFirstOrThrow({ where: { handle: handle.trim().toLowerCase() } });
    if (process.env.REDIS_URL) {
      const revocations = openRevocations({ url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX ?? 'fffoto:' });
      await revocations.revokeUser(user.id, Number(process.env.ACCESS_TOKEN_TTL_SECONDS ?? 900));
      await revocations.close();
    }
    process.stdout.write(`${user.handle} is now ${role}\n`);
  }
} finally {
  await db.$disconnect();
}
