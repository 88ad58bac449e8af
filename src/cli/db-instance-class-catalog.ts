import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DB_INSTANCE_CLASS_CATALOG_FILE, type DbInstanceClassCatalog } from "../config/db-instance-classes";

/**
 * npm run catalog:db-instance-classes -- (--from-orderable FILE… | --from-docs FILE) --source TEXT
 * rewrites the recorded list of DB instance classes RDS offers for PostgreSQL
 * (src/config/catalog/rds-postgres-instance-classes.json), from either
 *  - the answers of `aws rds describe-orderable-db-instance-options --engine postgres --region <r>
 *    --output json` (with an AWS account; --from-orderable once per region, the classes of every
 *    answer are kept), or
 *  - the table of the RDS user guide's "Supported DB engines for DB instance classes" in Markdown:
 *    the classes whose PostgreSQL column names a version (not "No", not "Deprecated", not only
 *    "Lower than PostgreSQL 13", the majors RDS no longer supports).
 * --source says where the file came from and when; it is written into the catalog.
 */
const { values } = parseArgs({ options: { "from-orderable": { type: "string", multiple: true }, "from-docs": { type: "string" }, source: { type: "string" } }, strict: true });
if (!values.source || Boolean(values["from-orderable"]) === Boolean(values["from-docs"])) {
  console.error("usage: catalog:db-instance-classes -- (--from-orderable FILE [--from-orderable FILE …] | --from-docs FILE) --source \"where and when\"");
  process.exit(2);
}

function fromOrderable(file: string): string[] {
  const answer = JSON.parse(readFileSync(file, "utf8")) as { OrderableDBInstanceOptions?: { DBInstanceClass: string; Engine: string }[] };
  return (answer.OrderableDBInstanceOptions ?? []).filter((o) => o.Engine === "postgres").map((o) => o.DBInstanceClass);
}

function fromDocs(file: string): string[] {
  // The engine table only: from its header to the first line that is not a table row.
  const lines = readFileSync(file, "utf8").replace(/\\/g, "").split("\n");
  const start = lines.findIndex((line) => line.startsWith("| Instance class |") && line.includes("| PostgreSQL |"));
  if (start < 0) throw new Error(`${file}: no "| Instance class | … | PostgreSQL |" table header`);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
  const column = lines[start]!.split("|").map((cell) => cell.trim()).indexOf("PostgreSQL");
  const rows = lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => /^\| db\.[a-z0-9]+\.[a-z0-9]+ \|/.test(line));
  return rows.flatMap((line) => {
    const cells = line.split("|").map((cell) => cell.trim());
    const postgres = cells[column] ?? "";
    return /^(No|Deprecated|Lower than PostgreSQL 13)$/.test(postgres) || postgres === "" ? [] : [cells[1]!];
  });
}

const found = values["from-orderable"] ? values["from-orderable"].flatMap(fromOrderable) : fromDocs(values["from-docs"]!);
const byType: Record<string, Set<string>> = {};
for (const instanceClass of found) {
  const last = instanceClass.lastIndexOf(".");
  (byType[instanceClass.slice(0, last)] ??= new Set()).add(instanceClass.slice(last + 1));
}
const catalog: DbInstanceClassCatalog = {
  source: `${values.source}; regenerate with npm run catalog:db-instance-classes`,
  engine: "postgres",
  classes: Object.fromEntries(Object.keys(byType).sort().map((type) => [type, [...byType[type]!].sort().join(" ")])),
};
writeFileSync(DB_INSTANCE_CLASS_CATALOG_FILE, `${JSON.stringify(catalog, null, 1)}\n`);
console.log(`wrote ${DB_INSTANCE_CLASS_CATALOG_FILE}: ${found.length} classes in ${Object.keys(byType).length} types`);
