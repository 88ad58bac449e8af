import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { CHARTS, type ChartRef, type PlatformChart, type ReleaseSpec } from "./charts";
import {
  argoCdValues,
  externalDnsValues,
  externalSecretsValues,
  type ExternalDnsSettings,
  kubePrometheusStackValues,
  kyvernoAdmissionReplicas,
  kyvernoValues,
  loadBalancerControllerValues,
  metricsServerValues,
  toHelmValues,
  type MonitoringSettings,
} from "./values";
import {
  argoCdWorkloads,
  externalDnsWorkloads,
  externalSecretsWorkloads,
  kubePrometheusStackWorkloads,
  kyvernoWorkloads,
  loadBalancerControllerWorkloads,
  metricsServerWorkloads,
  applicationQuota,
  type ApplicationQuota,
  type ClusterCapacity,
  OFF_HOURS_JOB_RESOURCES,
  withResources,
  type Workload,
} from "./workloads";
import { OFF_HOURS_NAMESPACE, WorkloadsOffHours } from "./off-hours";
import { platformRuleGroups, platformServiceMonitors } from "./platform-alerts";
import { INGRESS_CLASS, ingressClassManifests } from "./ingress";
import type { WorkingHours } from "../cost/working-hours";
import { nodeClass, nodePool, type NodeClassProps, type NodePoolSpec } from "./node-pools";
import { appOfApps, appProjects, grafanaAdminExternalSecret, namespacedSecretStore } from "./manifests";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import type { TerraformAsset } from "cdktf";
import { ObjectsRelease, objectsChartAsset, type KubernetesObject } from "./objects-release";
import { IRSA_ROLE_ANNOTATION, NODE_EXPORTER_NAMESPACE, SECRET_READER_SERVICE_ACCOUNT } from "./charts";
import {
  APPLICATION_NAMESPACE_SECURITY,
  applicationIngress,
  baselinePolicies,
  httpsRedirectPolicy,
  namespaceNetworkPolicies,
  PLATFORM_INGRESS,
  platformNamespaceSecurity,
  podSecurityLabels,
  type EgressTarget,
  type IngressAllows,
  type NamespaceSecurity,
  type NetworkRanges,
  type PolicyMode,
} from "./security";

/** The EBS CSI provisioner: the EBS CSI driver add-on, or the one built into EKS Auto Mode. */
export type EbsProvisioner = "ebs.csi.aws.com" | "ebs.csi.eks.amazonaws.com";

export interface AppOfAppsProps {
  /** HTTPS URL of the GitOps repository. */
  readonly repoUrl: string;
  /** Branch, tag or commit Argo CD follows. */
  readonly revision: string;
  /** Folder of Application manifests inside the repository. */
  readonly path: string;
}

export interface PlatformServicesProps {
  /** The cluster the services run on; values may be Terraform references (remote state). */
  readonly cluster: { readonly name: string; readonly region: string; readonly vpcId: string; readonly kubernetesVersion: string };
  /** The address ranges NetworkPolicies name: the control plane's ENIs, the load balancers, the database. */
  readonly networkRanges: NetworkRanges;
  /**
   * EKS Auto Mode: the NodeClass and NodePools every pod runs on (created before any release), and
   * its network policy controller switched on by a ConfigMap (the VPC CNI add-on's
   * `enableNetworkPolicy` does it on managed node groups, in the core stack). Omitted: managed
   * node groups.
   */
  readonly autoMode?: {
    /** What every pool's NodeClass shares: role, subnets, security group, volume key, tags. */
    readonly nodes: Omit<NodeClassProps, "name" | "diskSizeGib">;
    /** One NodeClass (with the pool's disk size) and one NodePool each, named after the pool. */
    readonly nodePools: readonly NodePoolSpec[];
  };
  readonly ebsProvisioner: EbsProvisioner;
  /**
   * The repository's `platform-objects` chart directory. Custom resources whose CRDs the releases
   * below install, and NetworkPolicies, are releases of it (modules/platform/objects-release.ts),
   * so the stack plans on a fresh cluster.
   */
  readonly objectsChartDirectory: string;
  /** KMS key (ARN) every persistent volume is encrypted with; the StorageClass names it. */
  readonly ebsKmsKeyArn: string;
  /** Chart, repository and version of each release (the versions catalog). */
  readonly charts: Readonly<Record<PlatformChart, ChartRef>>;
  /** Argo CD; omitted = not installed. Without `appOfApps` it is installed with no applications. */
  readonly argocd?: {
    readonly highAvailability: boolean;
    /** The GitOps repository the projects admit; omitted: the projects admit no source. */
    readonly repoUrl?: string;
    readonly appOfApps?: AppOfAppsProps;
  };
  /** kube-prometheus-stack; omitted = not installed. Needs `externalSecrets` (Grafana's admin secret). */
  readonly monitoring?: Omit<MonitoringSettings, "storageClassName" | "grafanaAdminSecretName" | "kubeProxyAndCoreDnsPods" | "platformMonitoring"> & {
    /** Name of the Secrets Manager secret with Grafana's admin username and password. */
    readonly grafanaAdminSecretsManagerName: string;
  };
  /**
   * External Secrets Operator; omitted = not installed. Each namespace that reads secrets gets a
   * SecretStore and a reader service account bound to its own IAM role (namespace → role ARN).
   */
  readonly externalSecrets?: { readonly secretStoreRoleArns: Readonly<Record<string, string>> };
  /** Kyverno and the baseline policies; omitted = not installed. */
  readonly policyEngine?: {
    readonly mode: PolicyMode;
    /** Two admission controllers (what enforcing needs), one otherwise. */
    readonly highAvailability: boolean;
    /** Why the policies audit where the tier asks to enforce; recorded on each policy. */
    readonly auditReason?: string;
    readonly allowedImages: readonly string[];
  };
  /**
   * Namespaces for applications: restricted Pod Security, default-deny ingress and egress (their
   * own pods, DNS and the egress each declares), a ResourceQuota and LimitRange, their own SecretStore.
   */
  readonly applicationNamespaces: readonly ApplicationNamespace[];
  /** What the cluster offers at its maximum size; application namespaces share what the platform leaves (workloads.ts `applicationQuota`). Omitted: no quota. */
  readonly clusterCapacity?: ClusterCapacity;
  /** AWS Load Balancer Controller; omitted = not installed (EKS Auto Mode brings its own). */
  readonly loadBalancerController?: { readonly roleArn: string };
  /**
   * Every workload of the platform and application namespaces sleeps outside these hours
   * (modules/platform/off-hours.ts); on EKS Auto Mode the nodes follow. Omitted: always on.
   */
  readonly offHours?: { readonly hours: WorkingHours; readonly kubectlImage: string };
  /**
   * Public DNS: external-dns writing the zone's records, and the default IngressClass (one HTTPS
   * ALB with the region's certificate; HTTP redirected where Kyverno runs). Omitted: neither.
   */
  readonly dns?: ExternalDnsSettings & { readonly certificateArn: string };
}

export interface ApplicationNamespace {
  readonly name: string;
  /** Where its pods may connect besides their own namespace and DNS. */
  readonly egress: readonly EgressTarget[];
}

/** Where releases of cluster-wide objects keep their record. */
const KUBE_SYSTEM = "kube-system";

/** Name of the gp3 StorageClass every platform volume uses. */
export const GP3_STORAGE_CLASS = "gp3";
/** Name of the SecretStore in each namespace that reads Secrets Manager. */
export const SECRETS_MANAGER_STORE = "aws-secrets-manager";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const APP_OF_APPS_NAME = "app-of-apps";

/**
 * In-cluster platform services installed with Helm: Argo CD, kube-prometheus-stack, External
 * Secrets Operator, Kyverno and the AWS Load Balancer Controller, plus the gp3 StorageClass and the
 * custom resources that wire them together; every namespace it creates carries its Pod Security
 * level and default-deny ingress NetworkPolicies (modules/platform/security.ts). Needs `kubernetes`
 * and `helm` providers in its stack.
 */
export class PlatformServices extends Construct {
  readonly releases: Partial<Record<PlatformChart, Release>> = {};
  /** The pods each release runs, with their resources (modules/platform/workloads.ts). */
  readonly workloads: Partial<Record<PlatformChart, readonly Workload[]>> = {};
  readonly storageClass: StorageClassV1;
  /**
   * Releases of the repository's objects chart, by what they hold: `secrets` (the SecretStores and
   * Grafana's ExternalSecret), `policies` (Kyverno's), `argocd` (AppProjects, the app-of-apps),
   * `ingressClass` (the default IngressClass and its parameters), `networkPolicies` (every
   * namespace's). Only those with objects exist.
   */
  readonly objects: Partial<Record<"secrets" | "policies" | "argocd" | "ingressClass" | "networkPolicies", ObjectsRelease>> = {};
  /**
   * Auto Mode's NodeClass and NodePools (empty with managed node groups): `kubernetes_manifest`,
   * since Auto Mode serves their kinds from the cluster's creation (EKS user guide,
   * automode/create-node-class.adoc, create-node-pool.adoc).
   */
  readonly capacity: Manifest[] = [];
  /** Namespace name → the namespace. */
  readonly namespaces: Record<string, NamespaceV1> = {};
  readonly offHours?: WorkloadsOffHours;
  private readonly objectsChart: TerraformAsset;
  /** Every namespace's NetworkPolicies, released together once all namespaces exist. */
  private readonly networkPolicyObjects: KubernetesObject[] = [];

  constructor(scope: Construct, id: string, props: PlatformServicesProps) {
    super(scope, id);
    if (props.monitoring && !props.externalSecrets) {
      throw new Error("PlatformServices: monitoring needs externalSecrets, which supplies Grafana's admin credentials from Secrets Manager.");
    }
    this.objectsChart = objectsChartAsset(this, "objects-chart", props.objectsChartDirectory);

    if (props.autoMode) {
      const { nodes, nodePools } = props.autoMode;
      for (const { diskSizeGib, ...pool } of nodePools) {
        const classObject = new Manifest(this, `node-class-${pool.name}`, { manifest: asManifest(nodeClass({ ...nodes, name: pool.name, diskSizeGib })) });
        const poolObject = new Manifest(this, `node-pool-${pool.name}`, { manifest: asManifest(nodePool({ ...pool, nodeClassName: pool.name })), dependsOn: [classObject] });
        this.capacity.push(classObject, poolObject);
      }
    }

    this.storageClass = new StorageClassV1(this, "gp3", {
      metadata: { name: GP3_STORAGE_CLASS },
      storageProvisioner: props.ebsProvisioner,
      // Without kmsKeyId the volumes would use the account's aws/ebs key, not the environment's.
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: props.ebsKmsKeyArn, fsType: "ext4" },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });

    // The controller's webhook intercepts every Service; releases created before it is ready fail.
    // So it goes first, and everything else waits for it.
    const afterLoadBalancerController: ITerraformDependable[] = [];
    if (props.loadBalancerController) {
      const { name: clusterName, region, vpcId } = props.cluster;
      const values = loadBalancerControllerValues({ clusterName, region, vpcId, roleArn: props.loadBalancerController.roleArn });
      const release = this.release("awsLoadBalancerController", CHARTS.awsLoadBalancerController.namespace, values, loadBalancerControllerWorkloads(), [], props);
      afterLoadBalancerController.push(release);
    }

    const security = platformNamespaceSecurity({ argoCdHighAvailability: props.argocd?.highAvailability ?? false });
    const platformNamespace = (id: string, name: string) => this.namespace(id, name, security[name]!, PLATFORM_INGRESS[name]!, props);

    if (props.autoMode) {
      // EKS Auto Mode enforces NetworkPolicies once this ConfigMap switches its controller on.
      new ConfigMapV1(this, "auto-mode-network-policy", {
        metadata: { name: "amazon-vpc-cni", namespace: "kube-system" },
        data: { "enable-network-policy-controller": "true" },
      });
    }

    // Where kube-prometheus-stack runs, the charts open their metrics Services for its ServiceMonitors.
    const monitored = Boolean(props.monitoring);
    // Resource metrics for `kubectl top` and the Horizontal Pod Autoscaler (EKS installs none).
    this.release("metricsServer", CHARTS.metricsServer.namespace, metricsServerValues({ monitored }), metricsServerWorkloads(), afterLoadBalancerController, props);

    let externalSecretsRelease: Release | undefined;
    let externalSecretsNamespace = "";
    if (props.externalSecrets) {
      externalSecretsNamespace = platformNamespace("external-secrets-namespace", CHARTS.externalSecrets.namespace);
      externalSecretsRelease = this.release("externalSecrets", externalSecretsNamespace, externalSecretsValues({ monitored }), externalSecretsWorkloads(), afterLoadBalancerController, props);
    }
    /** A SecretStore for Secrets Manager in one namespace, authenticated as its own reader service account. */
    const secretStore = (namespace: string): ObjectsRelease | undefined => {
      const roleArn = props.externalSecrets?.secretStoreRoleArns[namespace];
      if (!externalSecretsRelease || !roleArn) return undefined;
      const reader = new ServiceAccountV1(this, `${namespace}-secrets-reader`, {
        metadata: { name: SECRET_READER_SERVICE_ACCOUNT, namespace, annotations: { [IRSA_ROLE_ANNOTATION]: roleArn } },
        automountServiceAccountToken: false,
      });
      this.objects.secrets ??= this.objectsRelease("platform-secrets", externalSecretsNamespace, [externalSecretsRelease]);
      const store = namespacedSecretStore(SECRETS_MANAGER_STORE, namespace, props.cluster.region, SECRET_READER_SERVICE_ACCOUNT);
      return this.objects.secrets.add(store).after(reader, ...(this.namespaces[namespace] ? [this.namespaces[namespace]] : []));
    };

    if (props.policyEngine) {
      const namespace = platformNamespace("kyverno-namespace", CHARTS.kyverno.namespace);
      const admission = { admissionReplicas: kyvernoAdmissionReplicas(props.policyEngine.highAvailability ? "enforce" : "audit") };
      const release = this.release("kyverno", namespace, kyvernoValues(admission), kyvernoWorkloads(admission), afterLoadBalancerController, props);
      const policies = baselinePolicies({ mode: props.policyEngine.mode, auditReason: props.policyEngine.auditReason, allowedImages: props.policyEngine.allowedImages, requestsRequiredIn: props.applicationNamespaces.map((n) => n.name) });
      this.objects.policies = this.objectsRelease("platform-policies", namespace, [release]).add(...policies, ...(props.dns ? [httpsRedirectPolicy(INGRESS_CLASS)] : []));
    }

    if (props.monitoring) {
      const { grafanaAdminSecretsManagerName, ...sizes } = props.monitoring;
      const namespace = platformNamespace("monitoring-namespace", CHARTS.kubePrometheusStack.namespace);
      platformNamespace("node-exporter-namespace", NODE_EXPORTER_NAMESPACE);
      const store = secretStore(CHARTS.kubePrometheusStack.namespace);
      if (!store) throw new Error("PlatformServices: monitoring needs a SecretStore role for its namespace (externalSecrets.secretStoreRoleArns.monitoring).");
      // Installed before kube-prometheus-stack; Grafana's pod waits for the Secret it fills (its
      // container cannot start without it, and the kubelet retries until External Secrets wrote it).
      store.add(
        grafanaAdminExternalSecret({
          namespace,
          targetSecretName: GRAFANA_ADMIN_SECRET,
          secretsManagerName: grafanaAdminSecretsManagerName,
          storeName: SECRETS_MANAGER_STORE,
        }),
      );
      const values = kubePrometheusStackValues({
        ...sizes,
        storageClassName: this.storageClass.metadata.name,
        grafanaAdminSecretName: GRAFANA_ADMIN_SECRET,
        kubeProxyAndCoreDnsPods: !props.autoMode,
        platformMonitoring: { serviceMonitors: platformServiceMonitors({ externalDns: Boolean(props.dns) }), rules: platformRuleGroups({ externalDns: Boolean(props.dns) }) },
      });
      this.release("kubePrometheusStack", namespace, values, kubePrometheusStackWorkloads(sizes), [...afterLoadBalancerController, store.release, this.namespaces[NODE_EXPORTER_NAMESPACE]!], props, 900);
    }

    if (props.dns) {
      const { certificateArn, ...settings } = props.dns;
      const namespace = platformNamespace("external-dns-namespace", CHARTS.externalDns.namespace);
      this.release("externalDns", namespace, externalDnsValues(settings), externalDnsWorkloads(), afterLoadBalancerController, props);
      // The load balancer controller's IngressClassParams CRD comes with its release.
      this.objects.ingressClass = this.objectsRelease("platform-ingress-class", KUBE_SYSTEM, afterLoadBalancerController).add(
        ...ingressClassManifests({ controller: props.autoMode ? "auto-mode" : "aws-load-balancer-controller", certificateArn, groupName: settings.ownerId }),
      );
    }

    if (props.argocd) {
      const namespace = platformNamespace("argocd-namespace", CHARTS.argoCd.namespace);
      const release = this.release("argoCd", namespace, argoCdValues({ highAvailability: props.argocd.highAvailability, monitored }), argoCdWorkloads(props.argocd), afterLoadBalancerController, props);
      const source = props.argocd.appOfApps;
      // Projects instead of Argo CD's default one, which may deploy anything anywhere; the
      // app-of-apps after them (Helm applies the objects in this order).
      // Argo CD's server creates the `default` project when it starts (argo-cd docs/user-guide/projects.md),
      // so the release that empties it must adopt it rather than fail on an object it does not own.
      this.objects.argocd = this.objectsRelease("platform-argocd", namespace, [release], { takeOwnership: true }).add(
        ...appProjects({ namespace, repoUrl: props.argocd.repoUrl, applicationNamespaces: props.applicationNamespaces.map((n) => n.name) }),
        ...(source ? [appOfApps({ name: APP_OF_APPS_NAME, project: "platform", namespace, repoUrl: source.repoUrl, revision: source.revision, path: source.path })] : []),
      );
    }

    // After every release: the quota is what the platform's pods leave of the cluster.
    const quota =
      props.applicationNamespaces.length > 0 && props.clusterCapacity
        ? applicationQuota(props.clusterCapacity, Object.values(this.workloads).flat(), props.applicationNamespaces.length)
        : undefined;
    for (const { name, egress } of props.applicationNamespaces) {
      // Another application namespace that declared egress to this one may call that port.
      const callers = props.applicationNamespaces.flatMap((caller) =>
        caller.egress.flatMap((target) => ("namespace" in target && target.namespace === name ? [{ namespace: caller.name, port: target.port }] : [])),
      );
      this.namespace(`app-${name}-namespace`, name, APPLICATION_NAMESPACE_SECURITY, applicationIngress(callers), props, egress);
      if (quota) this.quotas(name, quota);
      secretStore(name);
    }

    // Every namespace's NetworkPolicies, once all namespaces exist.
    if (this.networkPolicyObjects.length > 0) {
      this.objects.networkPolicies = this.objectsRelease("platform-network-policies", KUBE_SYSTEM, Object.values(this.namespaces)).add(...this.networkPolicyObjects);
    }

    if (props.offHours) {
      // What runs in kube-system is the platform's by name only; every other namespace sleeps whole.
      const inKubeSystem = Object.entries(CHARTS)
        .filter(([chart, spec]) => spec.namespace === OFF_HOURS_NAMESPACE && this.releases[chart as PlatformChart])
        .map(([, spec]) => spec.releaseName);
      this.offHours = new WorkloadsOffHours(this, "off-hours", {
        ...props.offHours.hours,
        namespaces: Object.keys(this.namespaces),
        namedDeployments: inKubeSystem.length > 0 ? { [OFF_HOURS_NAMESPACE]: inKubeSystem } : {},
        wakeFirst: this.releases.kyverno ? CHARTS.kyverno.namespace : undefined,
        gitOps: this.releases.argoCd ? CHARTS.argoCd.namespace : undefined,
        image: props.offHours.kubectlImage,
        resources: OFF_HOURS_JOB_RESOURCES,
        // Namespaces first (their Roles), releases too: a sleep must not find half a platform.
        dependsOn: [...Object.values(this.namespaces), ...Object.values(this.releases)],
      });
    }
  }

  /** A namespace with its Pod Security labels and its NetworkPolicies; returns its name. */
  private namespace(id: string, name: string, security: NamespaceSecurity, ingress: IngressAllows, props: PlatformServicesProps, egress?: readonly EgressTarget[]): string {
    const namespace = new NamespaceV1(this, id, {
      metadata: {
        name,
        labels: { "app.kubernetes.io/managed-by": "terraform", ...podSecurityLabels(security, props.cluster.kubernetesVersion) },
        annotations: { "pipeops.io/pod-security-reason": security.reason },
      },
    });
    this.namespaces[name] = namespace;
    this.networkPolicyObjects.push(...namespaceNetworkPolicies(name, props.networkRanges, ingress, egress));
    return namespace.metadata.name;
  }

  /** An application namespace's ResourceQuota and LimitRange. */
  private quotas(name: string, quota: ApplicationQuota): void {
    const dependsOn = [this.namespaces[name]!];
    const metadata = { name: "application", namespace: name };
    new ResourceQuotaV1(this, `app-${name}-quota`, { metadata, spec: { hard: { ...quota.hard } }, dependsOn });
    new LimitRangeV1(this, `app-${name}-limits`, {
      metadata,
      dependsOn,
      spec: { limit: [{ type: "Container", defaultRequest: { ...quota.container.defaultRequest }, default: { ...quota.container.default }, max: { ...quota.container.max } }] },
    });
  }

  /** A release of the repository's objects chart (modules/platform/objects-release.ts). */
  private objectsRelease(name: string, namespace: string, dependsOn: ITerraformDependable[], options: { takeOwnership?: boolean } = {}): ObjectsRelease {
    return new ObjectsRelease(this, { chart: this.objectsChart, name, namespace, dependsOn, ...options });
  }

  /** A Helm release of one platform chart, its containers' resources written into its values. */
  private release(chart: PlatformChart, namespace: string, values: object, workloads: readonly Workload[], dependsOn: ITerraformDependable[], props: PlatformServicesProps, timeoutSeconds = 600): Release {
    const spec: ReleaseSpec = CHARTS[chart];
    const source: ChartRef = props.charts[chart];
    this.workloads[chart] = workloads;
    // Pods need nodes: in Auto Mode, the NodePools come first.
    const after = [...this.capacity, ...dependsOn];
    const release = new Release(this, spec.releaseName, {
      name: spec.releaseName,
      chart: source.chart,
      repository: source.repository,
      version: source.version,
      namespace,
      createNamespace: false,
      values: [toHelmValues(withResources(values, workloads))],
      // A failed install or upgrade rolls back instead of leaving a half-applied release.
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: timeoutSeconds,
      dependsOn: after.length > 0 ? after : undefined,
    });
    this.releases[chart] = release;
    return release;
  }
}

/** The typed manifests are plain objects; `kubernetes_manifest` takes them as a map. */
function asManifest(manifest: object): Record<string, unknown> {
  return manifest as Record<string, unknown>;
}
