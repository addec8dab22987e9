// One process = ServiceAccount (its mesh identity) + Deployment + Service + HPA + PDB; the
// migrate Job runs the migrations and then the per-subgraph Postgres roles.
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service, ServiceAccount, type IContainer, type IEnvVar } from 'kubernetes-models/v1';
import { processPort, shapeDefault, type CallGraph, type ProcessSpec } from '../call-graph.ts';
import { listSubgraphs } from '../../scripts/subgraphs.ts';
import { containerSecurity, labels, meshPodAnnotations, PHASE_LABEL, podSecurity, selectorOf, tmpVolume, type K8sObject } from './common.ts';
import { serviceHost, type DeploySettings } from './settings.ts';

/** The `node` user of the node:20 image (the Dockerfile's USER). */
const NODE_UID = 1000;

/** Requests are what a replica needs at rest; HPAs scale on CPU against them. */
const resources: Record<string, IContainer['resources']> = {
  // A 64 MB semi-space (gateway/src/node-flags.ts): about 100 MB more under load than V8's default.
  gateway: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  users: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }, // argon2 hashing
  posts: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  social: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  // ffmpeg's working files go to the /tmp emptyDir (4Gi): requested, so the scheduler counts the disk.
  media: { requests: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '4Gi' }, limits: { cpu: '2', memory: '1Gi' } }, // previewLoop runs ffmpeg in the request
  'media-worker': { requests: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '4Gi' }, limits: { cpu: '2', memory: '2Gi' } }, // sharp + ffmpeg
  migrate: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
};

/** Replica bounds (HPA); the worker's maximum bounds encode parallelism against Postgres and S3. */
const replicas: Record<string, { min: number; max: number }> = {
  gateway: { min: 2, max: 10 },
  users: { min: 2, max: 6 },
  posts: { min: 2, max: 10 },
  social: { min: 2, max: 10 },
  media: { min: 2, max: 8 },
  'media-worker': { min: 1, max: 10 },
};
export const replicaBounds = (name: string) => replicas[name] ?? { min: 2, max: 6 };

const value = (name: string, v: string | number): IEnvVar => ({ name, value: String(v) });
const fromSecret = (name: string, secret: string, key = name, optional?: boolean): IEnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key, ...(optional === undefined ? {} : { optional }) } },
});

/** `http://<service>.<ns>.svc.cluster.local:<port><path of the shape's default URL>`. */
function serviceUrl(s: DeploySettings, graph: CallGraph, target: string, defaultUrl: unknown): string {
  const p = graph.processes.find((q) => q.name === target)!;
  const path = typeof defaultUrl === 'string' ? new URL(defaultUrl).pathname : '/graphql';
  return `http://${serviceHost(s, target)}:${processPort(p)}${path}`;
}

/** The environment of a process: its port, the platform's endpoints, and one entry per edge. */
export function processEnv(s: DeploySettings, graph: CallGraph, p: ProcessSpec): IEnvVar[] {
  const env: IEnvVar[] = [value('NODE_ENV', 'production'), value('LOG_LEVEL', 'info')];
  if (!p.job) {
    env.push(value('HOST', '0.0.0.0'), value(p.portKey, processPort(p)), value('METRICS_PORT', s.metricsPort), value('OTEL_SERVICE_NAME', p.name));
  }
  const inCluster = s.stores.kind === 'in-cluster';
  for (const e of graph.edges.filter((x) => x.from === p.name)) {
    switch (e.kind) {
      case 'postgres':
        env.push(fromSecret('DATABASE_URL', `${p.dbRole ?? p.name}-database`));
        break;
      case 'redis':
        env.push(inCluster ? value('REDIS_URL', `redis://${serviceHost(s, 'redis')}:6379`) : fromSecret('REDIS_URL', 'redis'));
        env.push(value('REDIS_PREFIX', String(shapeDefault(p.shape, 'REDIS_PREFIX'))));
        break;
      case 's3':
        env.push(value('S3_BUCKET', s.s3.bucket), value('S3_REGION', s.s3.region));
        if (s.stores.kind === 'in-cluster') {
          env.push(value('S3_ENDPOINT', `http://${serviceHost(s, 'minio')}:9000`), value('S3_FORCE_PATH_STYLE', 'true'));
          // The browser PUTs and GETs straight to S3: presigned URLs name the public host.
          if (p.graphql) env.push(value('S3_PUBLIC_ENDPOINT', `https://${s.stores.s3PublicHost}`));
        }
        // Media sets the bucket's CORS at start: only the web app's origins may PUT from a browser.
        if (p.graphql) env.push(value('CORS_ORIGINS', s.webOrigins.join(',')));
        env.push(fromSecret('S3_ACCESS_KEY_ID', 's3-credentials'), fromSecret('S3_SECRET_ACCESS_KEY', 's3-credentials'));
        break;
      case 'otlp':
        // The base endpoint (OTLP/HTTP): the SDK appends /v1/traces, /v1/metrics per signal.
        env.push(value('OTEL_EXPORTER_OTLP_ENDPOINT', `http://${s.otlp.host}:${s.otlp.port}`));
        break;
      case 'jwks':
      case 'graphql':
        env.push(value(e.via, serviceUrl(s, graph, e.to, shapeDefault(p.shape, e.via))));
        break;
      case 'federation':
        if (!env.some((v) => v.name === e.via)) {
          const urls = listSubgraphs().map((sub) => `${sub.name}=${serviceUrl(s, graph, sub.name, sub.routingUrl)}`);
          env.push(value(e.via, urls.join(',')));
        }
        break;
      case 'subscription': // the same SUBGRAPH_URLS as the federation edges
        break;
    }
  }
  // users signs tokens: production refuses to start without its key.
  if ('JWT_PRIVATE_KEY' in p.shape) env.push(fromSecret('JWT_PRIVATE_KEY', `${p.name}-jwt`), fromSecret('JWT_KEY_ID', `${p.name}-jwt`));
  return env;
}

function processContainer(s: DeploySettings, graph: CallGraph, p: ProcessSpec): IContainer {
  const port = processPort(p);
  return {
    name: p.name,
    image: s.image(p.target),
    // As the Dockerfile's CMD: no npm in between (it wants a writable $HOME), signals reach the process.
    command: ['node', ...(p.nodeFlags ?? []), '--import', 'tsx', p.entry],
    env: processEnv(s, graph, p),
    ports: [
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'http-metrics', containerPort: s.metricsPort, protocol: 'TCP' },
    ],
    // /health answers while the process runs; /ready checks its dependencies (shared/src/http.ts).
    startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    resources: resources[p.name],
    securityContext: containerSecurity,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** Seconds a stopping pod gets: the worker finishes the job in hand (its job timeout), others drain. */
function gracePeriod(p: ProcessSpec): number {
  const jobTimeout = shapeDefault(p.shape, 'WORKER_JOB_TIMEOUT_MS');
  return !p.graphql && typeof jobTimeout === 'number' ? Math.ceil(jobTimeout / 1000) + 30 : 30;
}

export function serviceAccount(s: DeploySettings, name: string, node = name): ServiceAccount {
  return new ServiceAccount({ metadata: { name, namespace: s.namespace, labels: labels(name, node) }, automountServiceAccountToken: false });
}

function deployment(s: DeploySettings, graph: CallGraph, p: ProcessSpec): Deployment {
  const tmp = tmpVolume(p.name === 'media-worker' || p.name === 'media' ? '4Gi' : '1Gi');
  const container = processContainer(s, graph, p);
  return new Deployment({
    metadata: {
      name: p.name,
      namespace: s.namespace,
      labels: { ...labels(p.name), [PHASE_LABEL]: 'rollout' },
      // After the migrate Job (wave 1) under Argo CD.
      annotations: { 'argocd.argoproj.io/sync-wave': '2' },
    },
    spec: {
      // No replicas: the HPA (or KEDA) owns the count; applying again must not reset it.
      selector: { matchLabels: selectorOf(p.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: labels(p.name), annotations: meshPodAnnotations },
        spec: {
          serviceAccountName: p.name,
          automountServiceAccountToken: false,
          securityContext: podSecurity(NODE_UID),
          terminationGracePeriodSeconds: gracePeriod(p),
          containers: [container],
          volumes: [tmp.volume],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf(p.name) } },
          ],
        },
      },
    },
  });
}

function service(s: DeploySettings, p: ProcessSpec): Service {
  const ports: Array<{ name: string; port: number; targetPort: string }> = [{ name: 'http-metrics', port: s.metricsPort, targetPort: 'http-metrics' }];
  // The worker serves no traffic: its Service exists for Prometheus only.
  if (p.graphql) ports.unshift({ name: 'http', port: processPort(p), targetPort: 'http' });
  return new Service({
    metadata: { name: p.name, namespace: s.namespace, labels: labels(p.name) },
    spec: { selector: selectorOf(p.name), ports: ports.map((x) => ({ ...x, protocol: 'TCP', appProtocol: 'http' })) },
  });
}

export function cpuAutoscaler(s: DeploySettings, name: string): HorizontalPodAutoscaler {
  const { min, max } = replicaBounds(name);
  return new HorizontalPodAutoscaler({
    metadata: { name, namespace: s.namespace, labels: labels(name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
}

function disruptionBudget(s: DeploySettings, name: string): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name, namespace: s.namespace, labels: labels(name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(name) } },
  });
}

/**
 * `npm run migrate` (init container), then `npm run db:roles` (grants for each subgraph's
 * role, which must follow every migration). Run it before the rollout (README: order).
 */
function migrateJob(s: DeploySettings, graph: CallGraph, p: ProcessSpec): Job {
  const tmp = tmpVolume('256Mi');
  const base: IContainer = {
    name: 'migrate',
    image: s.image(p.target),
    // npm keeps its cache and logs in $HOME, which is read-only here.
    env: [...processEnv(s, graph, p), value('NPM_CONFIG_CACHE', '/tmp/.npm')],
    resources: resources[p.name],
    securityContext: containerSecurity,
    volumeMounts: [tmp.mount],
  };
  return new Job({
    metadata: {
      name: p.name,
      namespace: s.namespace,
      labels: labels(p.name),
      // Argo CD: a Sync hook in wave 1, after the namespace, mesh and ServiceAccounts (wave 0),
      // before the Deployments (wave 2); recreated on every sync. kubectl: see deploy/README.md.
      annotations: {
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        'argocd.argoproj.io/sync-wave': '1',
      },
    },
    spec: {
      backoffLimit: 4,
      template: {
        metadata: {
          labels: labels(p.name),
          // Native sidecar: the proxy starts before the init container and ends with the Job.
          annotations: { ...meshPodAnnotations, 'sidecar.istio.io/nativeSidecar': 'true' },
        },
        spec: {
          serviceAccountName: p.name,
          automountServiceAccountToken: false,
          restartPolicy: 'OnFailure',
          securityContext: podSecurity(NODE_UID),
          initContainers: [{ ...base, name: 'migrate', command: ['npm', 'run', 'migrate'] }],
          containers: [
            {
              ...base,
              name: 'db-roles',
              command: ['npm', 'run', 'db:roles'],
              // DB_ROLE_PASSWORD_<SUBGRAPH>: absent, the roles get no password (IAM / trust auth).
              envFrom: [{ secretRef: { name: 'db-role-passwords', optional: true } }],
            },
          ],
          volumes: [tmp.volume],
        },
      },
    },
  });
}

/** Every process's objects (the worker's autoscaler is added by the overlay: HPA or KEDA). */
export function workloads(s: DeploySettings, graph: CallGraph): K8sObject[] {
  const out: K8sObject[] = [];
  for (const p of graph.processes) {
    out.push(serviceAccount(s, p.name));
    if (p.job) {
      out.push(migrateJob(s, graph, p));
      continue;
    }
    out.push(deployment(s, graph, p), service(s, p), disruptionBudget(s, p.name));
    if (p.graphql) out.push(cpuAutoscaler(s, p.name));
  }
  return out;
}
