// Production shape: Postgres, Redis and the S3 bucket are managed services outside the cluster
// (ServiceEntries MESH_EXTERNAL register them; REGISTRY_ONLY reaches nothing else). The worker
// scales on CPU; the Prometheus operator scrapes every process. Replace the placeholder hosts.
import { buildBase, type Rendered } from '../base/index.ts';
import { defaultSettings, type DeploySettings } from '../base/settings.ts';

export const managedSettings: DeploySettings = {
  ...defaultSettings,
  stores: {
    kind: 'managed',
    // sslmode=require in each <subgraph>-database Secret: TLS inside the Postgres protocol, so TCP here.
    postgres: { hosts: ['fffoto.cluster-example.us-east-1.rds.amazonaws.com'], port: 5432, protocol: 'TCP' },
    // rediss:// in the redis Secret.
    redis: { hosts: ['master.fffoto.example.use1.cache.amazonaws.com'], port: 6379, protocol: 'TLS' },
    // The bucket's virtual-hosted name only: every call media and the worker make (CreateBucket,
    // HeadBucket and PutBucketCors included) goes there. The regional endpoint
    // (s3.<region>.amazonaws.com) would let a pod path-style-write to any bucket: not listed.
    s3: { hosts: [`${defaultSettings.s3.bucket}.s3.${defaultSettings.s3.region}.amazonaws.com`], port: 443, protocol: 'TLS' },
  },
  monitoring: true,
  workerScaling: 'hpa',
};

export const managed = (): Rendered => buildBase(managedSettings);
