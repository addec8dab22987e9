// The social subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadSocialConfig, startSocial } from './app.ts';

await runMain(async () => {
  const config = loadSocialConfig();
  const log = createLogger('social', config.LOG_LEVEL);
  const observability = await startObservability('social', log); // tracing and /metrics, stopped last
  const handle = await startSocial(config);
  stopOnSignals(log, [handle], observability);
});
