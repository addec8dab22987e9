// Static checks of docker-compose.yml and the Dockerfile: no Docker engine exists where tests run.
// The compose file is validated by a real Compose CLI (`docker compose` if the plugin exists,
// else Debian's `docker-compose`, which validates offline); our own rules are checked on top.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listSubgraphs } from '../scripts/subgraphs.ts';
import { GATEWAY_NODE_FLAGS } from '../gateway/src/node-flags.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const composeFile = `${root}docker-compose.yml`;
const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');

interface Service {
  image?: string;
  build?: { context: string; target?: string };
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  restart?: string;
}
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** Our processes: compose service → Dockerfile target and entry file. */
const processes: Record<string, { port?: number; entry: string; nodeFlags?: readonly string[] }> = {
  gateway: { port: 4000, entry: 'gateway/src/main.ts', nodeFlags: GATEWAY_NODE_FLAGS },
  users: { port: 4001, entry: 'subgraphs/users/src/main.ts' },
  posts: { port: 4002, entry: 'subgraphs/posts/src/main.ts' },
  social: { port: 4003, entry: 'subgraphs/social/src/main.ts' },
  media: { port: 4004, entry: 'subgraphs/media/src/main.ts' },
  'media-worker': { entry: 'subgraphs/media/src/worker/main.ts' },
};
const inCompose = Object.keys(processes);
/** Jobs that run once and exit; their dependents wait for `service_completed_successfully`. */
const oneShots = ['minio-init', 'migrate'];

// ── Compose CLI ──
function composeCli(): string[] | null {
  const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (plugin.status === 0) return ['docker', 'compose'];
  const standalone = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  return standalone.status === 0 ? ['docker-compose'] : null;
}
const cli = composeCli();
const INSTALL_HINT = 'install a Compose CLI: apt-get install -y docker-compose';

describe('docker-compose.yml', () => {
  // Outside CI a machine without the CLI skips this one case (visibly); CI must have it.
  it.skipIf(!cli && !process.env.CI)('is valid for the Compose CLI (`config -q`)', () => {
    if (!cli) throw new Error(`no Compose CLI found; ${INSTALL_HINT}`);
    const [cmd, ...args] = cli;
    // Variables the file interpolates get their defaults; run from an empty environment to prove it.
    const res = spawnSync(cmd!, [...args, '-f', composeFile, 'config', '-q'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
    });
    expect(res.stderr.trim(), res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  it('has postgres 15, redis 7, minio, the bucket job, migrate and our processes', () => {
    expect(services.postgres?.image).toBe('postgres:15');
    expect(services.redis?.image).toBe('redis:7');
    expect(services.minio?.image).toMatch(/^minio\/minio/);
    expect(JSON.stringify(services['minio-init'])).toContain('mc mb --ignore-existing local/fffoto');
    expect(Object.keys(services)).toEqual(expect.arrayContaining([...oneShots, ...inCompose]));
  });

  it.each(Object.keys(services).filter((s) => !oneShots.includes(s)))('%s has a health check', (name) => {
    const hc = services[name]!.healthcheck;
    expect(hc?.disable).not.toBe(true);
    expect(hc?.test, `${name} needs healthcheck.test`).toBeTruthy();
  });

  it.each(inCompose)('%s is checked with GET /health on its own port', (name) => {
    const port = processes[name]!.port ?? Number(services[name]!.environment?.WORKER_HEALTH_PORT);
    expect(JSON.stringify(services[name]!.healthcheck?.test)).toContain(`http://127.0.0.1:${port}/health`);
  });

  it('checks infrastructure the standard ways', () => {
    expect(services.postgres!.healthcheck!.test).toContain('pg_isready');
    expect(services.redis!.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(JSON.stringify(services.minio!.healthcheck!.test)).toContain('/minio/health/live');
  });

  it('waits on dependencies by condition: healthy services, or one-shot jobs that succeeded', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        const want = oneShots.includes(dep) ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} → ${dep}`).toBe(want);
      }
    }
    for (const name of inCompose) expect(services[name]!.depends_on, name).toBeTruthy();
    expect(Object.keys(services.users!.depends_on!)).toContain('migrate');
  });

  it.each(inCompose)('%s gets the shared environment', (name) => {
    const env = services[name]!.environment ?? {};
    for (const key of ['DATABASE_URL', 'REDIS_URL', 'S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE']) {
      expect(env[key], `${name}.${key}`).toBeTruthy();
    }
    expect(env.JWKS_URL).toBe('http://users:4001/.well-known/jwks.json');
  });

  it('points the gateway at the subgraphs by their service names', () => {
    const env = services.gateway!.environment!;
    expect(env.SUBGRAPH_URLS).toContain('users=http://users:4001/graphql');
    expect(env.SUBGRAPH_URLS).toContain('media=http://media:4004/graphql');
    expect(env.SUBGRAPH_URLS).toContain('posts=http://posts:4002/graphql');
    expect(env.SUBGRAPH_URLS).toContain('social=http://social:4003/graphql');
  });

  it.each([...inCompose, 'migrate'])('%s builds its own Dockerfile target', (name) => {
    expect(services[name]!.build).toEqual({ context: '.', target: name });
  });
});

// ── Dockerfile ──
interface Stage { name: string; from: string; lines: string[] }
function stages(text: string): Stage[] {
  const out: Stage[] = [];
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2] ?? '', lines: [] });
    else if (line && !line.startsWith('#')) out.at(-1)?.lines.push(line);
  }
  return out;
}
const all = stages(dockerfile);
const byName = new Map(all.map((s) => [s.name, s]));
/** The stage and its ancestors within this file, nearest first. */
const lineage = (s: Stage): Stage[] => {
  const parent = byName.get(s.from);
  return parent ? [s, ...lineage(parent)] : [s];
};
const effectiveUser = (s: Stage): string => {
  for (const st of lineage(s)) {
    const user = st.lines.filter((l) => /^USER\s/i.test(l)).at(-1);
    if (user) return user.split(/\s+/)[1]!;
  }
  return 'root';
};

describe('Dockerfile', () => {
  it('starts from node:20-bookworm-slim', () => {
    expect(all[0]!.from).toBe('node:20-bookworm-slim');
  });

  it('installs with npm ci and generates the Prisma client', () => {
    const build = byName.get('build')!;
    expect(build.lines).toContain('RUN npm ci');
    expect(build.lines).toContain('RUN npm run generate:prisma');
  });

  it.each([...Object.keys(processes), 'migrate'])('target %s runs as the non-root user node', (target) => {
    const stage = byName.get(target);
    expect(stage, `no target ${target}`).toBeTruthy();
    expect(effectiveUser(stage!)).toBe('node');
  });

  it.each(Object.entries(processes))('target %s runs its entry with node --import tsx (and its Node flags)', (target, { entry, nodeFlags }) => {
    expect(byName.get(target)!.lines).toContain(`CMD ${JSON.stringify(['node', ...(nodeFlags ?? []), '--import', 'tsx', entry]).replaceAll(',', ', ')}`);
  });

  it('gives the media worker Debian ffmpeg', () => {
    const text = lineage(byName.get('media-worker')!).flatMap((s) => s.lines).join('\n');
    expect(text).toMatch(/apt-get install[^\n]*\bffmpeg\b/);
  });
});

// ── One list of subgraphs ──
describe('docker-compose.yml and the Dockerfile name exactly the subgraphs in supergraph.yaml', () => {
  const listed = listSubgraphs().map((s) => s.name).sort();
  /** The subgraph a Dockerfile stage runs, from its `CMD [..., "subgraphs/<name>/src/main.ts"]`. */
  const subgraphOfStage = (s: Stage) => s.lines.map((l) => /^CMD .*"subgraphs\/([\w-]+)\/src\/main\.ts"/.exec(l)?.[1]).find(Boolean);

  it('lists at least users, media, posts and social', () => {
    expect(listed).toEqual(expect.arrayContaining(['users', 'media', 'posts', 'social']));
  });

  it('Dockerfile: one target per subgraph, named after it', () => {
    const run = all.filter((s) => subgraphOfStage(s)).map((s) => [s.name, subgraphOfStage(s)]);
    expect(run.map(([, sub]) => sub).sort()).toEqual(listed);
    for (const [stage, sub] of run) expect(stage).toBe(sub);
  });

  it('docker-compose.yml: one service per subgraph, built from its target', () => {
    const built = Object.entries(services)
      .filter(([, svc]) => svc.build?.target && subgraphOfStage(byName.get(svc.build.target) ?? { name: '', from: '', lines: [] }))
      .map(([name, svc]) => [name, svc.build!.target]);
    expect(built.map(([name]) => name).sort()).toEqual(listed);
    for (const [name, target] of built) expect(target).toBe(name);
  });

  it('the gateway routes exactly the listed subgraphs', () => {
    const routed = services.gateway!.environment!.SUBGRAPH_URLS!.split(',').map((r) => r.split('=')[0]!.trim());
    expect(routed.sort()).toEqual(listed);
  });
});
