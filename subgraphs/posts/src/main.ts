// The posts subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadPostsConfig, startPosts } from './app.ts';

await runMain(async () => {
  const config = loadPostsConfig();
  const handle = await startPosts(config);
  stopOnSignals(createLogger('posts', config.LOG_LEVEL), [handle]);
});
