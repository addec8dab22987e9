// The kinds a rendered overlay may contain, each with its kubernetes-models class: a parsed
// manifest is validated again (JSON schema of its API version) by `new Class(obj).validate()`.
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Gateway, ServiceEntry, Sidecar, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { AuthorizationPolicy, PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

type ModelClass = { apiVersion: string; kind: string } & (new (data: any) => { validate(): void });

const classes: ModelClass[] = [
  Namespace, ServiceAccount, Service, Deployment, StatefulSet, Job, HorizontalPodAutoscaler, PodDisruptionBudget,
  PeerAuthentication, AuthorizationPolicy, Sidecar, ServiceEntry, Gateway, VirtualService,
  ScaledObject, TriggerAuthentication, ServiceMonitor,
];

const byType = new Map(classes.map((c) => [`${c.apiVersion}/${c.kind}`, c]));

/** The class of a manifest's apiVersion and kind; undefined for a kind we do not render. */
export const modelFor = (apiVersion: string, kind: string): ModelClass | undefined => byType.get(`${apiVersion}/${kind}`);
