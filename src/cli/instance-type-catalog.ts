import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { KNOWN_REGIONS } from "../config/regions";
import { INSTANCE_TYPE_CATALOG_FILE, type InstanceTypeCatalog } from "../config/instance-types";

/**
 * npm run catalog:instance-types — rewrites the recorded list of EC2 instance types offered in each
 * region the project knows (src/config/catalog/ec2-instance-types.json).
 *
 * The source is the snapshot of the EC2 API's DescribeInstanceTypeOfferings (LocationType=region)
 * that the installed moto package ships (moto/ec2/resources/instance_type_offerings/region/), which
 * moto's maintainers regenerate from AWS with their scripts/ec2_get_instance_type_offerings.py.
 * Against a real account the same answer comes from
 * `aws ec2 describe-instance-type-offerings --location-type region --region <region>`.
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

const catalog: InstanceTypeCatalog = {
  source: `EC2 DescribeInstanceTypeOfferings (LocationType=region), as shipped in moto ${motoVersion} (moto/ec2/resources/instance_type_offerings/region); regenerate with npm run catalog:instance-types`,
  regions,
};
writeFileSync(INSTANCE_TYPE_CATALOG_FILE, `${JSON.stringify(catalog, null, 1)}\n`);
console.log(`wrote ${INSTANCE_TYPE_CATALOG_FILE}: ${Object.values(regions).map((r) => Object.values(r).join(" ").split(" ").length).join(", ")} types in ${KNOWN_REGIONS.join(", ")}`);
