/**
 * EKS Auto Mode capacity as Kubernetes objects: one custom NodeClass (the nodes' role, subnets,
 * security group and encrypted volume) and a NodePool per pool, each bounded by CPU and memory
 * limits. Auto Mode starts nodes for pods that do not fit, up to the limits, and consolidates them
 * when they are empty or underused.
 *
 * Shapes as in the EKS user guide (automode/create-node-class.adoc "Node Class Specification",
 * automode/create-node-pool.adoc, "EKS Auto Mode Supported Labels"); Auto Mode serves
 * `eks.amazonaws.com/v1` NodeClass and `karpenter.sh/v1` NodePool on every Auto Mode cluster.
 */

export const NODE_CLASS_API_VERSION = "eks.amazonaws.com/v1";
export const NODE_POOL_API_VERSION = "karpenter.sh/v1";

/** Selector terms by ID (the IDs may be Terraform references, e.g. to remote state). */
export type IdSelectorTerms = readonly { readonly id: string }[];

export interface NodeClassManifest {
  readonly apiVersion: typeof NODE_CLASS_API_VERSION;
  readonly kind: "NodeClass";
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly role: string;
    readonly subnetSelectorTerms: IdSelectorTerms;
    readonly securityGroupSelectorTerms: IdSelectorTerms;
    readonly ephemeralStorage: { readonly size: string; readonly iops: number; readonly throughput: number; readonly kmsKeyID: string };
    readonly tags?: Readonly<Record<string, string>>;
  };
}

export interface NodePoolRequirement {
  readonly key: string;
  readonly operator: "In";
  readonly values: readonly string[];
}

export interface NodePoolManifest {
  readonly apiVersion: typeof NODE_POOL_API_VERSION;
  readonly kind: "NodePool";
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly weight: number;
    readonly template: {
      readonly metadata?: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: {
        readonly taints?: readonly { readonly key: string; readonly value: string; readonly effect: "NoSchedule" }[];
        readonly nodeClassRef: { readonly group: "eks.amazonaws.com"; readonly kind: "NodeClass"; readonly name: string };
        readonly requirements: readonly NodePoolRequirement[];
        readonly expireAfter: string;
      };
    };
    readonly limits: { readonly cpu: string; readonly memory: string };
    readonly disruption: { readonly consolidationPolicy: "WhenEmptyOrUnderutilized"; readonly consolidateAfter: string; readonly budgets: readonly { readonly nodes: string }[] };
  };
}

export interface NodeClassProps {
  /** Not `default`: the user guide reserves that name for Auto Mode's own NodeClass. */
  readonly name: string;
  /** Name of the IAM role the nodes run as (it needs an EKS access entry of type EC2). */
  readonly roleName: string;
  /** Private subnets, one per AZ: nodes start in these only. */
  readonly subnetSelectorTerms: IdSelectorTerms;
  /** The cluster's primary security group. */
  readonly securityGroupSelectorTerms: IdSelectorTerms;
  /** Root and ephemeral volume size of every node, GiB. */
  readonly diskSizeGib: number;
  /** Customer managed key of the node volumes (the cluster role may use it). */
  readonly volumeKmsKeyArn: string;
  /** AWS tags of the nodes' instances, volumes and interfaces; the cluster role must be allowed to apply them (eks-cluster.ts). */
  readonly tags: Readonly<Record<string, string>>;
}

/** gp3's baseline, which costs nothing extra (the user guide's example and minimums). */
const GP3_BASELINE = { iops: 3000, throughput: 125 } as const;

export function nodeClass(props: NodeClassProps): NodeClassManifest {
  if (props.name === "default") throw new Error('nodeClass: "default" is Auto Mode\'s own NodeClass. Fix: give the custom NodeClass another name.');
  return {
    apiVersion: NODE_CLASS_API_VERSION,
    kind: "NodeClass",
    metadata: { name: props.name },
    spec: {
      role: props.roleName,
      subnetSelectorTerms: props.subnetSelectorTerms,
      securityGroupSelectorTerms: props.securityGroupSelectorTerms,
      ephemeralStorage: { size: `${props.diskSizeGib}Gi`, ...GP3_BASELINE, kmsKeyID: props.volumeKmsKeyArn },
      // Left out when empty (no empty map in a kubernetes_manifest).
      ...(Object.keys(props.tags).length > 0 ? { tags: { ...props.tags } } : {}),
    },
  };
}

export interface NodePoolProps {
  readonly name: string;
  readonly nodeClassName: string;
  /** Exact instance types the pool may start. */
  readonly instanceTypes: readonly string[];
  /**
   * Both: Spot first, On-Demand when no Spot capacity is left (Karpenter's order when a pool
   * allows both capacity types).
   */
  readonly capacityTypes: readonly ("on-demand" | "spot")[];
  readonly architectures: readonly ("amd64" | "arm64")[];
  /** A taint (and the same label) that keeps every pod off these nodes unless it tolerates it. */
  readonly taint?: { readonly key: string; readonly value: string };
  /** AZs the nodes may start in (those of the subnets). */
  readonly zones: readonly string[];
  /** Most CPU and memory the pool's nodes may add up to: maxSize nodes of its largest type. */
  readonly limits: { readonly milliCpu: number; readonly memoryMib: number };
  /** Auto Mode prefers the pool with the highest weight (1-100). */
  readonly weight: number;
}

/** One pool as the platform takes it: its NodePool, and the disk size of the NodeClass made for it (same name). */
export type NodePoolSpec = Omit<NodePoolProps, "nodeClassName"> & { readonly diskSizeGib: number };

/** Nodes are replaced after two weeks (Auto Mode's own default, written out), so they keep getting patched AMIs. */
export const NODE_EXPIRY = "336h";

/**
 * A pool without a taint has no `taints` and no template labels at all, rather than empty ones:
 * `kubernetes_manifest` (hashicorp/kubernetes 2.38.0, `manifest/payload/from_value.go`) sends an
 * empty list as null, and the apply then fails with "Provider produced inconsistent result after
 * apply" (issue #2783).
 */
export function nodePool(props: NodePoolProps): NodePoolManifest {
  if (props.weight < 1 || props.weight > 100) throw new Error(`nodePool ${props.name}: weight ${props.weight} is outside 1-100.`);
  return {
    apiVersion: NODE_POOL_API_VERSION,
    kind: "NodePool",
    metadata: { name: props.name },
    spec: {
      weight: props.weight,
      template: {
        ...(props.taint ? { metadata: { labels: { [props.taint.key]: props.taint.value } } } : {}),
        spec: {
          nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: props.nodeClassName },
          ...(props.taint ? { taints: [{ key: props.taint.key, value: props.taint.value, effect: "NoSchedule" as const }] } : {}),
          requirements: [
            { key: "node.kubernetes.io/instance-type", operator: "In", values: [...props.instanceTypes] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...props.capacityTypes] },
            { key: "kubernetes.io/arch", operator: "In", values: [...props.architectures] },
            { key: "topology.kubernetes.io/zone", operator: "In", values: [...props.zones] },
          ],
          expireAfter: NODE_EXPIRY,
        },
      },
      limits: { cpu: `${props.limits.milliCpu}m`, memory: `${props.limits.memoryMib}Mi` },
      // One node in ten at a time, and only a minute after it became empty or underused.
      disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] },
    },
  };
}
