import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
const require = createRequire(import.meta.url);
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: { include: ['**/*.mutant.ts'], exclude: ['**/node_modules/**'], globalSetup: ['tests/global-setup.ts'], testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks', maxWorkers: 2 },
});
