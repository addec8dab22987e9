// The media worker as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadMediaConfig } from '../config.ts';
import { startMediaWorker } from './app.ts';

await runMain(async () => {
  const config = loadMediaConfig();
  const log = createLogger('media-worker', config.LOG_LEVEL);
  const observability = await startObservability('media-worker', log); // tracing and /metrics, stopped last
  const handle = await startMediaWorker(config);
  stopOnSignals(log, [handle], observability);
});
