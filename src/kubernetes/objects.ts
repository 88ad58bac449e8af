import { parseAllDocuments } from "yaml";
import { objectOfKubernetesResource, KUBERNETES_RESOURCE_KINDS } from "./terraform-to-kubernetes";

/**
 * Every Kubernetes object a synthesized stack writes into a cluster, read from its Terraform JSON:
 *
 * - `kubernetes_manifest`: its `manifest`, as written;
 * - `helm_release` of a chart kept in this repository (a local chart directory, no `repository`):
 *   the list under the top-level key `objects` of its values, which that chart renders one
 *   document per entry;
 * - `kubernetes_<kind>_v1`: the object the kubernetes provider builds from it (terraform-to-kubernetes.ts).
 *
 * Releases of published charts are not objects the project writes (the charts render them); their
 * values are checked against the charts' own values (helm-values.ts).
 *
 * Terraform expressions (`${...}`) stay as they are: they resolve only in a plan. A string that is
 * one whole expression is a value known after apply (`isTerraformExpression`); the schema check
 * accepts any type there and still checks that the field exists.
 */

export type KubernetesObject = { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };

/** Where an object came from: the Terraform resource address (and list index for chart values). */
export interface ExtractedObject {
  readonly source: string;
  readonly object: KubernetesObject;
}

type Json = Record<string, unknown>;
export type TerraformStackJson = { resource?: Record<string, Record<string, Json>> };

/** A string that is exactly one Terraform expression (`${...}`): its value is known only after apply. */
export function isTerraformExpression(value: unknown): value is string {
  return typeof value === "string" && /^\$\{[\s\S]*\}$/.test(value) && !value.startsWith("$${");
}

/**
 * Terraform JSON string literals write a literal `${` as `$${` and `%{` as `%%{`; the object gets the
 * literal text. Real expressions are kept.
 */
export function unescapeTerraformString(value: string): string {
  return value.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

function unescapeDeep(value: unknown): unknown {
  if (typeof value === "string") return isTerraformExpression(value) ? value : unescapeTerraformString(value);
  if (Array.isArray(value)) return value.map(unescapeDeep);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unescapeDeep(v)]));
  return value;
}

/** A release of a chart directory in this repository (no Helm repository, not an OCI or HTTP reference). */
export function isRepositoryChart(release: Json): boolean {
  const chart = String(release.chart ?? "");
  return (release.repository === undefined || release.repository === "") && !/^(oci|https?):\/\//.test(chart);
}

/** Deep-merges Helm values documents in order, as Helm does (maps merge, lists and scalars are replaced). */
export function mergeValues(documents: readonly unknown[]): Json {
  const merge = (base: unknown, over: unknown): unknown => {
    if (!isMap(base) || !isMap(over)) return over;
    const out: Json = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  };
  return documents.reduce<Json>((acc, doc) => (doc === null || doc === undefined ? acc : (merge(acc, doc) as Json)), {});
}

const isMap = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The values documents of a helm_release (`values` is a list of YAML or JSON strings), parsed. A
 * document that is itself one Terraform expression (`${yamlencode(...)}`) cannot be read before
 * apply, so it is an error naming the release.
 */
export function releaseValues(address: string, release: Json): Json {
  const documents = ((release.values as unknown[] | undefined) ?? []).map((text, i) => {
    if (typeof text !== "string") throw new Error(`${address}: values[${i}] is not a string`);
    if (isTerraformExpression(text.trim())) {
      throw new Error(`${address}: values[${i}] is a Terraform expression (${text.trim().slice(0, 60)}…), readable only after apply; write the values as a literal YAML or JSON document`);
    }
    try {
      return JSON.parse(text) as unknown; // the stacks write JSON (a YAML subset); YAML is read below
    } catch {
      // not JSON: read it as YAML
    }
    const docs = parseAllDocuments(text);
    const parsed = (Array.isArray(docs) ? docs : [docs]).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${address}: values[${i}] is not valid YAML: ${doc.errors[0]!.message}`);
      return doc.toJS() as unknown;
    });
    if (parsed.length !== 1) throw new Error(`${address}: values[${i}] holds ${parsed.length} YAML documents; Helm reads one per values entry`);
    return parsed[0];
  });
  return mergeValues([...documents, setValues(address, release)]);
}

/**
 * The `set`, `set_list` and `set_sensitive` entries of a helm_release as one values document, as
 * hashicorp/helm 3.1.1 applies them after `values` (helm/resource_helm_release.go getValues:
 * strvals.ParseInto("<name>=<value>")): `name` is a dotted path (`\.` a literal dot, `[n]` a list
 * index). A sensitive value is never copied: a placeholder stands for it.
 */
function setValues(address: string, release: Json): Json {
  const doc: Json = {};
  const entries = (key: string) => ((release[key] as Json[] | undefined) ?? []).map((entry): Json & { key: string } => ({ ...entry, key }));
  for (const entry of [...entries("set"), ...entries("set_list"), ...entries("set_sensitive")]) {
    const path = strvalsPath(address, String(entry.name));
    const value = entry.key === "set_sensitive" ? "(sensitive)" : entry.value;
    let node: Record<string | number, unknown> = doc;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= typeof path[i + 1] === "number" ? [] : {}) as Record<string | number, unknown>;
    });
  }
  return doc;
}

function strvalsPath(address: string, name: string): (string | number)[] {
  const path: (string | number)[] = [];
  let current = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === "\\" && i + 1 < name.length) current += name[++i];
    else if (c === ".") {
      if (current) path.push(current);
      current = "";
    }
    else if (c === "[") {
      const end = name.indexOf("]", i);
      if (end < 0 || !/^\d+$/.test(name.slice(i + 1, end))) throw new Error(`${address}: set name ${name} has a bad list index`);
      if (current) path.push(current);
      current = "";
      path.push(Number(name.slice(i + 1, end)));
      i = end;
    } else current += c;
  }
  if (current) path.push(current);
  if (path.length === 0) throw new Error(`${address}: a set entry has an empty name`);
  return path;
}

function assertObject(source: string, value: unknown): KubernetesObject {
  if (!isMap(value)) throw new Error(`${source}: not a Kubernetes object (a map with apiVersion, kind and metadata)`);
  for (const field of ["apiVersion", "kind"]) {
    if (typeof value[field] !== "string" || value[field] === "") throw new Error(`${source}: has no ${field}`);
  }
  if (!isMap(value.metadata)) throw new Error(`${source}: has no metadata`);
  return value as KubernetesObject;
}

/** Every Kubernetes object one synthesized stack writes, in resource order. */
export function kubernetesObjectsOf(stack: TerraformStackJson): ExtractedObject[] {
  const found: ExtractedObject[] = [];
  for (const [type, resources] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) {
      const address = `${type}.${name}`;
      if (type === "kubernetes_manifest") {
        found.push({ source: address, object: assertObject(address, unescapeDeep(body.manifest)) });
      } else if (type === "helm_release" && isRepositoryChart(body)) {
        const objects = releaseValues(address, body).objects;
        if (!Array.isArray(objects)) throw new Error(`${address}: a release of the repository's chart needs a top-level \`objects\` list in its values`);
        objects.forEach((object, i) => found.push({ source: `${address} objects[${i}]`, object: assertObject(`${address} objects[${i}]`, unescapeDeep(object)) }));
      } else if (type.startsWith("kubernetes_")) {
        if (!(type in KUBERNETES_RESOURCE_KINDS)) {
          throw new Error(`${address}: ${type} has no mapping to the object it becomes; add it to src/kubernetes/terraform-to-kubernetes.ts from the provider's expand functions`);
        }
        found.push({ source: address, object: assertObject(address, unescapeDeep(objectOfKubernetesResource(type, body))) });
      }
    }
  }
  return found;
}

/** `group/version/Kind` of an object (core objects: `v1/Kind`). */
export const gvkOf = (object: Pick<KubernetesObject, "apiVersion" | "kind">): string => `${object.apiVersion}/${object.kind}`;
