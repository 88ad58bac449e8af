import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { CHARTS, type ChartRef, type PlatformChart, type ReleaseSpec } from "./charts";
import {
  argoCdValues,
  externalSecretsValues,
  kubePrometheusStackValues,
  loadBalancerControllerValues,
  toHelmValues,
  type MonitoringSettings,
} from "./values";
import { appOfApps, clusterSecretStore, grafanaAdminExternalSecret } from "./manifests";

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
  readonly cluster: { readonly name: string; readonly region: string; readonly vpcId: string };
  readonly ebsProvisioner: EbsProvisioner;
  /** KMS key (ARN) every persistent volume is encrypted with; the StorageClass names it. */
  readonly ebsKmsKeyArn: string;
  /** Chart, repository and version of each release (the versions catalog). */
  readonly charts: Readonly<Record<PlatformChart, ChartRef>>;
  /** Argo CD; omitted = not installed. Without `appOfApps` it is installed with no applications. */
  readonly argocd?: { readonly highAvailability: boolean; readonly appOfApps?: AppOfAppsProps };
  /** kube-prometheus-stack; omitted = not installed. Needs `externalSecrets` (Grafana's admin secret). */
  readonly monitoring?: Omit<MonitoringSettings, "storageClassName" | "grafanaAdminSecretName"> & {
    /** Name of the Secrets Manager secret with Grafana's admin username and password. */
    readonly grafanaAdminSecretsManagerName: string;
  };
  /** External Secrets Operator and a ClusterSecretStore for Secrets Manager; omitted = not installed. */
  readonly externalSecrets?: { readonly roleArn: string };
  /** AWS Load Balancer Controller; omitted = not installed (EKS Auto Mode brings its own). */
  readonly loadBalancerController?: { readonly roleArn: string };
}

/** Name of the gp3 StorageClass every platform volume uses. */
export const GP3_STORAGE_CLASS = "gp3";
export const SECRETS_MANAGER_STORE = "aws-secrets-manager";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const APP_OF_APPS_NAME = "app-of-apps";

/**
 * In-cluster platform services installed with Helm: Argo CD, kube-prometheus-stack, External
 * Secrets Operator and the AWS Load Balancer Controller, plus the gp3 StorageClass and the custom
 * resources that wire them together. Needs `kubernetes` and `helm` providers in its stack.
 */
export class PlatformServices extends Construct {
  readonly releases: Partial<Record<PlatformChart, Release>> = {};
  readonly storageClass: StorageClassV1;
  readonly clusterSecretStore?: Manifest;
  readonly grafanaAdminSecret?: Manifest;
  readonly appOfApps?: Manifest;

  constructor(scope: Construct, id: string, props: PlatformServicesProps) {
    super(scope, id);
    if (props.monitoring && !props.externalSecrets) {
      throw new Error("PlatformServices: monitoring needs externalSecrets, which supplies Grafana's admin credentials from Secrets Manager.");
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
      const release = this.release("aws-load-balancer-controller", CHARTS.awsLoadBalancerController, props.charts.awsLoadBalancerController, CHARTS.awsLoadBalancerController.namespace, values, []);
      this.releases.awsLoadBalancerController = release;
      afterLoadBalancerController.push(release);
    }

    if (props.externalSecrets) {
      const namespace = this.namespace("external-secrets-namespace", CHARTS.externalSecrets.namespace);
      const release = this.release("external-secrets", CHARTS.externalSecrets, props.charts.externalSecrets, namespace, externalSecretsValues(props.externalSecrets), afterLoadBalancerController);
      this.releases.externalSecrets = release;
      this.clusterSecretStore = new Manifest(this, "secrets-manager-store", {
        manifest: asManifest(clusterSecretStore(SECRETS_MANAGER_STORE, props.cluster.region)),
        dependsOn: [release],
      });
    }

    if (props.monitoring) {
      const { grafanaAdminSecretsManagerName, ...sizes } = props.monitoring;
      const namespace = this.namespace("monitoring-namespace", CHARTS.kubePrometheusStack.namespace);
      const grafanaAdmin = grafanaAdminExternalSecret({
        namespace,
        targetSecretName: GRAFANA_ADMIN_SECRET,
        secretsManagerName: grafanaAdminSecretsManagerName,
        storeName: SECRETS_MANAGER_STORE,
      });
      this.grafanaAdminSecret = new Manifest(this, "grafana-admin-secret", {
        manifest: asManifest(grafanaAdmin),
        // Grafana must not start before its Secret exists.
        wait: { condition: [{ type: "Ready", status: "True" }] },
        dependsOn: [this.clusterSecretStore!],
      });
      const values = kubePrometheusStackValues({ ...sizes, storageClassName: this.storageClass.metadata.name, grafanaAdminSecretName: GRAFANA_ADMIN_SECRET });
      this.releases.kubePrometheusStack = this.release("kube-prometheus-stack", CHARTS.kubePrometheusStack, props.charts.kubePrometheusStack, namespace, values, [
        ...afterLoadBalancerController,
        this.grafanaAdminSecret,
      ], 900);
    }

    if (props.argocd) {
      const namespace = this.namespace("argocd-namespace", CHARTS.argoCd.namespace);
      const release = this.release("argo-cd", CHARTS.argoCd, props.charts.argoCd, namespace, argoCdValues(props.argocd), afterLoadBalancerController);
      this.releases.argoCd = release;
      const source = props.argocd.appOfApps;
      if (source) {
        this.appOfApps = new Manifest(this, "app-of-apps", {
          manifest: asManifest(appOfApps({ name: APP_OF_APPS_NAME, namespace, repoUrl: source.repoUrl, revision: source.revision, path: source.path })),
          dependsOn: [release],
        });
      }
    }
  }

  private namespace(id: string, name: string): string {
    const namespace = new NamespaceV1(this, id, {
      metadata: { name, labels: { "app.kubernetes.io/managed-by": "terraform" } },
    });
    return namespace.metadata.name;
  }

  private release(id: string, spec: ReleaseSpec, source: ChartRef, namespace: string, values: object, dependsOn: ITerraformDependable[], timeoutSeconds = 600): Release {
    return new Release(this, id, {
      name: spec.releaseName,
      chart: source.chart,
      repository: source.repository,
      version: source.version,
      namespace,
      createNamespace: false,
      values: [toHelmValues(values)],
      // A failed install or upgrade rolls back instead of leaving a half-applied release.
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: timeoutSeconds,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
  }
}

/** The typed manifests are plain objects; `kubernetes_manifest` takes them as a map. */
function asManifest(manifest: object): Record<string, unknown> {
  return manifest as Record<string, unknown>;
}
