// Every overlay `npm run deploy:render` writes to deploy/rendered/<name>/.
import type { Rendered } from '../base/index.ts';
import { inCluster } from './in-cluster.ts';
import { keda } from './keda.ts';
import { managed } from './managed.ts';

export const overlays: Record<string, () => Rendered> = {
  managed,
  'in-cluster': inCluster,
  keda,
};
