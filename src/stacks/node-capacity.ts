import type { EnvironmentConfig, NodeGroupConfig } from "../config/types";
import { estimatedNodeAllocatable, gravitonEquivalent, instanceTypeSize, isOfferedIn } from "../config/instance-types";
import { ADDON_PODS, AUTO_MODE_ADDONS, EKS_ADDONS } from "../../modules/eks/addons";
import type { ClusterCapacity } from "../../modules/platform/workloads";
import { NON_CRITICAL_TAINT } from "../../modules/eks/managed-node-group";
import type { NodePoolSpec } from "../../modules/platform/node-pools";

const HIGHEST_WEIGHT = 100;
const WEIGHT_STEP = 10;

/**
 * The cluster's capacity as EKS Auto Mode NodePools: each configured node group becomes a pool that
 * may start only its instance types (and, with allowGraviton, their Graviton equivalents), in the
 * environment's AZs, up to maxSize nodes of its largest type (the CPU and memory limits; Auto Mode
 * documents no node-count limit for scaling pools). Listed first means preferred: Auto Mode starts
 * nodes from the pool with the highest weight.
 */
export function autoModeNodePools(env: EnvironmentConfig): NodePoolSpec[] {
  return env.eks.nodeGroups.map((group, i) => {
    const instanceTypes = poolInstanceTypes(group, env.region);
    const sizes = instanceTypes.map(instanceTypeSize);
    const largest = (pick: (size: (typeof sizes)[number]) => number) => Math.max(...sizes.map(pick));
    const architectures = [...new Set(sizes.map((size) => (size.architectures.includes("arm64") ? "arm64" : "amd64") as "arm64" | "amd64"))].sort();
    return {
      name: group.name,
      instanceTypes,
      // Spot first, On-Demand when the region has no Spot capacity of these types left.
      capacityTypes: group.capacityType === "SPOT" ? ["spot", "on-demand"] : ["on-demand"],
      architectures,
      zones: env.network.availabilityZones,
      limits: { milliCpu: group.maxSize * largest((s) => s.vcpus) * 1000, memoryMib: group.maxSize * largest((s) => s.memoryMib) },
      weight: Math.max(1, HIGHEST_WEIGHT - WEIGHT_STEP * i),
      diskSizeGib: group.diskSizeGib,
      taint: group.workloads === "non-critical" ? { key: NON_CRITICAL_TAINT.key, value: NON_CRITICAL_TAINT.value } : undefined,
    };
  });
}

/** The group's types, plus the Graviton type of the same size for each when allowed and offered in the region. */
function poolInstanceTypes(group: NodeGroupConfig, region: string): string[] {
  if (!group.allowGraviton) return [...group.instanceTypes];
  const graviton = group.instanceTypes.map(gravitonEquivalent).filter((type): type is string => type !== undefined && isOfferedIn(region, type));
  return [...new Set([...group.instanceTypes, ...graviton])];
}

/**
 * What the node groups offer at their minimum or maximum size: each group's count of its smallest
 * type (by CPU, then memory: the one a pool may always fall back to), allocatable as the EKS AMI
 * reports it (src/config/instance-types.ts).
 */
export function nodeCapacity(env: Pick<EnvironmentConfig, "eks">, size: "minSize" | "maxSize"): ClusterCapacity {
  let nodes = 0, milliCpu = 0, mebibytes = 0, pods = 0;
  let smallest = { milliCpu: Infinity, mebibytes: Infinity };
  for (const group of env.eks.nodeGroups) {
    const node = group.instanceTypes.map(estimatedNodeAllocatable).sort((a, b) => a.milliCpu - b.milliCpu || a.mebibytes - b.mebibytes)[0]!;
    nodes += group[size];
    milliCpu += group[size] * node.milliCpu;
    mebibytes += group[size] * node.mebibytes;
    pods += group[size] * node.pods;
    if (group[size] > 0 && node.milliCpu < smallest.milliCpu) smallest = node;
  }
  return { nodes, milliCpu, mebibytes, pods, smallestNode: { milliCpu: smallest.milliCpu, mebibytes: smallest.mebibytes } };
}

/**
 * What the cluster offers at its maximum size, the number application quotas are cut from, the EKS
 * add-ons' pods taken off (DaemonSets on every node).
 */
export function maximumCapacity(env: EnvironmentConfig): ClusterCapacity {
  const addons = ADDON_PODS.filter((pod) => (env.eks.computeMode === "auto-mode" ? AUTO_MODE_ADDONS : EKS_ADDONS).includes(pod.addon));
  const { nodes, milliCpu, mebibytes, pods, smallestNode } = nodeCapacity(env, "maxSize");
  const perNode = (pick: (pod: (typeof addons)[number]) => number) => addons.filter((p) => p.kind === "DaemonSet").reduce((sum, p) => sum + pick(p), 0);
  const total = (pick: (pod: (typeof addons)[number]) => number) => addons.reduce((sum, p) => sum + pick(p) * (p.kind === "DaemonSet" ? nodes : p.replicas), 0);
  return {
    nodes,
    milliCpu: milliCpu - total((p) => p.milliCpu),
    mebibytes: mebibytes - total((p) => p.mebibytes),
    pods: pods - total(() => 1),
    smallestNode: { milliCpu: smallestNode.milliCpu - perNode((p) => p.milliCpu), mebibytes: smallestNode.mebibytes - perNode((p) => p.mebibytes) },
  };
}
