// Pieces every workload shares: labels, the locked-down security context, a writable /tmp.
import type { IContainer, IPodSecurityContext, IVolume, IVolumeMount } from 'kubernetes-models/v1';

/** Any typed object the overlays produce (a kubernetes-models class: .validate() checks its schema). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  validate(): void;
  toJSON(): unknown;
}

/** The graph node a workload is (a process, or a data store: minio is the node `s3`). */
export const NODE_LABEL = 'fffoto.dev/node';
/** Deployments carry it so `kubectl apply -l 'fffoto.dev/phase!=rollout'` can go first (see README). */
export const PHASE_LABEL = 'fffoto.dev/phase';

export function labels(name: string, node = name): Record<string, string> {
  return { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'fffoto', [NODE_LABEL]: node };
}

export const selectorOf = (name: string) => ({ app: name });

/** Pod level: never root, the runtime's seccomp profile, no Kubernetes API token. */
export function podSecurity(uid: number): IPodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container level: read-only root filesystem, no privilege escalation, no capabilities. */
export const containerSecurity: IContainer['securityContext'] = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

/** /tmp as an emptyDir: tsx's compile cache, ffmpeg's work files, npm's cache in the Job. */
export function tmpVolume(sizeLimit: string): { volume: IVolume; mount: IVolumeMount } {
  return { volume: { name: 'tmp', emptyDir: { sizeLimit } }, mount: { name: 'tmp', mountPath: '/tmp' } };
}

/**
 * Istio pod annotations: the app starts once its proxy is up (it connects to Postgres and Redis
 * at start, and REGISTRY_ONLY egress needs the proxy), and the proxy stops only once the app has
 * closed its connections (Istio 1.12+), not 5 s after SIGTERM: a stopping worker finishes its
 * encode and a stopping subgraph its requests, outbox relay and trace flush. Probes go through
 * the proxy's agent.
 */
export const meshPodAnnotations: Record<string, string> = {
  'proxy.istio.io/config': JSON.stringify({ holdApplicationUntilProxyStarts: true, proxyMetadata: { EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true' } }),
  'sidecar.istio.io/rewriteAppHTTPProbers': 'true',
};
