import type { EnvironmentConfig } from "../config/types";
import { instanceTypeSize } from "../config/instance-types";
import type { NodePoolSpec } from "../../modules/platform/node-pools";

const HIGHEST_WEIGHT = 100;
const WEIGHT_STEP = 10;


/**
 * The cluster's capacity as EKS Auto Mode NodePools: each configured node group becomes a pool that
 * may start only its instance types, in the environment's AZs, up to maxSize nodes of its largest
 * type (the CPU and memory limits; Auto Mode documents no node-count limit for scaling pools).
 * Listed first means preferred: Auto Mode starts nodes from the pool with the highest weight.
 */
export function autoModeNodePools(env: EnvironmentConfig): NodePoolSpec[] {
  return env.eks.nodeGroups.map((group, i) => {
    const sizes = group.instanceTypes.map(instanceTypeSize);
    const largest = (pick: (size: (typeof sizes)[number]) => number) => Math.max(...sizes.map(pick));
    return {
      name: group.name,
      instanceTypes: group.instanceTypes,
      capacityType: group.capacityType === "SPOT" ? "spot" : "on-demand",
      // Config validation keeps a group to one architecture.
      architecture: sizes[0]!.architectures.includes("arm64") ? "arm64" : "amd64",
      zones: env.network.availabilityZones,
      limits: { milliCpu: group.maxSize * largest((s) => s.vcpus) * 1000, memoryMib: group.maxSize * largest((s) => s.memoryMib) },
      weight: Math.max(1, HIGHEST_WEIGHT - WEIGHT_STEP * i),
      diskSizeGib: group.diskSizeGib,
    };
  });
}
