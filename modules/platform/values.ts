import { IRSA_ROLE_ANNOTATION, IRSA_SERVICE_ACCOUNTS, NODE_EXPORTER_NAMESPACE } from "./charts";
import { argoCdReplicas, LOAD_BALANCER_CONTROLLER_REPLICAS, METRICS_SERVER_REPLICAS, REDIS_HA_REPLICAS } from "./workloads";
import type { RuleGroup, ServiceMonitorSpec } from "./platform-alerts";

/** Settings of a chart Prometheus scrapes where kube-prometheus-stack runs: its metrics Service opened. */
export interface Monitored {
  readonly monitored: boolean;
}

/**
 * Typed Helm values for each chart: only the keys this project sets, named exactly as in the
 * chart's values.yaml. Builders are pure functions of typed settings; `toHelmValues` turns the
 * result into the one document the helm_release `values` list takes. Strings may carry Terraform
 * references (e.g. a role ARN read from remote state); they resolve inside the document.
 */

/** JSON is a subset of YAML, so a JSON document is a valid Helm values file. Indented for readable plan diffs. */
export function toHelmValues(values: object): string {
  return JSON.stringify(values, null, 2);
}

const gib = (size: number) => `${size}Gi`;

interface ServiceAccountValues {
  readonly create: boolean;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
}

interface PersistentVolumeClaimTemplate {
  readonly spec: {
    readonly storageClassName: string;
    readonly accessModes: readonly ["ReadWriteOnce"];
    readonly resources: { readonly requests: { readonly storage: string } };
  };
}

function volumeClaimTemplate(storageClassName: string, sizeGib: number): PersistentVolumeClaimTemplate {
  return { spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: gib(sizeGib) } } } };
}

// ---------------------------------------------------------------- Argo CD (argo-cd chart)

export interface ArgoCdSettings extends Monitored {
  /** Replicated server, repo-server, application controller and ApplicationSet controller, and redis-ha. */
  readonly highAvailability: boolean;
}

/** An Argo CD component's metrics Service (argo-cd 10.1.1 `<component>.metrics.enabled`). */
type ArgoCdMetrics = { readonly enabled: true };

interface ZoneSpread {
  readonly maxSkew: 1;
  readonly topologyKey: typeof ZONE_LABEL;
  readonly whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
}

/** The node label of its Availability Zone. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface ArgoCdValues {
  readonly global: { readonly topologySpreadConstraints: readonly ZoneSpread[] };
  readonly "redis-ha":
    | { readonly enabled: false }
    | { readonly enabled: true; readonly replicas: number; readonly haproxy: { readonly replicas: number }; readonly topologySpreadConstraints: { readonly enabled: true } & ZoneSpread };
  readonly dex: { readonly enabled: boolean };
  readonly notifications: { readonly enabled: boolean };
  readonly controller: { readonly replicas: number; readonly metrics?: ArgoCdMetrics };
  readonly server: { readonly replicas: number; readonly metrics?: ArgoCdMetrics };
  readonly repoServer: { readonly replicas: number; readonly metrics?: ArgoCdMetrics };
  readonly applicationSet: { readonly replicas: number };
}

export function argoCdValues(settings: ArgoCdSettings): ArgoCdValues {
  const replicas = argoCdReplicas(settings.highAvailability);
  return {
    // Replicas of every component spread over the AZs where they can (the label selector defaults
    // to the component's own).
    global: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: "ScheduleAnyway" }] },
    // HA Redis (3 pods with Sentinel, and 3 HAProxy pods, each set one pod per node) takes the
    // single Redis's place when highly available; the counts are redis-ha's defaults, written out.
    // Its quorum must survive an AZ: one Redis and one HAProxy per AZ, strictly, so Auto Mode
    // starts nodes in three AZs (redis-ha 4.38.0 topologySpreadConstraints, applied to both).
    "redis-ha": settings.highAvailability
      ? {
          enabled: true,
          replicas: REDIS_HA_REPLICAS,
          haproxy: { replicas: REDIS_HA_REPLICAS },
          topologySpreadConstraints: { enabled: true, maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: "DoNotSchedule" },
        }
      : { enabled: false },
    // Dex serves SSO connectors and the notifications controller sends to configured services;
    // neither is configured, and each would take a pod slot on every cluster (capacity test).
    dex: { enabled: false },
    notifications: { enabled: false },
    // With more than one replica the chart shards clusters across controller pods. Monitored: the
    // metrics Services kube-prometheus-stack's ServiceMonitors select (platform-alerts.ts).
    controller: { replicas, ...(settings.monitored ? { metrics: { enabled: true } as const } : {}) },
    server: { replicas, ...(settings.monitored ? { metrics: { enabled: true } as const } : {}) },
    repoServer: { replicas, ...(settings.monitored ? { metrics: { enabled: true } as const } : {}) },
    applicationSet: { replicas },
  };
}

// ---------------------------------------------------------------- kube-prometheus-stack

export interface MonitoringSettings {
  readonly prometheusRetentionDays: number;
  readonly prometheusStorageGib: number;
  readonly prometheusReplicas: number;
  readonly alertmanagerStorageGib: number;
  readonly alertmanagerReplicas: number;
  readonly grafanaStorageGib: number;
  /** StorageClass of every persistent volume (gp3). */
  readonly storageClassName: string;
  /** Kubernetes Secret (materialised by External Secrets) holding Grafana's admin credentials. */
  readonly grafanaAdminSecretName: string;
  /**
   * Whether kube-proxy and CoreDNS run as pods that Prometheus can find. Not on EKS Auto Mode,
   * which runs both itself (EKS user guide, workloads/eks-add-ons.adoc): their ServiceMonitors would
   * find no target, and kube-prometheus-stack's KubeProxyDown (`absent(up{job="kube-proxy"})`)
   * would fire forever.
   */
  readonly kubeProxyAndCoreDnsPods: boolean;
  /** The platform's own ServiceMonitors and alert rules (platform-alerts.ts). */
  readonly platformMonitoring: { readonly serviceMonitors: readonly ServiceMonitorSpec[]; readonly rules: readonly RuleGroup[] };
  /** Where Alertmanager sends every alert: the environment's SNS topic, as the IRSA role given. */
  readonly alertTopic: { readonly arn: string; readonly region: string; readonly publisherRoleArn: string };
}

/** The receiver every alert goes to; the chart's `null` receiver keeps the Watchdog heartbeat and InfoInhibitor. */
export const ALERT_TOPIC_RECEIVER = "alert-topic";

/**
 * Alertmanager's configuration (merged over the chart's default, which keeps its inhibit rules):
 * every alert to the SNS topic, signed with the IRSA role's credentials (Alertmanager v0.34.0's
 * `sns_configs` use the AWS SDK's default chain, which reads the web identity token), except the
 * Watchdog heartbeat and InfoInhibitor, which only exist to be always firing.
 */
export function alertmanagerConfig(topic: { readonly arn: string; readonly region: string }) {
  return {
    route: {
      receiver: ALERT_TOPIC_RECEIVER,
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [
        { receiver: "null", matchers: ['alertname = "Watchdog"'] },
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
      ],
    },
    receivers: [
      { name: "null" },
      {
        name: ALERT_TOPIC_RECEIVER,
        sns_configs: [
          {
            topic_arn: topic.arn,
            sigv4: { region: topic.region },
            send_resolved: true,
            subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.namespace }}',
          },
        ],
      },
    ],
  };
}

/** Keys of the Grafana admin Secret in the cluster (the grafana chart's defaults). */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: "admin-user", password: "admin-password" } as const;

export interface KubePrometheusStackValues {
  readonly prometheus: {
    readonly prometheusSpec: {
      readonly replicas: number;
      readonly retention: string;
      readonly retentionSize: string;
      readonly storageSpec: { readonly volumeClaimTemplate: PersistentVolumeClaimTemplate };
      readonly serviceMonitorSelectorNilUsesHelmValues: boolean;
      readonly podMonitorSelectorNilUsesHelmValues: boolean;
      readonly ruleSelectorNilUsesHelmValues: boolean;
    };
    readonly additionalServiceMonitors: readonly ServiceMonitorSpec[];
  };
  readonly additionalPrometheusRulesMap: { readonly platform: { readonly groups: readonly RuleGroup[] } };
  readonly alertmanager: {
    readonly enabled: boolean;
    readonly serviceAccount: { readonly create: true; readonly name: string; readonly annotations: Readonly<Record<string, string>> };
    readonly config: ReturnType<typeof alertmanagerConfig>;
    readonly alertmanagerSpec: {
      readonly replicas: number;
      readonly storage: { readonly volumeClaimTemplate: PersistentVolumeClaimTemplate };
    };
  };
  readonly kubeControllerManager: { readonly enabled: boolean };
  readonly kubeScheduler: { readonly enabled: boolean };
  readonly kubeEtcd: { readonly enabled: boolean };
  readonly kubeProxy: { readonly enabled: boolean };
  readonly coreDns: { readonly enabled: boolean };
  readonly "prometheus-node-exporter": { readonly namespaceOverride: string };
  readonly grafana: {
    readonly enabled: boolean;
    readonly deploymentStrategy: { readonly type: "Recreate" };
    readonly admin: { readonly existingSecret: string; readonly userKey: string; readonly passwordKey: string };
    readonly persistence: { readonly enabled: boolean; readonly type: "pvc"; readonly storageClassName: string; readonly size: string };
  };
}

/**
 * Prometheus deletes the oldest blocks once the volume holds this share of its size, so a burst of
 * series cannot fill the disk before the time-based retention catches up.
 */
export const PROMETHEUS_RETENTION_SIZE_SHARE = 0.85;

export function kubePrometheusStackValues(settings: MonitoringSettings): KubePrometheusStackValues {
  return {
    prometheus: {
      prometheusSpec: {
        replicas: settings.prometheusReplicas,
        retention: `${settings.prometheusRetentionDays}d`,
        // Prometheus size units are powers of two, so "GB" here is GiB.
        retentionSize: `${Math.floor(settings.prometheusStorageGib * PROMETHEUS_RETENTION_SIZE_SHARE)}GB`,
        storageSpec: { volumeClaimTemplate: volumeClaimTemplate(settings.storageClassName, settings.prometheusStorageGib) },
        // Pick up ServiceMonitors, PodMonitors and rules from every release, not only this one's.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
      },
      additionalServiceMonitors: settings.platformMonitoring.serviceMonitors,
    },
    additionalPrometheusRulesMap: { platform: { groups: settings.platformMonitoring.rules } },
    alertmanager: {
      enabled: true,
      serviceAccount: { create: true, name: IRSA_SERVICE_ACCOUNTS.alertmanager.name, annotations: { [IRSA_ROLE_ANNOTATION]: settings.alertTopic.publisherRoleArn } },
      config: alertmanagerConfig(settings.alertTopic),
      alertmanagerSpec: {
        replicas: settings.alertmanagerReplicas,
        storage: { volumeClaimTemplate: volumeClaimTemplate(settings.storageClassName, settings.alertmanagerStorageGib) },
      },
    },
    // EKS runs the control plane and does not expose these components' metrics endpoints: scraping
    // them would only raise "target down" alerts forever.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: settings.kubeProxyAndCoreDnsPods },
    coreDns: { enabled: settings.kubeProxyAndCoreDnsPods },
    // The node exporter needs the host's namespaces: it runs apart, in a namespace that allows it.
    "prometheus-node-exporter": { namespaceOverride: NODE_EXPORTER_NAMESPACE },
    grafana: {
      enabled: true,
      // A ReadWriteOnce volume cannot be mounted by the old and the new pod at once, so a rolling
      // update would hang; the old pod goes first.
      deploymentStrategy: { type: "Recreate" },
      // Credentials come from a Secret External Secrets syncs from Secrets Manager; no password in values or state.
      admin: {
        existingSecret: settings.grafanaAdminSecretName,
        userKey: GRAFANA_ADMIN_SECRET_KEYS.user,
        passwordKey: GRAFANA_ADMIN_SECRET_KEYS.password,
      },
      persistence: { enabled: true, type: "pvc", storageClassName: settings.storageClassName, size: gib(settings.grafanaStorageGib) },
    },
  };
}

// ---------------------------------------------------------------- External Secrets Operator

export interface ExternalSecretsValues {
  readonly installCRDs: boolean;
  readonly serviceAccount: { readonly create: boolean; readonly name: string };
  /** The controller's metrics Service, which kube-prometheus-stack's ServiceMonitor selects (platform-alerts.ts). */
  readonly metrics: { readonly service: { readonly enabled: boolean } };
}

/**
 * The operator's own service account carries no IAM role: each namespace's SecretStore names that
 * namespace's reader service account, and the operator assumes its role with that account's token.
 */
export function externalSecretsValues(settings: Monitored): ExternalSecretsValues {
  return { installCRDs: true, serviceAccount: { create: true, name: IRSA_SERVICE_ACCOUNTS.externalSecrets.name }, metrics: { service: { enabled: settings.monitored } } };
}

// ---------------------------------------------------------------- AWS Load Balancer Controller

export interface LoadBalancerControllerSettings {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly roleArn: string;
}

export interface LoadBalancerControllerValues {
  readonly replicaCount: number;
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  readonly serviceAccount: ServiceAccountValues;
}

export function loadBalancerControllerValues(settings: LoadBalancerControllerSettings): LoadBalancerControllerValues {
  return {
    replicaCount: LOAD_BALANCER_CONTROLLER_REPLICAS,
    clusterName: settings.clusterName,
    // Set explicitly: with IMDSv2 hop limit 1 the controller cannot discover region and VPC itself.
    region: settings.region,
    vpcId: settings.vpcId,
    serviceAccount: {
      create: true,
      name: IRSA_SERVICE_ACCOUNTS.awsLoadBalancerController.name,
      annotations: { [IRSA_ROLE_ANNOTATION]: settings.roleArn },
    },
  };
}

// ---------------------------------------------------------------- metrics-server

export interface MetricsServerValues {
  readonly replicas: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly metrics: { readonly enabled: boolean };
}

/** Replicated with a disruption budget, so the resource metrics API (and every HorizontalPodAutoscaler) survives a node drain. */
export function metricsServerValues(settings: Monitored): MetricsServerValues {
  // metrics-server 3.13.1: `metrics.enabled` lets /metrics through without authorization
  // (`--authorization-always-allow-paths=/metrics`, templates/deployment.yaml).
  return { replicas: METRICS_SERVER_REPLICAS, podDisruptionBudget: { enabled: true, minAvailable: 1 }, metrics: { enabled: settings.monitored } };
}

// ---------------------------------------------------------------- external-dns

export interface ExternalDnsSettings {
  /** The only zone it writes (domainFilters), a public one. */
  readonly zoneName: string;
  /** Owner of the records it writes (TXT registry): one per cluster, so two clusters never delete each other's. */
  readonly ownerId: string;
  readonly roleArn: string;
}

/**
 * external-dns 1.21.1 (app 0.21.0): the AWS provider, Ingresses and Services as sources, records
 * in the environment's public zone only, `sync` (it deletes what it created when the Ingress goes,
 * never another owner's records), and its IRSA role, which may write names under that zone only.
 */
export function externalDnsValues(settings: ExternalDnsSettings) {
  return {
    provider: { name: "aws" },
    sources: ["ingress", "service"],
    domainFilters: [settings.zoneName],
    policy: "sync",
    registry: "txt",
    txtOwnerId: settings.ownerId,
    extraArgs: { "aws-zone-type": "public" },
    serviceAccount: { create: true, name: IRSA_SERVICE_ACCOUNTS.externalDns.name, annotations: { [IRSA_ROLE_ANNOTATION]: settings.roleArn } },
  };
}

// ---------------------------------------------------------------- Kyverno

export interface KyvernoValues {
  readonly admissionController: { readonly replicas: number };
}

/**
 * Admission controllers: with policies enforced, pods are admitted only while one answers, so
 * enforcing clusters run two (the chart's NOTES.txt: below 2 "Kyverno is not running in high
 * availability mode"); auditing clusters run one.
 */
export function kyvernoAdmissionReplicas(mode: "audit" | "enforce"): number {
  return mode === "enforce" ? 2 : 1;
}

export function kyvernoValues(settings: { readonly admissionReplicas: number }): KyvernoValues {
  return { admissionController: { replicas: settings.admissionReplicas } };
}
