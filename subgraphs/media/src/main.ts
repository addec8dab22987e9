// The media subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { startMedia } from './app.ts';
import { loadMediaConfig } from './config.ts';

await runMain(async () => {
  const config = loadMediaConfig();
  const handle = await startMedia(config);
  stopOnSignals(createLogger('media', config.LOG_LEVEL), [handle]);
});
