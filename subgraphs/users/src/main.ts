// The users subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadUsersConfig, startUsers } from './app.ts';

await runMain(async () => {
  const config = loadUsersConfig();
  const log = createLogger('users', config.LOG_LEVEL);
  const observability = await startObservability('users', log); // tracing and /metrics, stopped last
  const handle = await startUsers(config);
  stopOnSignals(log, [handle], observability);
});
