// Prometheus-operator component: a ServiceMonitor per process (the worker's Service exists for it).
// Prometheus scrapes through mTLS with its Istio workload certificate (Istio's documented
// setup: the Prometheus pod's sidecar writes its certs to /etc/prom-certs/), so the requests
// carry its principal, which the ALLOW policies name for GET /metrics on the metrics port.
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { CallGraph } from '../call-graph.ts';
import { labels, selectorOf, type K8sObject } from './common.ts';
import type { DeploySettings } from './settings.ts';

const certs = '/etc/prom-certs';

export function serviceMonitors(s: DeploySettings, graph: CallGraph): K8sObject[] {
  return graph.processes
    .filter((p) => !p.job)
    .map(
      (p) =>
        new ServiceMonitor({
          metadata: { name: p.name, namespace: s.namespace, labels: labels(p.name) },
          spec: {
            selector: { matchLabels: selectorOf(p.name) },
            endpoints: [
              {
                port: 'http-metrics',
                path: '/metrics',
                interval: '30s',
                scheme: 'https',
                // Istio's certificates are for SPIFFE identities, not DNS names: no hostname check.
                tlsConfig: { caFile: `${certs}/root-cert.pem`, certFile: `${certs}/cert-chain.pem`, keyFile: `${certs}/key.pem`, insecureSkipVerify: true },
              },
            ],
          },
        }),
    );
}
