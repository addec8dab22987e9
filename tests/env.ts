// What tests/global-setup.ts prepared for this run: the migrated database and the Redis prefix.
import { inject } from 'vitest';
import type { TestEnv } from './global-setup.ts';

export function testEnv(): TestEnv {
  return inject('testEnv');
}
