// Runs `prisma generate` on any machine. Prisma's CLI insists on a schema engine binary even
// though generate never runs it, and downloads one from its own host when missing; machines
// that reach only the npm registry cannot. There we point PRISMA_SCHEMA_ENGINE_BINARY at an
// existing file (this Node binary) — generate only checks that it exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const require = createRequire(import.meta.url);
  let haveEngine = false;
  try {
    const enginesDir = path.dirname(require.resolve('@prisma/engines/package.json'));
    haveEngine = readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  } catch { /* engines package absent: treat as no engine */ }
  if (!haveEngine) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const bin = path.resolve('node_modules/.bin/prisma');
if (!existsSync(bin)) {
  console.error('prisma CLI not installed yet; run npm install');
  process.exit(1);
}
const result = spawnSync(bin, ['generate'], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
