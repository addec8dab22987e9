// KEDA component: the media worker scales on the encode queue's backlog rather than CPU.
// BullMQ keeps waiting jobs in the list `<REDIS_PREFIX>bull:<queue>:wait` (queue.ts); KEDA's
// Redis scaler reads its length. KEDA owns the worker's HPA, so the CPU HPA is not rendered.
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { QUEUE_NAME } from '../../subgraphs/media/src/queue.ts';
import { shapeDefault, type CallGraph } from '../call-graph.ts';
import { labels, type K8sObject } from './common.ts';
import type { DeploySettings } from './settings.ts';
import { replicaBounds } from './workloads.ts';

const WORKER = 'media-worker';

/** The Redis list BullMQ pushes waiting encode jobs on (same spelling as queue.ts's bullPrefix). */
export const encodeWaitList = (redisPrefix: string) => `${redisPrefix}bull:${QUEUE_NAME}:wait`;

export function workerScaledObject(s: DeploySettings, graph: CallGraph): K8sObject[] {
  const worker = graph.processes.find((p) => p.name === WORKER)!;
  const concurrency = Number(shapeDefault(worker.shape, 'WORKER_CONCURRENCY'));
  const { min, max } = replicaBounds(WORKER);
  const tls = s.stores.kind === 'managed' && s.stores.redis.protocol === 'TLS';
  return [
    new TriggerAuthentication({
      metadata: { name: `${WORKER}-redis`, namespace: s.namespace, labels: labels(WORKER) },
      // Secret keda-redis: `address` (host:port) and `password` of the Redis the queue lives in.
      spec: {
        secretTargetRef: [
          { parameter: 'address', name: 'keda-redis', key: 'address' },
          { parameter: 'password', name: 'keda-redis', key: 'password' },
        ],
      },
    }),
    new ScaledObject({
      metadata: { name: WORKER, namespace: s.namespace, labels: labels(WORKER) },
      spec: {
        scaleTargetRef: { name: WORKER },
        minReplicaCount: min,
        maxReplicaCount: max,
        pollingInterval: 15,
        // Encodes are short; scale down slowly so a burst does not flap.
        cooldownPeriod: 300,
        triggers: [
          {
            type: 'redis',
            // One replica per `listLength` waiting jobs: each replica runs WORKER_CONCURRENCY at once.
            metadata: { listName: encodeWaitList(String(shapeDefault(worker.shape, 'REDIS_PREFIX'))), listLength: String(concurrency * 2), enableTLS: String(tls) },
            authenticationRef: { name: `${WORKER}-redis` },
          },
        ],
      },
    }),
  ];
}
