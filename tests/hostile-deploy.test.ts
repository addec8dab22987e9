// A platform review of deploy/: what the other deploy tests did not hold.
// - They checked the in-memory render, never the YAML that ships (deploy/rendered/): a hand
//   edit there (a principal added to a policy) stayed green until CI's drift check.
// - The managed S3 ServiceEntry listed the regional endpoint, which lets a pod path-style-write
//   to any bucket; the hosts must be exactly those the AWS SDK calls with the rendered env.
// - The gateway could GET /graphql on every subgraph; only graphql-ws to a subgraph with
//   Subscription fields needs GET.
// - A dependency under a *_HOST / *_DSN / *_ADDRESS key slipped past the derivation unclassified.
// - A Dockerfile target (a process) without a workload, or a Deployment not running its CMD.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { z } from '@fffoto/shared/config';
import { deriveCallGraph, hasSubscriptions, processes } from '../deploy/call-graph.ts';
import { overlays } from '../deploy/overlays/index.ts';
import { renderFiles } from '../deploy/render.ts';
import { checkAuthorization, checkProcessContainers, checkSidecars, containerEnv, parseRendered, podOwners, type Obj } from '../deploy/verify.ts';
import { listSubgraphs, repoRoot } from '../scripts/subgraphs.ts';

const renderedDir = path.join(repoRoot, 'deploy', 'rendered');

/** The files of deploy/rendered/<overlay>/ as checked in (what `kubectl apply -k` reads). */
function shipped(name: string): Map<string, string> {
  const dir = path.join(renderedDir, name);
  return new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

const overlayRuns = Object.entries(overlays).map(([name, build]) => {
  const r = build();
  return { name, ...r, files: shipped(name), parsed: parseRendered(shipped(name)), render: () => renderFiles(r) };
});

describe.each(overlayRuns)('deploy/rendered/$name as checked in', ({ name, settings, graph, files, parsed, render }) => {
  it('is exactly what deploy/ renders (npm run deploy:render)', () => {
    const fresh = render();
    expect([...files.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [file, text] of fresh) expect(files.get(file), `deploy/rendered/${name}/${file}`).toBe(text);
  });

  it('its policies and Sidecars implement exactly the call graph', () => {
    expect(checkAuthorization(settings, graph, parsed)).toEqual([]);
    expect(checkSidecars(settings, graph, parsed)).toEqual([]);
  });

  it("a service URL a process is given has a path its callee's policy allows (JWKS, /graphql)", () => {
    const tampered = structuredClone(parsed) as Obj[];
    const gateway = podOwners(tampered).find((w) => w.node === 'gateway')!.podSpec.containers[0];
    gateway.env.find((v: { name: string }) => v.name === 'JWKS_URL').value = `http://users.${settings.namespace}.svc.cluster.local:4001/jwks.json`;
    expect(checkProcessContainers(settings, graph, tampered, new Set(['/health', '/ready']))).toEqual([
      expect.stringMatching(/^gateway container gateway: JWKS_URL path \/jwks.json is not among \/.well-known\/jwks.json/),
    ]);
  });

  it('GET /graphql on a subgraph only for the gateway, and only where it serves subscriptions (graphql-ws)', () => {
    for (const sub of listSubgraphs()) {
      const policy = parsed.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === `allow-${sub.name}`)!;
      const getters = (policy.spec.rules as any[])
        .filter((r) => r.to.some((t: any) => t.operation.paths?.includes('/graphql') && (!t.operation.methods || t.operation.methods.includes('GET'))))
        .flatMap((r) => r.from.flatMap((f: any) => f.source.principals));
      expect(getters, sub.name).toEqual(hasSubscriptions(sub) ? [`cluster.local/ns/${settings.namespace}/sa/gateway`] : []);
    }
  });
});

describe('Secrets', () => {
  /** Secret names in the first column of deploy/README.md's "Secrets" table. */
  const documented = () => {
    const readme = readFileSync(path.join(repoRoot, 'deploy', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Secrets'), readme.indexOf('## Order of a rollout'));
    return new Set(section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
  };

  /** Every Secret a rendered object reads: env, envFrom, KEDA's TriggerAuthentication, the Gateway's TLS. */
  const referenced = (objs: Obj[]): Set<string> => {
    const names = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, any>;
      for (const k of ['secretKeyRef', 'secretRef']) if (o[k]?.name) names.add(o[k].name);
      if (typeof o.credentialName === 'string') names.add(o.credentialName);
      if (Array.isArray(o.secretTargetRef)) for (const t of o.secretTargetRef) names.add(t.name);
      Object.values(o).forEach(walk);
    };
    walk(objs);
    return names;
  };

  it.each(overlayRuns)('$name: every Secret the manifests read is documented in deploy/README.md', ({ parsed }) => {
    const docs = documented();
    expect(docs.size).toBeGreaterThan(5);
    expect([...referenced(parsed)].filter((n) => !docs.has(n))).toEqual([]);
  });
});

describe('managed S3 egress', () => {
  const managedRuns = overlayRuns.filter((r) => r.settings.stores.kind === 'managed');

  /** Every host the AWS SDK sends media's and the worker's S3 calls to, configured as storage.ts does from the env. */
  async function sdkHosts(env: NodeJS.ProcessEnv): Promise<Set<string>> {
    const hosts = new Set<string>();
    const client = new S3Client({
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
      credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
      // Records where each request would go and sends nothing.
      requestHandler: {
        handle: async (req: { hostname: string }) => {
          hosts.add(req.hostname);
          throw new Error('not sent');
        },
      } as never,
    });
    const Bucket = env.S3_BUCKET!;
    const commands = [
      new HeadBucketCommand({ Bucket }),
      new CreateBucketCommand({ Bucket }),
      new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PUT'], AllowedOrigins: ['*'] }] } }),
      new HeadObjectCommand({ Bucket, Key: 'k' }),
      new ListObjectsV2Command({ Bucket, Prefix: 'p/' }),
      new GetObjectCommand({ Bucket, Key: 'k' }),
      new PutObjectCommand({ Bucket, Key: 'k', Body: 'x' }),
      new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'k' }] } }),
    ];
    for (const c of commands) await client.send(c as never).catch(() => undefined);
    client.destroy();
    return hosts;
  }

  it.each(managedRuns)('$name: the S3 ServiceEntry lists exactly the hosts media and the worker call', async ({ parsed }) => {
    const entry = parsed.find((o) => o.kind === 'ServiceEntry' && o.metadata.name === 's3')!;
    for (const node of ['media', 'media-worker']) {
      const env = containerEnv(podOwners(parsed).find((w) => w.node === node)!.podSpec.containers[0]);
      expect([...(await sdkHosts(env))].sort(), node).toEqual([...entry.spec.hosts].sort());
    }
  });
});

describe('the call graph cannot be bypassed', () => {
  it.each(['SMTP_HOST', 'SENTRY_DSN', 'SEARCH_ADDRESS', 'KAFKA_SERVERS', 'MONGO_URI'])('an unclassified %s stops the derivation', (key) => {
    const more = processes.map((p) => (p.name === 'posts' ? { ...p, shape: { ...p.shape, [key]: z.string().default('mail.example:25') } } : p));
    expect(() => deriveCallGraph(more)).toThrow(new RegExp(`posts: no rule for ${key}`));
  });

  it('every Dockerfile target is a process of call-graph.ts, and each workload runs its CMD', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const cmds = new Map<string, string[]>();
    let stage = '';
    for (const line of dockerfile.split('\n')) {
      const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
      if (from) stage = from[1]!;
      const cmd = /^CMD\s+(\[.*\])\s*$/.exec(line);
      if (cmd) cmds.set(stage, JSON.parse(cmd[1]!) as string[]);
    }
    expect([...cmds.keys()].sort()).toEqual(processes.map((p) => p.target).sort());
    const [managed] = overlayRuns;
    for (const p of processes) {
      expect(cmds.get(p.target)!.at(-1), p.name).toBe(p.entry);
      if (p.job) continue;
      const owner = podOwners(managed!.parsed).find((w) => w.node === p.name)!;
      expect((owner.obj as Obj).kind, p.name).toBe('Deployment');
      expect(owner.podSpec.containers[0].command, p.name).toEqual(cmds.get(p.target));
    }
  });
});
