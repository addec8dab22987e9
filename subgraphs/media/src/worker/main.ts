// The media worker as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadMediaConfig } from '../config.ts';
import { startMediaWorker } from './app.ts';

await runMain(async () => {
  const config = loadMediaConfig();
  const handle = await startMediaWorker(config);
  stopOnSignals(createLogger('media-worker', config.LOG_LEVEL), [handle]);
});
