import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // Node resolves `graphql` to its CommonJS build (no "exports" map), Vite to its ESM one:
  // two copies break instanceof checks between our code and Apollo's. Use Node's choice.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.data/**'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Forks, not threads: sharp, argon2 and pg hold native state that is safest per process.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2, // CI machines have 2 cores
  },
});
