// Self-contained: Postgres, Redis and MinIO (S3 API) run as StatefulSets inside the mesh, each
// with its own principal and ALLOW policy. Browsers reach MinIO for presigned URLs through the
// ingress gateway (its own host, the bucket's paths only). No Prometheus operator assumed.
import { buildBase, type Rendered } from '../base/index.ts';
import { defaultSettings, type DeploySettings } from '../base/settings.ts';

export const inClusterSettings: DeploySettings = {
  ...defaultSettings,
  stores: { kind: 'in-cluster', s3PublicHost: 's3.fffoto.example' },
  monitoring: false,
  workerScaling: 'hpa',
};

export const inCluster = (): Rendered => buildBase(inClusterSettings);
