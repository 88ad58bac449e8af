import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The EC2 instance types offered in each region the project knows, and the size of each, recorded
 * with their source (src/config/catalog/ec2-instance-types.json, written by
 * `npm run catalog:instance-types`). Config validation refuses a node instance type its region
 * does not offer; the node pools' limits and the capacity test use the sizes.
 */
export interface InstanceTypeCatalog {
  readonly source: string;
  /** region → family → the sizes offered, space-separated ("t3": "2xlarge large medium …"). */
  readonly regions: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** type → [vCPUs, memory MiB, network interfaces, IPv4 addresses per interface, architectures]. */
  readonly types: Readonly<Record<string, readonly [number, number, number, number, string]>>;
}

/** What DescribeInstanceTypes says of one type. */
export interface InstanceTypeSize {
  readonly instanceType: string;
  readonly vcpus: number;
  readonly memoryMib: number;
  readonly networkInterfaces: number;
  readonly ipv4AddressesPerInterface: number;
  readonly architectures: readonly string[];
}

export const INSTANCE_TYPE_CATALOG_FILE = join(__dirname, "catalog", "ec2-instance-types.json");

let loaded: InstanceTypeCatalog | undefined;
export function instanceTypeCatalog(): InstanceTypeCatalog {
  return (loaded ??= JSON.parse(readFileSync(INSTANCE_TYPE_CATALOG_FILE, "utf8")) as InstanceTypeCatalog);
}

export function isOfferedIn(region: string, instanceType: string): boolean {
  const [family, size] = instanceType.split(".");
  const sizes = instanceTypeCatalog().regions[region]?.[family ?? ""];
  return sizes !== undefined && size !== undefined && sizes.split(" ").includes(size);
}

/** What to suggest for a type the region does not offer: the family's sizes there, or that the family is missing. */
export function offeredAlternatives(region: string, instanceType: string): string {
  const family = instanceType.split(".")[0] ?? "";
  const sizes = instanceTypeCatalog().regions[region]?.[family];
  return sizes ? `${family} sizes offered in ${region}: ${sizes.split(" ").join(", ")}` : `${region} offers no ${family} family`;
}

/** The recorded size of an instance type (throws for a type the catalog does not hold: config validation refuses those first). */
export function instanceTypeSize(instanceType: string): InstanceTypeSize {
  const row = instanceTypeCatalog().types[instanceType];
  if (!row) throw new Error(`${instanceType} is not in the instance type catalog (src/config/catalog/ec2-instance-types.json). Fix: use an offered type, or regenerate the catalog with npm run catalog:instance-types.`);
  const [vcpus, memoryMib, networkInterfaces, ipv4AddressesPerInterface, architectures] = row;
  return { instanceType, vcpus, memoryMib, networkInterfaces, ipv4AddressesPerInterface, architectures: architectures.split(" ") };
}

/**
 * What a node of a type offers pods, estimated as the EKS AL2023 AMI's nodeadm computes it
 * (awslabs/amazon-eks-ami nodeadm/internal/kubelet, 81fec2e8, 2026-07-23):
 *  - pods: network interfaces × (IPv4 addresses per interface − 1) + 2 (eni_max_pods.go). EKS Auto
 *    Mode uses /28 prefixes and caps a node at 110 pods, but falls back to secondary addresses
 *    when a subnet has no prefix left, so this is the figure to count on;
 *  - kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of cores 3-4, 0.25 % above
 *    (config.go getCPUMillicoresToReserve); memory 11 MiB × pods + 255 MiB (getMemoryMebibytesToReserve),
 *    and 100 MiB held back for eviction (`memory.available`);
 *  - the 7.5 % of memory Karpenter assumes the hypervisor and OS take (aws/karpenter-provider-aws
 *    pkg/operator/options, vm-memory-overhead-percent), which makes these figures match its
 *    published allocatable for AL2023 (t3.medium 1930m, 3246Mi, 17 pods).
 * EKS Auto Mode publishes no reservations of its own; this is the estimate used for it too.
 */
export interface NodeAllocatable {
  readonly pods: number;
  readonly milliCpu: number;
  readonly mebibytes: number;
}

const CPU_RESERVED_PER_CORE = [0.06, 0.01, 0.005, 0.005];
const CPU_RESERVED_BEYOND = 0.0025;
const VM_MEMORY_OVERHEAD = 0.075;
const EVICTION_MEBIBYTES = 100;

export function estimatedNodeAllocatable(instanceType: string): NodeAllocatable {
  const size = instanceTypeSize(instanceType);
  const pods = size.networkInterfaces * (size.ipv4AddressesPerInterface - 1) + 2;
  const reservedCpu = Array.from({ length: size.vcpus }, (_, core) => (CPU_RESERVED_PER_CORE[core] ?? CPU_RESERVED_BEYOND) * 1000).reduce((a, b) => a + b, 0);
  const reservedMemory = 11 * pods + 255 + EVICTION_MEBIBYTES;
  return {
    pods,
    milliCpu: Math.floor(size.vcpus * 1000 - reservedCpu),
    mebibytes: Math.floor(size.memoryMib * (1 - VM_MEMORY_OVERHEAD) - reservedMemory),
  };
}

/**
 * The Graviton (arm64) family of the same class for the seed's x86 families, limited to families
 * EKS Auto Mode lists as supported (EKS user guide, automode/automode-learn-instances.adoc:
 * "Burstable (T): t4g, t3, t3a, t2"; "General Purpose (M): … m6g … m5 …").
 */
export const GRAVITON_EQUIVALENT_FAMILY: Readonly<Record<string, string>> = { t3: "t4g", m5: "m6g" };

/** The Graviton type of the same size (t3.large → t4g.large), or undefined when the family has none here. */
export function gravitonEquivalent(instanceType: string): string | undefined {
  const [family, size] = instanceType.split(".");
  const equivalent = GRAVITON_EQUIVALENT_FAMILY[family ?? ""];
  return equivalent && size ? `${equivalent}.${size}` : undefined;
}
