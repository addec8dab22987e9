// Istio, sidecar mode, as the seed design asks: mTLS only (STRICT), everything denied at the
// base, then one ALLOW policy per workload naming exactly the principals of its callers (from
// the call graph), and one Sidecar per workload whose egress lists only what it calls.
import { Gateway, ServiceEntry, Sidecar, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { AuthorizationPolicy, PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { Namespace } from 'kubernetes-models/v1';
import { operations, processPort, type CallGraph, type Edge } from '../call-graph.ts';
import { labels, NODE_LABEL, selectorOf, type K8sObject } from './common.ts';
import { principalOf, serviceHost, type DeploySettings, type ExternalStore } from './settings.ts';

/** Ports of the in-cluster data stores (Postgres, Redis, MinIO's S3 API). */
export const storePorts = { postgres: 5432, redis: 6379, s3: 9000 } as const;

/** The workload (and Service) a graph node runs as: in-cluster S3 is MinIO. */
export function workloadOf(s: DeploySettings, node: string): string {
  return node === 's3' && s.stores.kind === 'in-cluster' ? 'minio' : node;
}

/** Graph nodes that run as workloads in our namespace, behind our sidecars and policies. */
export function meshNodes(s: DeploySettings, graph: CallGraph): string[] {
  const stores = s.stores.kind === 'in-cluster' ? ['postgres', 'redis', 's3'] : [];
  return [...graph.processes.map((p) => p.name), ...stores];
}

/** The port an edge arrives on (the container port: what AuthorizationPolicy `ports` match). */
export function edgePort(s: DeploySettings, graph: CallGraph, e: Edge): number {
  if (e.kind === 'metrics') return s.metricsPort;
  const p = graph.processes.find((q) => q.name === e.to);
  if (p) return processPort(p);
  if (e.to in storePorts) return storePorts[e.to as keyof typeof storePorts];
  throw new Error(`deploy/mesh: no port for ${e.to}`);
}

/** What an AuthorizationPolicy allows for one edge: port, and for HTTP calls methods and paths. */
export function operationOf(s: DeploySettings, graph: CallGraph, e: Edge): { ports: string[]; methods?: string[]; paths?: string[] } {
  const op = operations[e.kind];
  const paths = e.kind === 'public-s3' ? [`/${s.s3.bucket}/*`] : op.paths;
  return { ports: [String(edgePort(s, graph, e))], ...(op.methods && { methods: op.methods }), ...(paths && { paths }) };
}

export function callerPrincipal(s: DeploySettings, caller: string): string {
  if (caller === 'ingress') return s.principals.ingress;
  if (caller === 'prometheus') return s.principals.prometheus;
  return principalOf(s, workloadOf(s, caller));
}

/** `<namespace>/<host>` entries a workload's Sidecar lists for one dependency. */
export function egressHosts(s: DeploySettings, node: string): string[] {
  if (node === 'otel-collector') return [`${s.otlp.namespace}/${s.otlp.host}`];
  if (s.stores.kind === 'managed' && (node === 'postgres' || node === 'redis' || node === 's3')) {
    return s.stores[node].hosts.map((h) => `./${h}`);
  }
  return [`./${serviceHost(s, workloadOf(s, node))}`];
}

function namespaceWide(s: DeploySettings): K8sObject[] {
  return [
    // Sidecar injection for every pod of the namespace.
    new Namespace({ metadata: { name: s.namespace, labels: { 'istio-injection': 'enabled', 'app.kubernetes.io/part-of': 'fffoto' } } }),
    new PeerAuthentication({ metadata: { name: 'default', namespace: s.namespace }, spec: { mtls: { mode: 'STRICT' } } }),
    // An empty spec denies every request to the namespace's workloads; ALLOW policies open edges.
    new AuthorizationPolicy({ metadata: { name: 'deny-all', namespace: s.namespace }, spec: {} }),
  ];
}

/** One rule per distinct operation, naming every caller allowed to make it. */
function rulesOf(s: DeploySettings, graph: CallGraph, incoming: Edge[]) {
  const byOperation = new Map<string, { operation: ReturnType<typeof operationOf>; principals: string[] }>();
  for (const e of incoming) {
    const operation = operationOf(s, graph, e);
    const key = JSON.stringify(operation);
    const rule = byOperation.get(key) ?? { operation, principals: [] };
    rule.principals.push(callerPrincipal(s, e.from));
    byOperation.set(key, rule);
  }
  return [...byOperation.values()].map((r) => ({ from: [{ source: { principals: r.principals } }], to: [{ operation: r.operation }] }));
}

function allowPolicy(s: DeploySettings, graph: CallGraph, node: string): AuthorizationPolicy | undefined {
  const incoming = graph.edges.filter((e) => e.to === node);
  if (!incoming.length) return undefined;
  const name = workloadOf(s, node);
  return new AuthorizationPolicy({
    metadata: { name: `allow-${name}`, namespace: s.namespace, labels: labels(name, node) },
    spec: {
      selector: { matchLabels: selectorOf(name) },
      action: 'ALLOW',
      rules: rulesOf(s, graph, incoming),
    },
  });
}

function sidecar(s: DeploySettings, graph: CallGraph, node: string): Sidecar {
  const name = workloadOf(s, node);
  const targets = [...new Set(graph.edges.filter((e) => e.from === node).map((e) => e.to))];
  return new Sidecar({
    metadata: { name, namespace: s.namespace, labels: labels(name, node) },
    spec: {
      workloadSelector: { labels: selectorOf(name) },
      // Only these hosts are pushed to this proxy (smaller config, fewer updates) and reachable.
      egress: [{ hosts: [...targets.flatMap((t) => egressHosts(s, t)), 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    },
  });
}

/** The managed data stores, registered with the mesh (REGISTRY_ONLY reaches nothing else). */
export function externalStores(s: DeploySettings): K8sObject[] {
  if (s.stores.kind !== 'managed') return [];
  const entry = (node: string, store: ExternalStore) =>
    new ServiceEntry({
      metadata: { name: node, namespace: s.namespace, labels: { 'app.kubernetes.io/part-of': 'fffoto', [NODE_LABEL]: node } },
      spec: {
        hosts: store.hosts,
        exportTo: ['.'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: store.port, name: `${store.protocol.toLowerCase()}-${node}`, protocol: store.protocol }],
      },
    });
  return [entry('postgres', s.stores.postgres), entry('redis', s.stores.redis), entry('s3', s.stores.s3)];
}

/** The only way in: the gateway's /graphql (its IDE and SDL below it; graphql-ws upgrades on it). */
function ingress(s: DeploySettings, graph: CallGraph): K8sObject[] {
  const publicS3 = graph.edges.some((e) => e.kind === 'public-s3') && s.stores.kind === 'in-cluster' ? s.stores.s3PublicHost : undefined;
  const hosts = [s.apiHost, ...(publicS3 ? [publicS3] : [])];
  const gateway = graph.processes.find((p) => p.name === 'gateway')!;
  const out: K8sObject[] = [
    new Gateway({
      metadata: { name: 'fffoto', namespace: s.namespace, labels: { 'app.kubernetes.io/part-of': 'fffoto' } },
      spec: {
        selector: s.ingressSelector,
        servers: [
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode: 'SIMPLE', credentialName: s.tlsCredentialName } },
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts, tls: { httpsRedirect: true } },
        ],
      },
    }),
    new VirtualService({
      metadata: { name: 'gateway', namespace: s.namespace, labels: labels('gateway') },
      spec: {
        hosts: [s.apiHost],
        gateways: ['fffoto'],
        http: [
          {
            name: 'graphql',
            // Istio passes WebSocket upgrades (graphql-ws subscriptions) through HTTP routes.
            match: [{ uri: { exact: '/graphql' } }, { uri: { prefix: '/graphql/' } }],
            route: [{ destination: { host: serviceHost(s, 'gateway'), port: { number: processPort(gateway) } } }],
          },
        ],
      },
    }),
  ];
  if (publicS3) {
    out.push(
      new VirtualService({
        metadata: { name: 'minio', namespace: s.namespace, labels: labels('minio', 's3') },
        spec: {
          hosts: [publicS3],
          gateways: ['fffoto'],
          http: [
            {
              name: 'presigned',
              // Browsers PUT and GET presigned URLs of the bucket (path style), nothing else.
              match: [{ uri: { prefix: `/${s.s3.bucket}/` } }],
              route: [{ destination: { host: serviceHost(s, 'minio'), port: { number: storePorts.s3 } } }],
            },
          ],
        },
      }),
    );
  }
  return out;
}

export function mesh(s: DeploySettings, graph: CallGraph): K8sObject[] {
  const nodes = meshNodes(s, graph);
  return [
    ...namespaceWide(s),
    ...nodes.flatMap((n) => allowPolicy(s, graph, n) ?? []),
    ...nodes.map((n) => sidecar(s, graph, n)),
    ...externalStores(s),
    ...ingress(s, graph),
  ];
}
