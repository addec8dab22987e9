// Every rendered overlay: objects validate against their schemas (and are of known kinds), each
// workload has its own ServiceAccount, every container is locked down, each process's config
// loads from the env it is given and its probes hit the port and paths it serves; rendering is
// deterministic; the KEDA trigger watches the list BullMQ really fills.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createHttpService, listen } from '@fffoto/shared/http';
import { serveMetrics } from '@fffoto/shared/observability';
import { encodeWaitList } from '../deploy/base/keda.ts';
import { modelFor } from '../deploy/models.ts';
import { overlays } from '../deploy/overlays/index.ts';
import { renderFiles, renderOverlay } from '../deploy/render.ts';
import { checkPodSecurity, checkProcessContainers, checkServiceAccounts, containerEnv, parseRendered, podOwners, type Obj } from '../deploy/verify.ts';
import { createBullQueue } from '../subgraphs/media/src/queue.ts';
import { testEnv } from './env.ts';
import { skipWithout } from './support/needs.ts';
import { deleteKeysWithPrefix } from './support/redis-admin.ts';

const rendered = Object.entries(overlays).map(([name, build]) => {
  const r = build();
  const files = renderFiles(r);
  return { name, ...r, files, parsed: parseRendered(files) };
});

/** The paths the shared HTTP service (every process's /health and /ready) really answers 200 on. */
async function servedPaths(candidates: string[]): Promise<Set<string>> {
  const { app, server } = createHttpService({ service: 'probe-check' });
  const port = await listen(server, 0, '127.0.0.1');
  try {
    const ok = await Promise.all(candidates.map(async (p) => ((await fetch(`http://127.0.0.1:${port}${p}`)).status === 200 ? p : undefined)));
    return new Set(ok.filter((p): p is string => p !== undefined));
  } finally {
    server.close();
    void app;
  }
}

const probePaths = (objs: Obj[]) =>
  [...new Set(podOwners(objs).flatMap((w) => [...(w.podSpec.containers ?? [])].flatMap((c: any) => ['startupProbe', 'livenessProbe', 'readinessProbe'].map((k) => c[k]?.httpGet?.path))))].filter(Boolean) as string[];

describe.each(rendered)('overlay $name', ({ name, settings, graph, files, parsed }) => {
  it('every object is of a known kind and validates against its schema', () => {
    expect(parsed.length).toBeGreaterThan(20);
    for (const o of parsed) {
      const Model = modelFor(o.apiVersion, o.kind);
      expect(Model, `${o.apiVersion} ${o.kind} ${o.metadata?.name}`).toBeDefined();
      expect(() => new Model!(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(settings.namespace);
    }
    // The same check refuses a broken manifest (a string where the schema wants an integer).
    const broken = structuredClone(parsed.find((o) => o.kind === 'HorizontalPodAutoscaler')!);
    broken.spec.maxReplicas = 'ten';
    expect(() => new (modelFor(broken.apiVersion, broken.kind)!)(broken).validate()).toThrow(/maxReplicas must be integer/);
  });

  it('kustomization.yaml lists exactly the rendered files', () => {
    const listed = (files.get('kustomization.yaml') ?? '').match(/^ {2}- (.+)$/gm)?.map((l) => l.slice(4));
    expect(listed?.sort()).toEqual([...files.keys()].filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('no two workloads share a ServiceAccount', () => {
    expect(checkServiceAccounts(parsed)).toEqual([]);
  });

  it('every container, init containers and stores included, is non-root with a read-only root and no escalation', () => {
    expect(podOwners(parsed).some((w) => w.podSpec.initContainers?.length)).toBe(true);
    expect(checkPodSecurity(parsed)).toEqual([]);
  });

  it("each process's config loads from its env; probes and ports are what it listens on; URLs name the allowed Services", async () => {
    const served = await servedPaths(probePaths(parsed));
    expect([...served].sort()).toEqual(['/health', '/ready']);
    expect(checkProcessContainers(settings, graph, parsed, served)).toEqual([]);
  });

  it('ServiceMonitors scrape the metrics port and the path the metrics server answers', async () => {
    const monitors = parsed.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.length).toBe(settings.monitoring ? 6 : 0);
    const metrics = await serveMetrics(0, '127.0.0.1');
    try {
      for (const m of monitors) {
        const [endpoint] = m.spec.endpoints;
        const svc = parsed.find((o) => o.kind === 'Service' && o.metadata.name === m.metadata.name)!;
        expect(svc.spec.ports.find((p: { name: string }) => p.name === endpoint.port)?.port).toBe(settings.metricsPort);
        expect((await fetch(`http://127.0.0.1:${metrics.port}${endpoint.path}`)).status).toBe(200);
      }
    } finally {
      await metrics.stop();
    }
  });

  it('the worker has a Service for metrics only, and a writable /tmp for ffmpeg', () => {
    const svc = parsed.find((o) => o.kind === 'Service' && o.metadata.name === 'media-worker')!;
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['http-metrics']);
    const worker = podOwners(parsed).find((w) => w.node === 'media-worker')!;
    const mount = worker.podSpec.containers[0].volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(worker.podSpec.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir).toBeDefined();
  });

  it('the ingress exposes only the gateway /graphql (and below it)', () => {
    const routes = parsed.filter((o) => o.kind === 'VirtualService' && o.spec.hosts.includes(settings.apiHost));
    expect(routes.flatMap((v) => v.spec.http.flatMap((h: any) => h.match.map((m: any) => JSON.stringify(m.uri))))).toEqual(['{"exact":"/graphql"}', '{"prefix":"/graphql/"}']);
    expect(routes.flatMap((v) => v.spec.http.flatMap((h: any) => h.route.map((r: any) => r.destination.host)))).toEqual([`gateway.${settings.namespace}.svc.cluster.local`]);
  });

  it('autoscaling: an HPA per Deployment, or a KEDA ScaledObject for the worker, never both', () => {
    const deployments = parsed.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    const scaled = [
      ...parsed.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.scaleTargetRef.name),
      ...parsed.filter((o) => o.kind === 'ScaledObject').map((o) => o.spec.scaleTargetRef.name),
    ];
    expect(scaled.sort()).toEqual(deployments.sort());
    expect(parsed.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name).sort()).toEqual(deployments.sort());
    expect(parsed.some((o) => o.kind === 'ScaledObject')).toBe(settings.workerScaling === 'keda');
  });

  it('managed stores are MESH_EXTERNAL ServiceEntries (S3 on TLS 443); in-cluster ones are StatefulSets', () => {
    const entries = parsed.filter((o) => o.kind === 'ServiceEntry');
    if (settings.stores.kind === 'managed') {
      expect(entries.map((e) => e.metadata.name).sort()).toEqual(['postgres', 'redis', 's3']);
      expect(entries.find((e) => e.metadata.name === 's3')!.spec.ports).toEqual([{ number: 443, name: 'tls-s3', protocol: 'TLS' }]);
      expect(parsed.some((o) => o.kind === 'StatefulSet')).toBe(false);
    } else {
      expect(entries).toEqual([]);
      expect(parsed.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name).sort()).toEqual(['minio', 'postgres', 'redis']);
    }
  });

  it('rendering twice gives byte-identical files', () => {
    expect(renderOverlay(name)).toEqual(files);
  });
});

describe('KEDA trigger', () => {
  const keda = rendered.find((r) => r.settings.workerScaling === 'keda')!;

  it("watches the wait list under the worker's own REDIS_PREFIX", () => {
    const trigger = keda.parsed.find((o) => o.kind === 'ScaledObject')!.spec.triggers[0];
    const worker = podOwners(keda.parsed).find((w) => w.node === 'media-worker')!;
    const prefix = containerEnv(worker.podSpec.containers[0]).REDIS_PREFIX!;
    expect(trigger.type).toBe('redis');
    expect(trigger.metadata.listName).toBe(encodeWaitList(prefix));
    expect(trigger.metadata.listName).toBe('fffoto:bull:loop-encode:wait');
  });

  describe.skipIf(skipWithout('redis', 'the KEDA wait-list test (BullMQ fills the list in Redis)'))('against Redis', () => {
    it('is the list BullMQ pushes an enqueued encode job on', async () => {
      const env = testEnv();
      const prefix = `${env.REDIS_PREFIX}deploy-keda:`;
      const queue = createBullQueue(env.REDIS_URL!, prefix, 1);
      const redis = new Redis(env.REDIS_URL!);
      try {
        await queue.enqueue('loop-for-keda');
        expect(await redis.lrange(encodeWaitList(prefix), 0, -1)).toEqual(['loop-for-keda']);
      } finally {
        await queue.close();
        redis.disconnect();
        await deleteKeysWithPrefix(env.REDIS_URL!, prefix);
      }
    });
  });
});
