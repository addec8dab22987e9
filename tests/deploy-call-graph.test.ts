// The call graph derived from the processes' config shapes, and the Istio objects of every
// rendered overlay against it: ALLOW policies and Sidecar egress implement exactly its edges.
import { describe, expect, it } from 'vitest';
import { z } from '@fffoto/shared/config';
import { deriveCallGraph, processes, type CallGraph } from '../deploy/call-graph.ts';
import { overlays } from '../deploy/overlays/index.ts';
import { renderFiles } from '../deploy/render.ts';
import { checkAuthorization, checkSidecars, parseRendered, type Obj } from '../deploy/verify.ts';

const rendered = Object.entries(overlays).map(([name, build]) => {
  const r = build();
  return { name, ...r, parsed: parseRendered(renderFiles(r)) };
});

const edgeList = (g: CallGraph) => g.edges.map((e) => `${e.from} -> ${e.to} (${e.kind})`).sort();

describe('call graph derived from the config shapes', () => {
  it('has the edges the README and docker-compose describe, and no others', () => {
    const g = deriveCallGraph();
    expect(edgeList(g)).toEqual(
      [
        ...['users', 'media', 'posts', 'social'].map((s) => `gateway -> ${s} (federation)`),
        // graphql-ws only to the subgraphs with Subscription fields.
        ...['media', 'social'].map((s) => `gateway -> ${s} (subscription)`),
        ...['gateway', 'posts', 'social', 'media'].map((s) => `${s} -> users (jwks)`),
        'posts -> media (graphql)',
        'posts -> users (graphql)',
        'social -> posts (graphql)',
        'social -> users (graphql)',
        ...['users', 'posts', 'social', 'media', 'media-worker', 'migrate'].map((s) => `${s} -> postgres (postgres)`),
        ...['gateway', 'users', 'posts', 'social', 'media', 'media-worker'].map((s) => `${s} -> redis (redis)`),
        ...['media', 'media-worker'].map((s) => `${s} -> s3 (s3)`),
        ...['gateway', 'users', 'posts', 'social', 'media', 'media-worker'].map((s) => `${s} -> otel-collector (otlp)`),
      ].sort(),
    );
  });

  it('follows a process config: a new <SERVICE>_URL key is a new edge; an unclassified URL stops the derivation', () => {
    const withCall = processes.map((p) => (p.name === 'media' ? { ...p, shape: { ...p.shape, SOCIAL_URL: z.url().default('http://localhost:4003/graphql') } } : p));
    expect(edgeList(deriveCallGraph(withCall))).toContain('media -> social (graphql)');
    const unknown = processes.map((p) => (p.name === 'users' ? { ...p, shape: { ...p.shape, WEBHOOK_URL: z.url().optional() } } : p));
    expect(() => deriveCallGraph(unknown)).toThrow(/users: no rule for WEBHOOK_URL/);
  });

  it('refuses a subgraph of supergraph.yaml without a process', () => {
    expect(() => deriveCallGraph(processes.filter((p) => p.name !== 'social'))).toThrow(/social of supergraph.yaml have no process/);
  });
});

describe.each(rendered)('overlay $name: Istio objects implement exactly the call graph', ({ settings, graph, parsed }) => {
  it('ALLOW AuthorizationPolicies name exactly the callers of each workload, with ports, methods and paths', () => {
    expect(checkAuthorization(settings, graph, parsed)).toEqual([]);
  });

  it('each workload has one REGISTRY_ONLY Sidecar whose egress is exactly its dependencies', () => {
    expect(checkSidecars(settings, graph, parsed)).toEqual([]);
  });

  it('reports an edge added to the graph without its policy and egress', () => {
    const more: CallGraph = { ...graph, edges: [...graph.edges, { from: 'media', to: 'social', kind: 'graphql', via: 'SOCIAL_URL' }] };
    expect(checkAuthorization(settings, more, parsed)).toEqual([expect.stringMatching(/^AuthorizationPolicy: missing media -> social ports=4003 methods=POST paths=\/graphql$/)]);
    expect(checkSidecars(settings, more, parsed)).toEqual(['Sidecar egress: missing media -> social']);
  });

  it('reports a principal or egress host the graph does not have', () => {
    const tampered = structuredClone(parsed) as Obj[];
    const users = tampered.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'allow-users')!;
    users.spec.rules[0].from[0].source.principals.push(`cluster.local/ns/${settings.namespace}/sa/media-worker`);
    const sidecar = tampered.find((o) => o.kind === 'Sidecar' && o.metadata.name === 'media-worker')!;
    sidecar.spec.egress[0].hosts.unshift(`./users.${settings.namespace}.svc.cluster.local`);
    expect(checkAuthorization(settings, graph, tampered)).toEqual([expect.stringMatching(/^AuthorizationPolicy: not in the call graph: media-worker -> users /)]);
    expect(checkSidecars(settings, graph, tampered)).toEqual(['Sidecar egress: not in the call graph: media-worker -> users']);
  });

  it('subgraphs admit only the gateway and their subgraph callers; the ingress reaches only the gateway', () => {
    const callers = (node: string) => [...new Set(graph.edges.filter((e) => e.to === node && e.kind !== 'metrics').map((e) => e.from))].sort();
    expect(callers('gateway')).toEqual(['ingress']);
    expect(callers('media')).toEqual(['gateway', 'posts']);
    expect(graph.edges.filter((e) => e.from === 'ingress').map((e) => e.to).filter((t) => t !== 's3')).toEqual(['gateway']);
  });
});
