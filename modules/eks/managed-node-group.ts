import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { isGraviton } from "./instance-types";

/** One managed node group, as an environment sizes it. */
export interface EksNodeGroupSpec {
  /** Short name, unique in the cluster, e.g. `general`. */
  readonly name: string;
  /** EC2 instance types, all of one CPU architecture (x86_64 or Graviton). */
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Size of each node's root volume (gp3, encrypted). */
  readonly diskSizeGib: number;
  readonly capacityType: "ON_DEMAND" | "SPOT";
  /**
   * `non-critical`: the nodes carry the NON_CRITICAL_TAINT, so only pods that tolerate it (batch,
   * previews) run there, e.g. on Spot capacity that can be reclaimed at two minutes' notice.
   * @default "any"
   */
  readonly workloads?: "any" | "non-critical";
}

/** Keeps every pod off a non-critical pool's nodes unless it tolerates this (and selects the label). */
export const NON_CRITICAL_TAINT = { key: "pipeops.io/non-critical", value: "true", effect: "NoSchedule" } as const;

export interface EksManagedNodeGroupProps extends EksNodeGroupSpec {
  /** The cluster (pass the cluster resource's `name` attribute, so the group waits for it). */
  readonly clusterName: string;
  /** Prefix of the launch template name and of the nodes' Name tag, normally the cluster name. */
  readonly namePrefix: string;
  /** Kubernetes version of the nodes; keep it equal to the control plane's. */
  readonly kubernetesVersion: string;
  readonly nodeRoleArn: string;
  /** Private subnets the nodes are placed in. */
  readonly subnetIds: readonly string[];
  /** Customer managed KMS key that encrypts the root volumes. */
  readonly volumeKmsKeyArn: string;
  /** What must exist before nodes join: role policies, networking add-ons. */
  readonly dependsOn?: ITerraformDependable[];
}

/** The EKS-optimised Amazon Linux 2023 AMI type for a set of instance types. */
export function amiTypeFor(instanceTypes: readonly string[]): "AL2023_x86_64_STANDARD" | "AL2023_ARM_64_STANDARD" {
  const arm = instanceTypes.filter(isGraviton);
  if (arm.length > 0 && arm.length < instanceTypes.length) {
    throw new Error(
      `node group instance types ${JSON.stringify(instanceTypes)} mix Graviton (arm64) and x86_64 types. Fix: use one architecture per node group.`,
    );
  }
  return arm.length > 0 ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * An EKS managed node group on its own launch template, with the defaults of
 * terraform-aws-eks' `eks-managed-node-group`: IMDSv2 only (hop limit 2 so pods on the node can
 * still reach it through the node), an encrypted gp3 root volume on a customer managed key, rolling
 * updates a third at a time, and `desired_size` left alone after creation (no autoscaler is
 * installed with managed node groups, so the size stays at desired until someone changes it, and
 * Terraform does not revert a manual scale).
 *
 * The launch template names no security groups, so EKS gives the nodes the cluster's primary
 * security group (the one the control plane uses too).
 */
export class EksManagedNodeGroup extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: EksManagedNodeGroupProps) {
    super(scope, id);
    const fullName = `${props.namePrefix}-${props.name}`;

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${fullName}-`,
      description: `Nodes of EKS node group ${fullName}`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 2,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.diskSizeGib,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: props.volumeKmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { Name: fullName },
      })),
      // The template's own name is random (name_prefix); recovery after a killed apply finds it by this tag.
      tags: { Name: fullName },
      lifecycle: { createBeforeDestroy: true },
    });

    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: `${props.name}-`,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: [...props.subnetIds],
      version: props.kubernetesVersion,
      amiType: amiTypeFor(props.instanceTypes),
      instanceTypes: [...props.instanceTypes],
      capacityType: props.capacityType,
      scalingConfig: { minSize: props.minSize, desiredSize: props.desiredSize, maxSize: props.maxSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      nodeRepairConfig: { enabled: true },
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      ...(props.workloads === "non-critical"
        ? { taint: [{ key: NON_CRITICAL_TAINT.key, value: NON_CRITICAL_TAINT.value, effect: "NO_SCHEDULE" }], labels: { [NON_CRITICAL_TAINT.key]: NON_CRITICAL_TAINT.value } }
        : {}),
      tags: { Name: fullName },
      dependsOn: props.dependsOn,
      lifecycle: {
        createBeforeDestroy: true,
        // Whoever scales the group by hand (or an autoscaler added later) owns the current size.
        ignoreChanges: ["scaling_config[0].desired_size"],
      },
    });
  }
}
