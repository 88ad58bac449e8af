import type { ConfigIssue } from "./schema";
import { EKS_KUBERNETES_CALENDAR, KUBERNETES, POSTGRES, RDS_POSTGRES_CALENDAR, supportWindowOf, type SupportCalendar } from "./versions";

/**
 * The versions catalog's Kubernetes and PostgreSQL versions against the recorded support windows
 * (EKS_KUBERNETES_CALENDAR, RDS_POSTGRES_CALENDAR): a version AWS does not offer (1.99, "99"), one
 * past the end of standard support (the clusters' upgrade policy is STANDARD, and extended support
 * costs extra), or a PostgreSQL version with a minor is refused before anything is synthesized,
 * like an environment's own mistakes.
 */
export interface CatalogVersions {
  readonly kubernetes: { readonly version: string };
  readonly postgres: { readonly majorVersion: string };
}

export const CATALOG_VERSIONS: CatalogVersions = { kubernetes: KUBERNETES, postgres: POSTGRES };

const WHERE = "versions catalog";
const fix = (text: string) => ` Fix: ${text}`;

function windowIssues(path: string, what: string, version: string, calendar: SupportCalendar, today: string): ConfigIssue[] {
  const window = supportWindowOf(calendar, version);
  const inStandard = calendar.versions.filter((entry) => entry.standardSupportEnds >= today).map((entry) => entry.version);
  const choose = `use one in standard support (${inStandard.join(", ")}), with its reference and date`;
  if (!window) {
    return [{ environment: WHERE, path, message: `${JSON.stringify(version)} is not a ${what} (the recorded calendar lists ${calendar.versions.map((entry) => entry.version).join(", ")}).` + fix(`${choose}; a version newer than the calendar goes into it first, with its dates from AWS's release calendar (src/config/versions.ts).`) }];
  }
  if (window.standardSupportEnds < today) {
    return [{ environment: WHERE, path, message: `${version} left AWS standard support on ${window.standardSupportEnds} (extended support, at extra cost, until ${window.extendedSupportEnds}).` + fix(`upgrade: ${choose}.`) }];
  }
  return [];
}

export function catalogIssues(catalog: CatalogVersions = CATALOG_VERSIONS, today: string = new Date().toISOString().slice(0, 10)): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const kubernetes = catalog.kubernetes.version;
  if (!/^\d+\.\d+$/.test(kubernetes)) {
    issues.push({ environment: WHERE, path: "KUBERNETES.version", message: `${JSON.stringify(kubernetes)} is not a Kubernetes minor version as EKS takes it (major.minor; EKS applies the patch releases itself).` + fix(`write the major and minor only, as the calendar lists them (${EKS_KUBERNETES_CALENDAR.versions.map((entry) => entry.version).join(", ")}).`) });
  } else {
    issues.push(...windowIssues("KUBERNETES.version", "Kubernetes version EKS offers", kubernetes, EKS_KUBERNETES_CALENDAR, today));
  }
  const postgres = catalog.postgres.majorVersion;
  if (/^\d+\.\d+/.test(postgres)) {
    const major = postgres.split(".")[0]!;
    issues.push({ environment: WHERE, path: "POSTGRES.majorVersion", message: `${JSON.stringify(postgres)} names a minor version; the catalog pins the PostgreSQL major only: RDS picks the current minor, auto minor version upgrades keep it current, and the parameter group family (postgres<major>) is derived from it.` + fix(`set POSTGRES.majorVersion to "${major}".`) });
  } else if (!/^\d+$/.test(postgres)) {
    issues.push({ environment: WHERE, path: "POSTGRES.majorVersion", message: `${JSON.stringify(postgres)} is not a PostgreSQL major version.` + fix(`write the major only, as the calendar lists them (${RDS_POSTGRES_CALENDAR.versions.map((entry) => entry.version).join(", ")}).`) });
  } else {
    issues.push(...windowIssues("POSTGRES.majorVersion", "PostgreSQL major RDS offers", postgres, RDS_POSTGRES_CALENDAR, today));
  }
  return issues;
}
