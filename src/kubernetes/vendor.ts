import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { CHART_SOURCES } from "../config/versions";
import { CHART_VALUES_SOURCES, CRD_SOURCES, KUBERNETES_OPENAPI, SUBCHART_REPOSITORIES, VENDORED_ON, type UpstreamFile } from "./sources";
import { SCHEMAS_DIR, type CrdFile, type KubernetesFile, type Provenance, type ValuesFile, type ValuesTree } from "./schema-files";

/**
 * `npm run k8s:schemas`: regenerates src/kubernetes/schemas/ from the upstream files in sources.ts
 * (GitHub over HTTPS; `--git owner/name=DIR` reads a local clone instead). Deterministic: the same
 * sources give the same bytes, so the versions workflow can refresh and compare.
 */

type Json = Record<string, unknown>;


class Upstream {
  constructor(private readonly clones: ReadonlyMap<string, string>) {}

  async read(file: UpstreamFile): Promise<string> {
    const clone = this.clones.get(file.repository);
    if (clone) return execFileSync("git", ["--git-dir", clone, "show", `${file.ref}:${file.path}`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const response = await fetch(`https://raw.githubusercontent.com/${file.repository}/${file.ref}/${file.path}`);
    if (!response.ok) throw new Error(`${file.repository}@${file.ref}:${file.path}: HTTP ${response.status}`);
    return response.text();
  }

  async exists(file: UpstreamFile): Promise<boolean> {
    const clone = this.clones.get(file.repository);
    if (clone) return execFileSync("git", ["--git-dir", clone, "ls-tree", "--name-only", file.ref, "--", file.path], { encoding: "utf8" }).trim() !== "";
    return (await fetch(`https://raw.githubusercontent.com/${file.repository}/${file.ref}/${file.path}`, { method: "HEAD" })).ok;
  }

  /** The commit a ref names, and its committer date. */
  async commit(repository: string, ref: string): Promise<{ commit: string; date: string }> {
    const clone = this.clones.get(repository);
    if (clone) {
      // The committer date in UTC, as the GitHub API reports it.
      const [commit, date] = execFileSync("git", ["--git-dir", clone, "log", "-1", "--format=%H %cd", "--date=format-local:%Y-%m-%d", `${ref}^{commit}`], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } }).trim().split(" ");
      return { commit: commit!, date: date! };
    }
    // GITHUB_TOKEN (the workflow's, read-only) lifts the API's anonymous rate limit; never printed.
    const token = process.env.GITHUB_TOKEN;
    const headers: Record<string, string> = { accept: "application/vnd.github+json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(`https://api.github.com/repos/${repository}/commits/${ref}`, { headers });
    if (!response.ok) throw new Error(`${repository}@${ref}: HTTP ${response.status}`);
    const body = (await response.json()) as { sha: string; commit: { committer: { date: string } } };
    return { commit: body.sha, date: body.commit.committer.date.slice(0, 10) };
  }

  async provenance(repository: string, ref: string, paths: readonly string[]): Promise<Provenance> {
    return { repository, ref, ...(await this.commit(repository, ref)), paths: [...paths] };
  }
}

/** Keywords validation never reads here (documentation; CEL rules, which need a CEL evaluator; merge hints). */
const DROPPED = new Set(["description", "example", "examples", "$comment", "x-kubernetes-validations", "x-kubernetes-unions", "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy"]);
const NAMED_SCHEMAS = new Set(["properties", "definitions", "patternProperties", "$defs"]);

/** Drops documentation and the keywords above, keeping every structural keyword. */
function trim(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(trim);
  if (!schema || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema as Json)
      .filter(([key]) => !DROPPED.has(key))
      .map(([key, value]) => [key, NAMED_SCHEMAS.has(key) && value && typeof value === "object" ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, trim(v)])) : trim(value)]),
  );
}

const stableJson = (value: unknown): string => `${JSON.stringify(value)}\n`;

// ---------------------------------------------------------------- Kubernetes OpenAPI

async function vendorKubernetes(upstream: Upstream): Promise<KubernetesFile> {
  const { file, groupVersions, kubernetesVersion } = KUBERNETES_OPENAPI;
  const swagger = JSON.parse(await upstream.read(file)) as { definitions: Record<string, Json> };
  const gvks: Record<string, string> = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    const props = definition.properties as Json | undefined;
    for (const gvk of (definition["x-kubernetes-group-version-kind"] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      const groupVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      // Objects a user writes: those with metadata, not lists (which carry ListMeta).
      if (!(groupVersions as readonly string[]).includes(groupVersion) || !props?.metadata || gvk.kind.endsWith("List")) continue;
      if (!name.startsWith("io.k8s.api.")) continue;
      gvks[`${groupVersion}/${gvk.kind}`] = name;
    }
  }
  const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name)) return;
    if (!swagger.definitions[name]) throw new Error(`the OpenAPI has no definition ${name}`);
    keep.add(name);
    JSON.stringify(swagger.definitions[name]).replace(/"\$ref":"#\/definitions\/([^"]+)"/g, (_, ref: string) => (visit(ref), ""));
  };
  [...Object.values(gvks), OBJECT_META].forEach(visit);
  const definitions = Object.fromEntries([...keep].sort().map((name) => [name, trim(swagger.definitions[name])]));
  return { provenance: await upstream.provenance(file.repository, file.ref, [file.path]), kubernetesVersion, gvks: Object.fromEntries(Object.entries(gvks).sort()), definitions };
}

// ---------------------------------------------------------------- CRDs

/** A CRD YAML file, with Helm template lines (charts keep some CRDs under templates/) left out. */
function crdDocuments(text: string): Json[] {
  const plain = text.split("\n").filter((line) => !line.includes("{{")).join("\n");
  return parseAllDocuments(plain)
    .map((doc) => doc.toJS() as Json | null)
    .filter((doc): doc is Json => doc?.kind === "CustomResourceDefinition");
}

async function vendorCrds(upstream: Upstream, source: (typeof CRD_SOURCES)[number]): Promise<CrdFile> {
  const kinds: Record<string, { schema: unknown }> = {};
  for (const path of source.files) {
    const text = await upstream.read({ repository: source.repository, ref: source.ref, path });
    if (source.format === "json-schema") {
      // group/kind_version.json, converted from the CRD's openAPIV3Schema (datreeio's extractor).
      const [group, base] = path.split("/") as [string, string];
      const [kind, version] = base.replace(/\.json$/, "").split("_") as [string, string];
      const kindName = source.kinds?.[kind];
      if (!kindName) throw new Error(`${source.name}: name the kind of ${path} in sources.ts`);
      kinds[`${group}/${version}/${kindName}`] = { schema: trim(JSON.parse(text)) };
      continue;
    }
    const crds = crdDocuments(text);
    if (crds.length === 0) throw new Error(`${source.repository}@${source.ref}:${path} holds no CustomResourceDefinition`);
    for (const crd of crds) {
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: unknown } }[] };
      for (const version of spec.versions.filter((v) => v.served && v.schema)) {
        kinds[`${spec.group}/${version.name}/${spec.names.kind}`] = { schema: trim(version.schema!.openAPIV3Schema) };
      }
    }
  }
  for (const supplement of source.supplements ?? []) {
    const target = kinds[supplement.kind];
    if (!target) throw new Error(`${source.name}: a supplement names ${supplement.kind}, which the source does not hold`);
    let node = target.schema as Json;
    for (const key of supplement.path.slice(0, -1)) node = ((node.properties as Json)[key] as Json) ?? (() => { throw new Error(`${supplement.kind}: no ${key} on the way to ${supplement.path.join(".")}`); })();
    const properties = node.properties as Json;
    const field = supplement.path.at(-1)!;
    if (properties[field]) throw new Error(`${supplement.kind}: upstream now declares ${supplement.path.join(".")}; drop the supplement from sources.ts`);
    properties[field] = supplement.schema;
  }
  return { provenance: await upstream.provenance(source.repository, source.ref, source.files), note: source.note, kinds: Object.fromEntries(Object.entries(kinds).sort()) };
}

// ---------------------------------------------------------------- Helm values

/**
 * The key paths of a values.yaml: a map default is a map of its keys; an empty map, a list or a
 * null default is content the chart passes through (`*`); any other scalar is a leaf (`.`).
 */
export function valuesTree(values: unknown): ValuesTree {
  if (values && typeof values === "object" && !Array.isArray(values)) {
    const entries = Object.entries(values as Json);
    return entries.length === 0 ? "*" : Object.fromEntries(entries.map(([key, value]) => [key, valuesTree(value)]));
  }
  return values === null || values === undefined || Array.isArray(values) ? "*" : ".";
}

/** Adds the keys a values.schema.json declares (some have no default in values.yaml). */
function mergeSchemaKeys(tree: ValuesTree, schema: Json | undefined): ValuesTree {
  if (!schema) return tree;
  const properties = schema.properties as Record<string, Json> | undefined;
  if (!properties) return schema.type === "object" && tree === "." ? "*" : tree;
  const base: Record<string, ValuesTree> = typeof tree === "object" ? { ...tree } : {};
  if (tree === "*") return "*";
  for (const [key, sub] of Object.entries(properties)) base[key] = mergeSchemaKeys(base[key] ?? (sub.properties ? {} : sub.type === "object" || sub.type === "array" ? "*" : "."), sub);
  return base;
}

async function vendorChart(upstream: Upstream, repository: string, ref: string, path: string, depth = 0): Promise<ValuesFile> {
  const at = (file: string): UpstreamFile => ({ repository, ref, path: `${path}/${file}` });
  const chartYaml = parse(await upstream.read(at("Chart.yaml"))) as { name: string; version: string; dependencies?: { name: string; alias?: string; version: string; repository?: string; condition?: string }[] };
  const values = parse(await upstream.read(at("values.yaml"))) as unknown;
  const hasSchema = await upstream.exists(at("values.schema.json"));
  const schema = hasSchema ? (trim(JSON.parse(await upstream.read(at("values.schema.json")))) as Json) : undefined;
  const subcharts: Record<string, ValuesFile | { unresolved: string; condition?: string }> = {};
  for (const dependency of depth === 0 ? (chartYaml.dependencies ?? []) : []) {
    const key = dependency.alias ?? dependency.name;
    const origin = dependency.repository ? SUBCHART_REPOSITORIES[dependency.repository] : undefined;
    if (!dependency.repository || dependency.repository.startsWith("file://")) {
      subcharts[key] = { ...(await vendorChart(upstream, repository, ref, `${path}/charts/${dependency.name}`, depth + 1)), condition: dependency.condition };
    } else if (origin && /^\d+\.\d+\.\d+$/.test(dependency.version)) {
      subcharts[key] = { ...(await vendorChart(upstream, origin.repository, origin.tag(dependency.name, dependency.version), origin.path(dependency.name), depth + 1)), condition: dependency.condition };
    } else {
      subcharts[key] = { unresolved: `${dependency.name} ${dependency.version} from ${dependency.repository} is not vendored (no tagged source known for it); values under \`${key}\` other than its condition are errors`, condition: dependency.condition };
    }
  }
  const paths = [`${path}/Chart.yaml`, `${path}/values.yaml`, ...(hasSchema ? [`${path}/values.schema.json`] : [])];
  return {
    provenance: await upstream.provenance(repository, ref, paths),
    chart: chartYaml.name,
    version: chartYaml.version,
    tree: mergeSchemaKeys(valuesTree(values), schema),
    ...(schema ? { schema } : {}),
    ...(Object.keys(subcharts).length > 0 ? { subcharts } : {}),
  };
}

// ---------------------------------------------------------------- README

function readme(kubernetes: KubernetesFile, crds: Record<string, CrdFile>, values: Record<string, ValuesFile>): string {
  const line = (file: string, p: Provenance, what: string) => `| \`${file}\` | ${p.repository} | \`${p.ref}\` (${p.commit.slice(0, 12)}, ${p.date}) | ${p.paths.map((x) => `\`${x}\``).join("<br>")} | ${what} |`;
  const rows = [
    line("kubernetes.json", kubernetes.provenance, `Kubernetes ${kubernetes.kubernetesVersion} OpenAPI (swagger 2.0), trimmed to ${KUBERNETES_OPENAPI.groupVersions.join(", ")}: ${Object.keys(kubernetes.gvks).length} kinds, ${Object.keys(kubernetes.definitions).length} definitions`),
    ...Object.entries(crds).map(([name, f]) => {
      const source = CRD_SOURCES.find((s) => s.name === name)!;
      const supplements = (source.supplements ?? []).map((s) => ` Added: ${s.kind} ${s.path.join(".")} (${s.reference}).`).join("");
      return line(`crds/${name}.json`, f.provenance, `${Object.keys(f.kinds).join(", ")} — ${source.note}.${supplements}`);
    }),
    ...Object.entries(values).flatMap(([name, f]) => [
      line(`values/${name}.json`, f.provenance, `${f.chart} ${f.version}: values.yaml key paths${f.schema ? " and values.schema.json" : ""}`),
      ...Object.entries(f.subcharts ?? {}).map(([key, sub]) => ("unresolved" in sub ? `| ↳ \`${key}\` | | | | ${sub.unresolved} |` : line(`↳ ${key}`, sub.provenance, `subchart ${sub.chart} ${sub.version}: values.yaml key paths${sub.schema ? " and values.schema.json" : ""}`))),
    ]),
  ];
  return `# Vendored schemas (generated: do not edit)

Written by \`npm run k8s:schemas\` (src/kubernetes/vendor.ts) from the sources in src/kubernetes/sources.ts,
last regenerated ${VENDORED_ON}. The chart tags follow the versions catalog (src/config/versions.ts); the
unit suite (__tests__/unit/kubernetes-schema.test.ts) fails when a file here is not at the catalog's
version, and the versions workflow regenerates them and fails on any difference.

Dropped: descriptions and examples, CEL rules (\`x-kubernetes-validations\`, which need the API
server's evaluator) and list/map merge hints; every keyword that types a field or declares one is kept.
The Kubernetes API is trimmed to the groups listed below, with every definition their kinds use.

| file | repository | tag or commit (commit, date) | upstream path | what |
|---|---|---|---|---|
${rows.join("\n")}
`;
}

// ---------------------------------------------------------------- main

export async function vendorAll(upstream: Upstream): Promise<void> {
  const kubernetes = await vendorKubernetes(upstream);
  const crds: Record<string, CrdFile> = {};
  for (const source of CRD_SOURCES) crds[source.name] = await vendorCrds(upstream, source);
  const values: Record<string, ValuesFile> = {};
  for (const source of CHART_VALUES_SOURCES) values[CHART_SOURCES[source.catalogKey].chart] = await vendorChart(upstream, source.repository, source.ref, source.path);

  rmSync(SCHEMAS_DIR, { recursive: true, force: true });
  mkdirSync(join(SCHEMAS_DIR, "crds"), { recursive: true });
  mkdirSync(join(SCHEMAS_DIR, "values"), { recursive: true });
  writeFileSync(join(SCHEMAS_DIR, "kubernetes.json"), stableJson(kubernetes));
  for (const [name, file] of Object.entries(crds)) writeFileSync(join(SCHEMAS_DIR, "crds", `${name}.json`), stableJson(file));
  for (const [name, file] of Object.entries(values)) writeFileSync(join(SCHEMAS_DIR, "values", `${name}.json`), stableJson(file));
  writeFileSync(join(SCHEMAS_DIR, "README.md"), readme(kubernetes, crds, values));
  console.log(`wrote ${readdirSync(SCHEMAS_DIR, { recursive: true }).length} entries to src/kubernetes/schemas`);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { git: { type: "string", multiple: true, default: [] } } });
  const clones = new Map(values.git.map((pair) => pair.split("=", 2) as [string, string]));
  await vendorAll(new Upstream(clones));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
