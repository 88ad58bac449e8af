import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The DB instance classes AWS offers for RDS for PostgreSQL, recorded with their source
 * (src/config/catalog/rds-postgres-instance-classes.json, written by
 * `npm run catalog:db-instance-classes`). Config validation refuses a class that is not on it: one
 * that does not exist (db.m5.3xlarge) or that RDS for PostgreSQL no longer offers (db.m1.large,
 * the db.m4/r4/t2 classes that run only PostgreSQL 12 and lower). Whether a listed class is
 * orderable with the catalog's PostgreSQL version in a region is what the weekly versions check
 * asks AWS (`aws rds describe-orderable-db-instance-options`, src/cli/versions.ts check-aws).
 */
export interface DbInstanceClassCatalog {
  readonly source: string;
  readonly engine: "postgres";
  /** class type → the sizes offered, space-separated ("db.m5": "12xlarge 16xlarge 24xlarge 2xlarge 4xlarge 8xlarge large xlarge"). */
  readonly classes: Readonly<Record<string, string>>;
}

export const DB_INSTANCE_CLASS_CATALOG_FILE = join(__dirname, "catalog", "rds-postgres-instance-classes.json");

let loaded: DbInstanceClassCatalog | undefined;
export function dbInstanceClassCatalog(): DbInstanceClassCatalog {
  return (loaded ??= JSON.parse(readFileSync(DB_INSTANCE_CLASS_CATALOG_FILE, "utf8")) as DbInstanceClassCatalog);
}

/** `db.r6g.xlarge` → ["db.r6g", "xlarge"]. */
function splitClass(instanceClass: string): [string, string] {
  const last = instanceClass.lastIndexOf(".");
  return [instanceClass.slice(0, last), instanceClass.slice(last + 1)];
}

export function isOfferedForPostgres(instanceClass: string): boolean {
  const [type, size] = splitClass(instanceClass);
  return dbInstanceClassCatalog().classes[type]?.split(" ").includes(size) ?? false;
}

/** What to suggest for a class not on the list: the type's sizes, or the types there are. */
export function postgresClassAlternatives(instanceClass: string): string {
  const [type] = splitClass(instanceClass);
  const sizes = dbInstanceClassCatalog().classes[type];
  return sizes ? `${type} sizes for PostgreSQL: ${sizes.split(" ").join(", ")}` : `no ${type} class runs PostgreSQL; the types that do: ${Object.keys(dbInstanceClassCatalog().classes).join(", ")}`;
}
