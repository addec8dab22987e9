// The posts subgraph as its own process.
import { runMain } from '@fffoto/shared/config';
import { createLogger } from '@fffoto/shared/logger';
import { startObservability } from '@fffoto/shared/observability';
import { stopOnSignals } from '@fffoto/shared/server';
import { loadPostsConfig, startPosts } from './app.ts';

await runMain(async () => {
  const config = loadPostsConfig();
  const log = createLogger('posts', config.LOG_LEVEL);
  const observability = await startObservability('posts', log); // tracing and /metrics, stopped last
  const handle = await startPosts(config);
  stopOnSignals(log, [handle], observability);
});
