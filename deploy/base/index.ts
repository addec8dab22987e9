// The base: every object a deployment needs, from the settings and the derived call graph.
// Overlays (deploy/overlays/) choose the settings and patch the result.
import { deriveCallGraph, withPlatformEdges, type CallGraph } from '../call-graph.ts';
import type { K8sObject } from './common.ts';
import { workerScaledObject } from './keda.ts';
import { mesh } from './mesh.ts';
import { serviceMonitors } from './monitoring.ts';
import type { DeploySettings } from './settings.ts';
import { inClusterStores } from './stores.ts';
import { cpuAutoscaler, workloads } from './workloads.ts';

export interface Rendered {
  settings: DeploySettings;
  /** The call graph these objects implement (derived edges + the platform's). */
  graph: CallGraph;
  objects: K8sObject[];
}

/** The call graph of a deployment: what the processes need plus ingress (and Prometheus). */
export function graphFor(s: DeploySettings, derived: CallGraph = deriveCallGraph()): CallGraph {
  return withPlatformEdges(derived, { monitoring: s.monitoring, inClusterS3: s.stores.kind === 'in-cluster' });
}

export function buildBase(s: DeploySettings, derived?: CallGraph): Rendered {
  const graph = graphFor(s, derived);
  const objects: K8sObject[] = [
    ...mesh(s, graph),
    ...workloads(s, graph),
    ...(s.workerScaling === 'keda' ? workerScaledObject(s, graph) : [cpuAutoscaler(s, 'media-worker')]),
    ...(s.stores.kind === 'in-cluster' ? inClusterStores(s) : []),
    ...(s.monitoring ? serviceMonitors(s, graph) : []),
  ];
  return { settings: s, graph, objects };
}
