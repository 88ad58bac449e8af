import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The shapes of the vendored files under src/kubernetes/schemas/ (written by vendor.ts). */

/** Where a vendored file was read: repository, the tag (or commit) named, the commit it is, and that commit's date. */
export interface Provenance {
  readonly repository: string;
  readonly ref: string;
  readonly commit: string;
  readonly date: string;
  readonly paths: readonly string[];
}

export interface KubernetesFile {
  readonly provenance: Provenance;
  readonly kubernetesVersion: string;
  /** `group/version/Kind` → definition name. */
  readonly gvks: Record<string, string>;
  readonly definitions: Record<string, unknown>;
}

export interface CrdFile {
  readonly provenance: Provenance;
  readonly note: string;
  /** `group/version/Kind` → the served version's openAPIV3Schema (or an extracted JSON schema). */
  readonly kinds: Record<string, { readonly schema: unknown }>;
}

/** A values.yaml key tree: a map of keys, `*` for pass-through content (an empty map, a list or null default), `.` for a scalar. */
export type ValuesTree = "*" | "." | { readonly [key: string]: ValuesTree };

export interface ValuesFile {
  readonly provenance: Provenance;
  readonly chart: string;
  readonly version: string;
  readonly tree: ValuesTree;
  /** The chart's values.schema.json, when it ships one. */
  readonly schema?: Record<string, unknown>;
  /** The Chart.yaml dependencies' condition (`<key>.enabled`) when this is a subchart. */
  readonly condition?: string;
  readonly subcharts?: Record<string, ValuesFile | { readonly unresolved: string; readonly condition?: string }>;
}

export const SCHEMAS_DIR = join(__dirname, "schemas");

const readJson = <T>(...path: string[]): T => JSON.parse(readFileSync(join(SCHEMAS_DIR, ...path), "utf8")) as T;

export const loadKubernetesFile = (): KubernetesFile => readJson("kubernetes.json");

export const loadCrdFiles = (): Record<string, CrdFile> =>
  Object.fromEntries(readdirSync(join(SCHEMAS_DIR, "crds")).sort().map((file) => [file.replace(/\.json$/, ""), readJson<CrdFile>("crds", file)]));

export const loadValuesFiles = (): Record<string, ValuesFile> =>
  Object.fromEntries(readdirSync(join(SCHEMAS_DIR, "values")).sort().map((file) => [file.replace(/\.json$/, ""), readJson<ValuesFile>("values", file)]));
