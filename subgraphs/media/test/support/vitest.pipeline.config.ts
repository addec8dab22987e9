// The pipeline tests need only sharp and ffmpeg; the root config's globalSetup wants Postgres
// and Redis. Run with: npx vitest run --config subgraphs/media/test/support/vitest.pipeline.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../../../', import.meta.url).pathname,
    include: ['subgraphs/media/test/pipeline*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
