// Static checks of rendered manifests against the call graph, used by tests/deploy-*.test.ts.
// They read the plain objects (parsed from the YAML that ships), never the builders' intent:
// each returns a list of problems, empty when the manifests implement exactly the graph.
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '@fffoto/shared/config';
import type { CallGraph, ProcessSpec } from './call-graph.ts';
import { edgePort, meshNodes, operationOf } from './base/mesh.ts';
import { NODE_LABEL } from './base/common.ts';
import { principalOf, type DeploySettings } from './base/settings.ts';

/** A manifest as parsed from YAML. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  [key: string]: unknown;
}

interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: any;
  livenessProbe?: any;
  startupProbe?: any;
  securityContext?: any;
}

interface PodOwner {
  obj: Obj;
  node: string;
  app: string;
  serviceAccount: string;
  podSpec: any;
}

const POD_KINDS = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob', 'ReplicaSet', 'Pod']);

/** Workloads that run pods: their graph node (label), app label, ServiceAccount and pod spec. */
export function podOwners(objects: Obj[]): PodOwner[] {
  return objects
    .filter((o) => POD_KINDS.has(o.kind))
    .map((o) => {
      const template = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
      const labels = template?.metadata?.labels ?? {};
      return { obj: o, node: labels[NODE_LABEL], app: labels.app, serviceAccount: template?.spec?.serviceAccountName ?? 'default', podSpec: template?.spec ?? {} };
    });
}

export const containersOf = (owner: PodOwner): Container[] => [...(owner.podSpec.initContainers ?? []), ...(owner.podSpec.containers ?? [])];

const sig = (from: string, to: string, op: { ports?: string[]; methods?: string[]; paths?: string[] }) =>
  `${from} -> ${to} ports=${[...(op.ports ?? ['*'])].sort().join(',')} methods=${[...(op.methods ?? ['*'])].sort().join(',')} paths=${[...(op.paths ?? ['*'])].sort().join(',')}`;

function diff(label: string, expected: Set<string>, actual: Set<string>): string[] {
  return [
    ...[...expected].filter((e) => !actual.has(e)).map((e) => `${label}: missing ${e}`),
    ...[...actual].filter((a) => !expected.has(a)).map((a) => `${label}: not in the call graph: ${a}`),
  ];
}

/** principal → graph node: our ServiceAccounts (through the pods that use them) and the platform's. */
function principals(s: DeploySettings, objects: Obj[]): Map<string, string> {
  const map = new Map<string, string>([
    [s.principals.ingress, 'ingress'],
    [s.principals.prometheus, 'prometheus'],
  ]);
  for (const w of podOwners(objects)) map.set(principalOf(s, w.serviceAccount), w.node);
  return map;
}

/** The ALLOW AuthorizationPolicies allow exactly the graph's edges into mesh workloads. */
export function checkAuthorization(s: DeploySettings, graph: CallGraph, objects: Obj[]): string[] {
  const problems: string[] = [];
  const nodeOfApp = new Map(podOwners(objects).map((w) => [w.app, w.node]));
  const byPrincipal = principals(s, objects);
  const policies = objects.filter((o) => o.kind === 'AuthorizationPolicy');

  const denyAll = policies.filter((p) => !p.spec || Object.keys(p.spec).length === 0);
  if (denyAll.length !== 1) problems.push(`namespace: expected one deny-all AuthorizationPolicy (empty spec), found ${denyAll.length}`);
  const strict = objects.filter((o) => o.kind === 'PeerAuthentication' && !o.spec?.selector && o.spec?.mtls?.mode === 'STRICT');
  if (strict.length !== 1) problems.push('namespace: expected one namespace-wide PeerAuthentication STRICT');
  for (const o of objects.filter((x) => x.kind === 'PeerAuthentication' && x.spec?.portLevelMtls)) problems.push(`${o.metadata.name}: port-level mTLS exceptions`);

  const actual = new Set<string>();
  for (const p of policies.filter((x) => x !== denyAll[0])) {
    const where = `AuthorizationPolicy ${p.metadata.name}`;
    if ((p.spec.action ?? 'ALLOW') !== 'ALLOW') {
      problems.push(`${where}: action ${p.spec.action} (only ALLOW policies over the deny-all)`);
      continue;
    }
    const app = p.spec.selector?.matchLabels?.app;
    const callee = nodeOfApp.get(app);
    if (!callee) {
      problems.push(`${where}: selects no workload of ours (app=${app}); a policy without a selector opens the namespace`);
      continue;
    }
    for (const rule of p.spec.rules ?? []) {
      if (!rule.from?.length || !rule.to?.length || rule.when) {
        problems.push(`${where}: a rule needs from and to, and no when`);
        continue;
      }
      for (const from of rule.from) {
        const src = from.source ?? {};
        if (Object.keys(src).some((k) => k !== 'principals') || !src.principals?.length) {
          problems.push(`${where}: sources must name principals only (${JSON.stringify(src)})`);
          continue;
        }
        for (const principal of src.principals) {
          const caller = byPrincipal.get(principal);
          if (!caller) problems.push(`${where}: principal ${principal} is no workload of ours nor a platform caller`);
          for (const to of rule.to) actual.add(sig(caller ?? principal, callee, to.operation ?? {}));
        }
      }
    }
  }
  const inMesh = new Set(meshNodes(s, graph));
  const expected = new Set(graph.edges.filter((e) => inMesh.has(e.to)).map((e) => sig(e.from, e.to, operationOf(s, graph, e))));
  return [...problems, ...diff('AuthorizationPolicy', expected, actual)];
}

/** Each mesh workload has one Sidecar, REGISTRY_ONLY, whose egress lists exactly its dependencies. */
export function checkSidecars(s: DeploySettings, graph: CallGraph, objects: Obj[]): string[] {
  const problems: string[] = [];
  const owners = podOwners(objects);
  const nodeOfApp = new Map(owners.map((w) => [w.app, w.node]));
  // host → node: our Services (by the workload they select), ServiceEntries, the collector.
  const hostNode = new Map<string, string>([[`${s.otlp.namespace}/${s.otlp.host}`, 'otel-collector']]);
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const node = nodeOfApp.get(svc.spec?.selector?.app);
    if (node) hostNode.set(`./${svc.metadata.name}.${s.namespace}.svc.cluster.local`, node);
  }
  for (const se of objects.filter((o) => o.kind === 'ServiceEntry')) {
    if (se.spec?.location !== 'MESH_EXTERNAL') problems.push(`ServiceEntry ${se.metadata.name}: not MESH_EXTERNAL`);
    for (const h of se.spec?.hosts ?? []) hostNode.set(`./${h}`, se.metadata.labels?.[NODE_LABEL] ?? `?${h}`);
  }

  const actual = new Set<string>();
  const seen = new Map<string, number>();
  for (const sc of objects.filter((o) => o.kind === 'Sidecar')) {
    const where = `Sidecar ${sc.metadata.name}`;
    const node = nodeOfApp.get(sc.spec?.workloadSelector?.labels?.app);
    if (!node) {
      problems.push(`${where}: selects no workload of ours`);
      continue;
    }
    seen.set(node, (seen.get(node) ?? 0) + 1);
    if (sc.spec.outboundTrafficPolicy?.mode !== 'REGISTRY_ONLY') problems.push(`${where}: outboundTrafficPolicy is not REGISTRY_ONLY`);
    for (const host of (sc.spec.egress ?? []).flatMap((e: { hosts: string[] }) => e.hosts)) {
      if (host === 'istio-system/*') continue;
      const target = hostNode.get(host);
      if (!target) problems.push(`${where}: egress host ${host} is none of our Services, ServiceEntries or the collector`);
      else actual.add(`${node} -> ${target}`);
    }
  }
  for (const node of meshNodes(s, graph)) {
    if (seen.get(node) !== 1) problems.push(`Sidecar: ${node} has ${seen.get(node) ?? 0} Sidecars (want 1)`);
  }
  const inMesh = new Set(meshNodes(s, graph));
  const expected = new Set(graph.edges.filter((e) => inMesh.has(e.from)).map((e) => `${e.from} -> ${e.to}`));
  return [...problems, ...diff('Sidecar egress', expected, actual)];
}

/** One ServiceAccount per workload: a shared one would merge two principals into one. */
export function checkServiceAccounts(objects: Obj[]): string[] {
  const problems: string[] = [];
  const bySa = new Map<string, string[]>();
  for (const w of podOwners(objects)) bySa.set(w.serviceAccount, [...(bySa.get(w.serviceAccount) ?? []), `${w.obj.kind}/${w.obj.metadata.name}`]);
  for (const [sa, users] of bySa) {
    if (users.length > 1) problems.push(`ServiceAccount ${sa} shared by ${users.join(', ')}`);
    if (sa === 'default') problems.push(`${users.join(', ')}: runs as the default ServiceAccount`);
    if (!objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === sa)) problems.push(`ServiceAccount ${sa} (of ${users.join(', ')}) is not rendered`);
  }
  return problems;
}

/** Every container, init containers included: non-root, read-only root filesystem, no escalation, no caps. */
export function checkPodSecurity(objects: Obj[]): string[] {
  const problems: string[] = [];
  for (const w of podOwners(objects)) {
    const podNonRoot = w.podSpec.securityContext?.runAsNonRoot === true;
    if (w.podSpec.hostNetwork || w.podSpec.hostPID || w.podSpec.hostIPC) problems.push(`${w.obj.kind}/${w.obj.metadata.name}: host namespaces`);
    for (const c of containersOf(w)) {
      const sc = c.securityContext ?? {};
      const where = `${w.obj.kind}/${w.obj.metadata.name} container ${c.name}`;
      if (!(sc.runAsNonRoot ?? podNonRoot)) problems.push(`${where}: may run as root`);
      if (sc.runAsUser === 0 || (sc.runAsUser === undefined && w.podSpec.securityContext?.runAsUser === 0)) problems.push(`${where}: runAsUser 0`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allows privilege escalation`);
      if (sc.privileged) problems.push(`${where}: privileged`);
      if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
      if (sc.capabilities?.add?.length) problems.push(`${where}: adds capabilities`);
    }
  }
  return problems;
}

/** A stand-in value of the right shape for a Secret's key (the config only checks its form). */
function secretStandIn(key: string): string {
  if (key === 'DATABASE_URL') return 'postgresql://role:secret@postgres.example:5432/fffoto';
  if (key === 'REDIS_URL') return 'rediss://:secret@redis.example:6379';
  return 'stand-in';
}

/** The environment a container starts with (Secret values replaced by stand-ins of their form). */
export function containerEnv(c: Container): NodeJS.ProcessEnv {
  return Object.fromEntries((c.env ?? []).map((v) => [v.name, v.value ?? secretStandIn(v.valueFrom?.secretKeyRef?.key ?? v.name)]));
}

const portNumber = (c: Container, port: string | number | undefined) =>
  typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;

/**
 * Each process's container: its config loads from the env given (the process would start),
 * probes and the http port are the port it listens on, probe paths are among `servedPaths`,
 * and every URL it is given names the Service of the edge it belongs to.
 */
export function checkProcessContainers(s: DeploySettings, graph: CallGraph, objects: Obj[], servedPaths: Set<string>): string[] {
  const problems: string[] = [];
  const owners = podOwners(objects);
  for (const p of graph.processes) {
    const owner = owners.find((w) => w.node === p.name);
    if (!owner) {
      problems.push(`${p.name}: no workload`);
      continue;
    }
    for (const c of containersOf(owner)) problems.push(...checkContainer(s, graph, p, c, servedPaths));
  }
  return problems;
}

function checkContainer(s: DeploySettings, graph: CallGraph, p: ProcessSpec, c: Container, servedPaths: Set<string>): string[] {
  const where = `${p.name} container ${c.name}`;
  const problems: string[] = [];
  const env = containerEnv(c);
  let config: Record<string, unknown>;
  try {
    config = loadConfig(p.shape, env) as Record<string, unknown>;
  } catch (err) {
    return [`${where}: its config does not load: ${(err as Error).message}`];
  }
  if (!c.command?.includes(p.entry) && !c.command?.join(' ').startsWith('npm run')) problems.push(`${where}: command ${JSON.stringify(c.command)} runs neither ${p.entry} nor an npm script`);
  if (!p.job) {
    const listens = config[p.portKey];
    const http = c.ports?.find((x) => x.name === 'http')?.containerPort;
    if (http !== listens) problems.push(`${where}: port http is ${http} but the process listens on ${String(listens)} (${p.portKey})`);
    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      const probe = c[kind]?.httpGet;
      if (!probe) {
        problems.push(`${where}: no HTTP ${kind}`);
        continue;
      }
      if (portNumber(c, probe.port) !== listens) problems.push(`${where}: ${kind} port ${probe.port} is not ${String(listens)}`);
      if (!servedPaths.has(probe.path)) problems.push(`${where}: ${kind} path ${probe.path} is not served`);
    }
    const metrics = c.ports?.find((x) => x.name === 'http-metrics')?.containerPort;
    if (metrics !== s.metricsPort || Number(env.METRICS_PORT) !== metrics) problems.push(`${where}: metrics port ${metrics} / METRICS_PORT ${env.METRICS_PORT} are not ${s.metricsPort}`);
    if ('METRICS_PORT' in p.shape && config.METRICS_PORT !== metrics) problems.push(`${where}: the process serves metrics on ${String(config.METRICS_PORT)}`);
  }
  // Where the process will call: each URL names the Service and port its edge is allowed on.
  for (const e of graph.edges.filter((x) => x.from === p.name && graph.processes.some((q) => q.name === x.to))) {
    const raw = env[e.via];
    const urls = e.kind === 'federation' || e.kind === 'subscription' ? (raw ?? '').split(',').filter((pair) => pair.startsWith(`${e.to}=`)).map((pair) => pair.slice(e.to.length + 1)) : [raw];
    const want = `${e.to}.${s.namespace}.svc.cluster.local:${edgePort(s, graph, e)}`;
    if (!urls.length || urls.some((u) => !u || new URL(u).host !== want)) problems.push(`${where}: ${e.via} does not point at ${want} (${raw})`);
    // …and a path its policy allows: a URL outside the rule's paths would be refused (403) at runtime.
    const paths = operationOf(s, graph, e).paths;
    const allowed = (path: string) => !paths || paths.some((p) => (p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : path === p));
    for (const u of urls) if (u && URL.canParse(u) && !allowed(new URL(u).pathname)) problems.push(`${where}: ${e.via} path ${new URL(u).pathname} is not among ${paths!.join(', ')} (its policy)`);
  }
  return problems;
}

/** The objects of rendered YAML files (what `kubectl apply -k` reads), kustomization.yaml aside. */
export function parseRendered(files: Map<string, string>): Obj[] {
  return [...files]
    .filter(([name]) => name !== 'kustomization.yaml')
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJS() as Obj))
    .filter(Boolean);
}
