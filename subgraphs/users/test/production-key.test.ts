// Production never runs on an ephemeral signing key: the users process refuses to start
// without JWT_PRIVATE_KEY, with one line naming it (as for any missing variable).
import { describe, expect, it } from 'vitest';
import { spawnEntry } from '../../../tests/support/processes.ts';

describe('users in production', () => {
  it('exits with one line naming JWT_PRIVATE_KEY when it is missing', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', USERS_PORT: '0', LOG_LEVEL: 'silent' };
    delete env.JWT_PRIVATE_KEY;
    const proc = spawnEntry('subgraphs/users/src/main.ts', env);
    try {
      const exit = await proc.waitForExit(30_000);
      expect(exit.code).toBe(1);
      const lines = proc.stderr().trim().split('\n').filter((l) => !/NodeVersionSupportWarning|^\(node:|^$/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/JWT_PRIVATE_KEY/);
    } finally {
      await proc.kill();
    }
  }, 40_000);
});
