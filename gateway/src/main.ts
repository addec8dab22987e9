// The gateway as its own process. SUPERGRAPH_FILE may name any composed supergraph.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadGatewayConfig, startGateway } from './app.ts';

await runMain(async () => {
  const config = loadGatewayConfig();
  const handle = await startGateway(config);
  stopOnSignals(createLogger('gateway', config.LOG_LEVEL), [handle]);
});
