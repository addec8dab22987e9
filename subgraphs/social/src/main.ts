// The social subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadSocialConfig, startSocial } from './app.ts';

await runMain(async () => {
  const config = loadSocialConfig();
  const handle = await startSocial(config);
  stopOnSignals(createLogger('social', config.LOG_LEVEL), [handle]);
});
