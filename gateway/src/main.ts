// The gateway as its own process. SUPERGRAPH_FILE may name any composed supergraph.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadGatewayConfig, startGateway } from './app.ts';

await runMain(async () => {
  const config = loadGatewayConfig();
  const log = createLogger('gateway', config.LOG_LEVEL);
  const observability = await startObservability('gateway', log); // tracing and /metrics, stopped last
  const handle = await startGateway(config);
  stopOnSignals(log, [handle], observability);
});
