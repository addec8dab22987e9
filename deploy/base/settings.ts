import { PRODUCTION_METRICS_PORT } from '@fffoto/shared/observability';

// What differs between deployments: names, hosts, principals, where the data stores live. An
// overlay is base(settings) plus patches; the defaults below are placeholders to replace.

/** A data store outside the cluster, registered with the mesh by a ServiceEntry. */
export interface ExternalStore {
  hosts: string[];
  port: number;
  /** Istio protocol: TCP for Postgres (its TLS starts inside the protocol), TLS for rediss:// and S3. */
  protocol: 'TCP' | 'TLS';
}

export interface DeploySettings {
  namespace: string;
  /** The public API host (TLS at the ingress gateway). */
  apiHost: string;
  /** Origins of the web app: the bucket's CORS lets only these PUT and GET from a browser. */
  webOrigins: string[];
  /** Secret (in the ingress gateway's namespace) with the API host's certificate. */
  tlsCredentialName: string;
  /** Image of a Dockerfile target; kustomization.yaml `images:` can rewrite these names. */
  image: (target: string) => string;
  /** Principals outside our namespace that call into it. */
  principals: { ingress: string; prometheus: string };
  /** Selector of the Istio ingress gateway deployment. */
  ingressSelector: Record<string, string>;
  /** OpenTelemetry collector (OTLP/HTTP), a platform service in its own namespace. */
  otlp: { namespace: string; host: string; port: number };
  /** Port of every process's Prometheus endpoint (METRICS_PORT, path /metrics). */
  metricsPort: number;
  /** ServiceMonitors and Prometheus → /metrics policies (the Prometheus operator is installed). */
  monitoring: boolean;
  s3: { bucket: string; region: string };
  stores:
    | { kind: 'managed'; postgres: ExternalStore; redis: ExternalStore; s3: ExternalStore }
    | { kind: 'in-cluster'; storageClassName?: string; s3PublicHost: string };
  /** How the media worker scales: CPU (HPA) or the BullMQ wait list (KEDA). */
  workerScaling: 'hpa' | 'keda';
}

export const defaultSettings: DeploySettings = {
  namespace: 'fffoto',
  apiHost: 'api.fffoto.example',
  webOrigins: ['https://fffoto.example'],
  tlsCredentialName: 'fffoto-api-tls',
  image: (target) => `fffoto/${target}:latest`,
  principals: {
    // Istio's default ingress gateway install, and kube-prometheus's Prometheus.
    ingress: 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    prometheus: 'cluster.local/ns/monitoring/sa/prometheus-k8s',
  },
  ingressSelector: { istio: 'ingressgateway' },
  otlp: { namespace: 'observability', host: 'otel-collector.observability.svc.cluster.local', port: 4318 },
  metricsPort: PRODUCTION_METRICS_PORT,
  monitoring: true,
  s3: { bucket: 'fffoto-media', region: 'us-east-1' },
  stores: { kind: 'in-cluster', s3PublicHost: 's3.fffoto.example' },
  workerScaling: 'hpa',
};

/** The cluster DNS name of a Service in our namespace. */
export const serviceHost = (s: DeploySettings, name: string) => `${name}.${s.namespace}.svc.cluster.local`;

/** The SPIFFE principal of a ServiceAccount in our namespace (what AuthorizationPolicies name). */
export const principalOf = (s: DeploySettings, serviceAccount: string) => `cluster.local/ns/${s.namespace}/sa/${serviceAccount}`;
