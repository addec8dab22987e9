// The self-contained variant's data stores, inside the mesh: Postgres, Redis and MinIO (S3 API)
// as single-replica StatefulSets. Good for staging and small installs; the managed overlay is
// the production shape (the provider runs replicas, backups and failover).
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { Service, type IContainer, type IVolume } from 'kubernetes-models/v1';
import { containerSecurity, labels, meshPodAnnotations, podSecurity, selectorOf, type K8sObject } from './common.ts';
import { storePorts } from './mesh.ts';
import { serviceAccount } from './workloads.ts';
import type { DeploySettings } from './settings.ts';

interface StoreSpec {
  name: string;
  node: 'postgres' | 'redis' | 's3';
  image: string;
  uid: number;
  port: number;
  /** Istio protocol by port name: tcp-* is opaque TCP, http-* is HTTP. */
  portName: string;
  dataPath: string;
  storage: string;
  container: Partial<IContainer>;
  /** Writable paths besides the data volume (read-only root filesystem). */
  scratch: string[];
}

const stores: StoreSpec[] = [
  {
    name: 'postgres',
    node: 'postgres',
    image: 'postgres:15.10-bookworm',
    uid: 999, // the image's postgres user
    port: storePorts.postgres,
    portName: 'tcp-postgres',
    dataPath: '/var/lib/postgresql/data',
    storage: '20Gi',
    scratch: ['/var/run/postgresql', '/tmp'],
    container: {
      env: [
        { name: 'POSTGRES_USER', value: 'fffoto' },
        { name: 'POSTGRES_DB', value: 'fffoto' },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-admin', key: 'POSTGRES_PASSWORD' } } },
        // A subfolder: the volume's root holds lost+found on most storage classes.
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      readinessProbe: { exec: { command: ['pg_isready', '-U', 'fffoto', '-d', 'fffoto'] }, periodSeconds: 5 },
      livenessProbe: { exec: { command: ['pg_isready', '-U', 'fffoto', '-d', 'fffoto'] }, periodSeconds: 10, failureThreshold: 6 },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    },
  },
  {
    name: 'redis',
    node: 'redis',
    image: 'redis:7.4-bookworm',
    uid: 999, // the image's redis user
    port: storePorts.redis,
    portName: 'tcp-redis',
    dataPath: '/data',
    storage: '5Gi',
    scratch: ['/tmp'],
    container: {
      // Streams (events) and the encode queue must survive a restart: append-only file on.
      args: ['--appendonly', 'yes', '--dir', '/data'],
      readinessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 5 },
      livenessProbe: { exec: { command: ['redis-cli', 'ping'] }, periodSeconds: 10, failureThreshold: 6 },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
  },
  {
    name: 'minio',
    node: 's3',
    image: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
    uid: 1000,
    port: storePorts.s3,
    portName: 'http-s3',
    dataPath: '/data',
    storage: '100Gi',
    scratch: ['/tmp'],
    container: {
      // --certs-dir: MinIO would create ~/.minio/certs on the read-only root filesystem.
      args: ['server', '/data', '--address', `:${storePorts.s3}`, '--certs-dir', '/tmp/certs'],
      env: [
        // The same keys media and the worker sign with (Secret s3-credentials).
        { name: 'MINIO_ROOT_USER', valueFrom: { secretKeyRef: { name: 's3-credentials', key: 'S3_ACCESS_KEY_ID' } } },
        { name: 'MINIO_ROOT_PASSWORD', valueFrom: { secretKeyRef: { name: 's3-credentials', key: 'S3_SECRET_ACCESS_KEY' } } },
      ],
      readinessProbe: { httpGet: { path: '/minio/health/ready', port: 's3' }, periodSeconds: 5 },
      livenessProbe: { httpGet: { path: '/minio/health/live', port: 's3' }, periodSeconds: 10, failureThreshold: 6 },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
  },
];

function statefulSet(s: DeploySettings, st: StoreSpec): StatefulSet {
  const storageClassName = s.stores.kind === 'in-cluster' ? s.stores.storageClassName : undefined;
  const scratch: IVolume[] = st.scratch.map((_, i) => ({ name: `scratch-${i}`, emptyDir: { sizeLimit: '1Gi' } }));
  return new StatefulSet({
    metadata: { name: st.name, namespace: s.namespace, labels: labels(st.name, st.node) },
    spec: {
      serviceName: st.name,
      replicas: 1,
      selector: { matchLabels: selectorOf(st.name) },
      template: {
        metadata: { labels: labels(st.name, st.node), annotations: meshPodAnnotations },
        spec: {
          serviceAccountName: st.name,
          automountServiceAccountToken: false,
          securityContext: podSecurity(st.uid),
          containers: [
            {
              name: st.name,
              image: st.image,
              ports: [{ name: st.node === 's3' ? 's3' : st.name, containerPort: st.port, protocol: 'TCP' }],
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'data', mountPath: st.dataPath }, ...st.scratch.map((path, i) => ({ name: `scratch-${i}`, mountPath: path }))],
              ...st.container,
            },
          ],
          volumes: scratch,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: st.storage } }, ...(storageClassName && { storageClassName }) },
        },
      ],
    },
  });
}

function storeService(s: DeploySettings, st: StoreSpec): Service {
  return new Service({
    metadata: { name: st.name, namespace: s.namespace, labels: labels(st.name, st.node) },
    spec: {
      selector: selectorOf(st.name),
      ports: [{ name: st.portName, port: st.port, targetPort: st.port, protocol: 'TCP', appProtocol: st.portName.startsWith('http') ? 'http' : 'tcp' }],
    },
  });
}

/** ServiceAccount (principal), StatefulSet and Service of each in-cluster store. */
export function inClusterStores(s: DeploySettings): K8sObject[] {
  return stores.flatMap((st) => [serviceAccount(s, st.name, st.node), statefulSet(s, st), storeService(s, st)]);
}
