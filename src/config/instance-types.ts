import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The EC2 instance types offered in each region the project knows, recorded with their source
 * (src/config/catalog/ec2-instance-types.json, written by `npm run catalog:instance-types`).
 * Config validation refuses a node instance type its region does not offer.
 */
export interface InstanceTypeCatalog {
  readonly source: string;
  /** region → family → the sizes offered, space-separated ("t3": "2xlarge large medium …"). */
  readonly regions: Readonly<Record<string, Readonly<Record<string, string>>>>;
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
