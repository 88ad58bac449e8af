import { join } from "node:path";
import { Aspects, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import type { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { CORE_OUTPUT } from "./core-outputs";
import { secretStoreGrants, stackNames } from "./names";
import { GuardedRemoteState, useStateBackend } from "../../backend/state-backend";
import { stackStateLocation } from "./state-location";
import { PlatformServices } from "../../modules/platform/platform-services";
import type { EnvironmentConfig } from "../config/types";
import { CHART_SOURCES, CONTAINER_IMAGES, imageOf, KUBERNETES, KYVERNO_COMPATIBILITY } from "../config/versions";
import { PLATFORM_IMAGE_REGISTRIES } from "../../modules/platform/security";
import { addressOf, terraformData } from "../../modules/terraform/terraform-data";
import { standardTags } from "../aspects/tags";
import { autoModeNodePools, maximumCapacity } from "./node-capacity";
import { subnetLayout, type AzSubnets } from "../../modules/network/subnet-layout";
import type { NetworkRanges } from "../../modules/platform/security";

/** The repository's chart that delivers the platform's own objects (modules/platform/objects-release.ts). */
export const PLATFORM_OBJECTS_CHART = join(__dirname, "..", "..", "charts", "platform-objects");

/** The client-go credential plugin API `aws eks get-token` speaks. */
export const EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

/** Branch Argo CD follows when the config names none. */
export const DEFAULT_GITOPS_REVISION = "HEAD";

/**
 * The check a platform stack plans first: the core stack's state exists and has the cluster's
 * outputs. Until the core stack is applied its plan fails with "Apply the core stack first", which
 * CI reads as waiting for the environment, not as a failure (src/plan-comment/waiting.ts).
 */
export function requireCoreCluster(scope: Construct, environment: string, core: GuardedRemoteState, coreName: string): TerraformResource {
  return terraformData(scope, "core-state-ready", {
    precondition: [
      {
        condition: core.present(CORE_OUTPUT.clusterName, CORE_OUTPUT.clusterEndpoint, CORE_OUTPUT.clusterCertificateAuthorityData),
        errorMessage: `${environment}'s core state has no cluster outputs yet. Apply the core stack first: cdktf deploy ${coreName}`,
      },
    ],
  });
}

/**
 * `<env>-platform`: only Kubernetes and Helm resources, on the cluster of the `<env>` core stack.
 * Cluster facts come from the core stack's remote state (never from resources of this apply), and
 * the providers authenticate with short-lived `aws eks get-token` tokens, so no credential is
 * written to the configuration or the state.
 */
export class PlatformStack extends EnvironmentStack {
  readonly services: PlatformServices;

  constructor(scope: Construct, stackName: string, props: EnvironmentStackProps) {
    super(scope, stackName, props);
    const { env, target } = props;
    useStateBackend(this, stackStateLocation(env, target, stackName));

    const coreName = stackNames(env.name).core;
    const core = new GuardedRemoteState(this, "core", stackStateLocation(env, target, coreName));
    const coreOutput = (name: string) => core.output(name);
    // Before anything touches the cluster: the core stack's state must exist, with its outputs.
    Aspects.of(this).add(new DependOn(requireCoreCluster(this, env.name, core, coreName)));
    const clusterName = coreOutput(CORE_OUTPUT.clusterName);
    const cluster = {
      host: coreOutput(CORE_OUTPUT.clusterEndpoint),
      clusterCaCertificate: core.output(CORE_OUTPUT.clusterCertificateAuthorityData, "base64decode"),
    };
    const exec = {
      apiVersion: EXEC_API_VERSION,
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", clusterName, "--region", env.region, "--output", "json"],
    };
    new KubernetesProvider(this, "kubernetes", { ...cluster, exec: [exec] });
    new HelmProvider(this, "helm", { kubernetes: { ...cluster, exec } });

    // Deploy order only: the core stack's outputs must exist before this stack plans.
    const coreStack = scope.node.tryFindChild(coreName);
    if (coreStack instanceof TerraformStack) this.addDependency(coreStack);

    this.services = new PlatformServices(this, "platform", {
      cluster: { name: clusterName, region: env.region, vpcId: coreOutput(CORE_OUTPUT.vpcId), kubernetesVersion: KUBERNETES.version },
      // The core stack's subnets are static ranges of the config: the same plan, computed here.
      networkRanges: networkRangesOf(subnetLayout(env.network.vpcCidr, env.network.availabilityZones)),
      clusterCapacity: maximumCapacity(env),
      autoMode:
        env.eks.computeMode === "auto-mode"
          ? {
              nodes: {
                roleName: coreOutput(CORE_OUTPUT.nodeRoleName),
                // The core stack makes one private subnet per AZ, in the config's order.
                subnetSelectorTerms: env.network.availabilityZones.map((_, i) => ({ id: core.outputElement(CORE_OUTPUT.privateSubnetIds, i) })),
                securityGroupSelectorTerms: [{ id: coreOutput(CORE_OUTPUT.nodeSecurityGroupId) }],
                volumeKmsKeyArn: coreOutput(CORE_OUTPUT.ebsKmsKeyArn),
                // The nodes' EC2 instances and volumes carry the environment's cost-allocation tags.
                tags: standardTags(env.project, env.name, env.tags),
              },
              nodePools: autoModeNodePools(env),
            }
          : undefined,
      ebsProvisioner: env.eks.computeMode === "auto-mode" ? "ebs.csi.eks.amazonaws.com" : "ebs.csi.aws.com",
      ebsKmsKeyArn: coreOutput(CORE_OUTPUT.ebsKmsKeyArn),
      objectsChartDirectory: PLATFORM_OBJECTS_CHART,
      charts: CHART_SOURCES,
      ...platformServicesOf(env, coreOutput, (namespace) => core.outputKey(CORE_OUTPUT.secretStoreRoleArns, namespace)),
    });
  }
}

/** Maps an environment's `platform` config to the module's props; disabled services are left out. */
function platformServicesOf(env: EnvironmentConfig, coreOutput: (name: string) => string, secretStoreRoleArn: (namespace: string) => string) {
  const { argocd, monitoring, externalSecrets, loadBalancerController, policyEngine, applicationNamespaces } = env.platform;
  const offHours = env.costs.offHours;
  return {
    argocd: argocd.enabled
      ? {
          highAvailability: argocd.highAvailability,
          repoUrl: argocd.gitopsRepoUrl,
          appOfApps:
            argocd.deployApplications && argocd.gitopsRepoUrl && argocd.appOfAppsPath
              ? { repoUrl: argocd.gitopsRepoUrl, revision: argocd.gitopsRevision ?? DEFAULT_GITOPS_REVISION, path: argocd.appOfAppsPath }
              : undefined,
        }
      : undefined,
    monitoring: monitoring.enabled
      ? {
          prometheusRetentionDays: monitoring.prometheusRetentionDays,
          prometheusStorageGib: monitoring.prometheusStorageGib,
          prometheusReplicas: monitoring.prometheusReplicas,
          alertmanagerStorageGib: monitoring.alertmanagerStorageGib,
          alertmanagerReplicas: monitoring.alertmanagerReplicas,
          grafanaStorageGib: monitoring.grafanaStorageGib,
          grafanaAdminSecretsManagerName: coreOutput(CORE_OUTPUT.grafanaAdminSecretName),
          alertTopic: { arn: coreOutput(CORE_OUTPUT.alertTopicArn), region: env.region, publisherRoleArn: coreOutput(CORE_OUTPUT.alertmanagerRoleArn) },
        }
      : undefined,
    externalSecrets: externalSecrets.enabled
      ? { secretStoreRoleArns: Object.fromEntries(secretStoreGrants(env, env.accountId).map(({ namespace }) => [namespace, secretStoreRoleArn(namespace)])) }
      : undefined,
    policyEngine: policyEngine.enabled
      ? {
          ...effectivePolicyMode(policyEngine.mode ?? "enforce", KUBERNETES.version),
          allowedImages: [...PLATFORM_IMAGE_REGISTRIES, `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com/*`, ...policyEngine.extraRegistries.map((prefix) => `${prefix}/*`)],
        }
      : undefined,
    applicationNamespaces: applicationNamespaces.map(({ name, egress }) => ({
      name,
      egress: egress.map(({ to, port }) => (to === "database" ? { database: true as const, port } : to.includes("/") ? { cidr: to, port } : { namespace: to, port })),
    })),
    // Auto Mode runs its own load balancer controller; the config rules reject enabling both.
    loadBalancerController:
      loadBalancerController.enabled && env.eks.computeMode !== "auto-mode"
        ? { roleArn: coreOutput(CORE_OUTPUT.loadBalancerControllerRoleArn) }
        : undefined,
    dns: env.dns
      ? {
          zoneName: env.dns.zoneName,
          // The cluster's name: two clusters writing one zone (prod and DR) never touch each other's records.
          ownerId: coreOutput(CORE_OUTPUT.clusterName),
          roleArn: coreOutput(CORE_OUTPUT.externalDnsRoleArn),
          certificateArn: coreOutput(CORE_OUTPUT.certificateArn),
        }
      : undefined,
    // The same hours as the database's schedule in the core stack.
    offHours: offHours?.enabled ? { hours: offHours, kubectlImage: imageOf(CONTAINER_IMAGES.kubectl) } : undefined,
  };
}

/**
 * The mode Kyverno's policies run in: the tier's, unless the pinned Kyverno is not published as
 * supporting the cluster's Kubernetes, then Audit with the reason (the admission controllers stay
 * as many as the tier's mode asks).
 */
export function effectivePolicyMode(mode: "audit" | "enforce", kubernetesVersion: string, compatibility: { readonly minKubernetes: string; readonly maxKubernetes: string } = KYVERNO_COMPATIBILITY) {
  const minor = (version: string) => Number(version.split(".")[1]);
  const covered = minor(kubernetesVersion) >= minor(compatibility.minKubernetes) && minor(kubernetesVersion) <= minor(compatibility.maxKubernetes);
  if (covered || mode === "audit") return { mode, highAvailability: mode === "enforce" };
  return {
    mode: "audit" as const,
    highAvailability: true,
    auditReason: `Kyverno ${CHART_SOURCES.kyverno.appVersion} is published as supporting Kubernetes ${compatibility.minKubernetes}-${compatibility.maxKubernetes}, not ${kubernetesVersion} (versions catalog KYVERNO_COMPATIBILITY): Audit until a release covers it.`,
  };
}

/** Who stands behind each range: the control plane's ENIs, the ALB (public subnets), the database. */
export function networkRangesOf(layout: readonly AzSubnets[]): NetworkRanges {
  return { controlPlane: layout.map((az) => az.controlPlane), loadBalancers: layout.map((az) => az.public), database: layout.map((az) => az.database) };
}

/**
 * Makes every resource of the stack wait for `guard`: when the guard's precondition fails, Terraform
 * plans none of them, so the plan stops with the guard's message alone.
 */
class DependOn implements IAspect {
  constructor(private readonly guard: TerraformResource) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || node === this.guard) return;
    // depends_on takes a bare address (`terraform_data.<name>`), not an interpolation.
    const address = addressOf(this.guard);
    const dependsOn = node.dependsOn ?? [];
    if (!dependsOn.includes(address)) node.dependsOn = [...dependsOn, address];
  }
}
