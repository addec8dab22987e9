// The users subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadUsersConfig, startUsers } from './app.ts';

await runMain(async () => {
  const config = loadUsersConfig();
  const handle = await startUsers(config);
  stopOnSignals(createLogger('users', config.LOG_LEVEL), [handle]);
});
