// The media subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { startMedia } from './app.ts';
import { loadMediaConfig } from './config.ts';

await runMain(async () => {
  const config = loadMediaConfig();
  const log = createLogger('media', config.LOG_LEVEL);
  const observability = await startObservability('media', log); // tracing and /metrics, stopped last
  const handle = await startMedia(config);
  stopOnSignals(log, [handle], observability);
});
