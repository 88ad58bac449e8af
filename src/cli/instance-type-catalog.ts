import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { KNOWN_REGIONS } from "../config/regions";
import { INSTANCE_TYPE_CATALOG_FILE, type InstanceTypeCatalog } from "../config/instance-types";

/**
 * npm run catalog:instance-types — rewrites the recorded list of EC2 instance types offered in each
 * region the project knows, and the size of every type (src/config/catalog/ec2-instance-types.json).
 *
 * The sources are the snapshots of the EC2 API that the installed moto package ships, which moto's
 * maintainers regenerate from AWS with their scripts: DescribeInstanceTypeOfferings
 * (LocationType=region; moto/ec2/resources/instance_type_offerings/region/) and
 * DescribeInstanceTypes (moto/ec2/resources/instance_types.json.gz: vCPUs, memory, network
 * interfaces and IPv4 addresses per interface, architectures). Against a real account the same
 * answers come from `aws ec2 describe-instance-type-offerings --location-type region --region <r>`
 * and `aws ec2 describe-instance-types`.
 */
const motoDir = execFileSync("python3", ["-c", "import moto, os; print(os.path.dirname(moto.__file__))"], { encoding: "utf8" }).trim();
const motoVersion = execFileSync("python3", ["-c", "import importlib.metadata as m; print(m.version('moto'))"], { encoding: "utf8" }).trim();

const regions: Record<string, Record<string, string>> = {};
for (const region of KNOWN_REGIONS) {
  const file = join(motoDir, "ec2", "resources", "instance_type_offerings", "region", `${region}.json.gz`);
  const offerings = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { InstanceType: string; Location: string }[];
  const byFamily: Record<string, string[]> = {};
  for (const { InstanceType } of offerings) {
    const [family, size] = InstanceType.split(".") as [string, string];
    (byFamily[family] ??= []).push(size);
  }
  regions[region] = Object.fromEntries(Object.keys(byFamily).sort().map((family) => [family, byFamily[family]!.sort().join(" ")]));
}

interface DescribedType {
  readonly VCpuInfo: { readonly DefaultVCpus: number };
  readonly MemoryInfo: { readonly SizeInMiB: number };
  readonly NetworkInfo: { readonly MaximumNetworkInterfaces: number; readonly Ipv4AddressesPerInterface: number };
  readonly ProcessorInfo: { readonly SupportedArchitectures: readonly string[] };
}
const described = JSON.parse(gunzipSync(readFileSync(join(motoDir, "ec2", "resources", "instance_types.json.gz"))).toString("utf8")) as Record<string, DescribedType>;
const offered = new Set(Object.values(regions).flatMap((families) => Object.entries(families).flatMap(([family, sizes]) => sizes.split(" ").map((size) => `${family}.${size}`))));
const types = Object.fromEntries(
  Object.keys(described)
    .filter((type) => offered.has(type))
    .sort()
    .map((type) => {
      const { VCpuInfo, MemoryInfo, NetworkInfo, ProcessorInfo } = described[type]!;
      return [type, [VCpuInfo.DefaultVCpus, MemoryInfo.SizeInMiB, NetworkInfo.MaximumNetworkInterfaces, NetworkInfo.Ipv4AddressesPerInterface, ProcessorInfo.SupportedArchitectures.join(" ")] as const];
    }),
);

const catalog: InstanceTypeCatalog = {
  source: `EC2 DescribeInstanceTypeOfferings (LocationType=region) and DescribeInstanceTypes, as shipped in moto ${motoVersion} (moto/ec2/resources/instance_type_offerings/region, instance_types.json.gz); regenerate with npm run catalog:instance-types`,
  regions,
  types,
};
// One line per type, so a regenerated catalog diffs type by type.
const text = JSON.stringify(catalog, null, 1).replace(/\[\n\s+(\d+),\n\s+(\d+),\n\s+(\d+),\n\s+(\d+),\n\s+("[^"]*")\n\s+\]/g, "[$1, $2, $3, $4, $5]");
writeFileSync(INSTANCE_TYPE_CATALOG_FILE, `${text}\n`);
console.log(`wrote ${INSTANCE_TYPE_CATALOG_FILE}: ${Object.values(regions).map((r) => Object.values(r).join(" ").split(" ").length).join(", ")} types in ${KNOWN_REGIONS.join(", ")}; sizes of ${Object.keys(types).length} types`);
