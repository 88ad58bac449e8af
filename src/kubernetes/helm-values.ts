import Ajv, { type ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020";
import { isRepositoryChart, isTerraformExpression, releaseValues, type TerraformStackJson } from "./objects";
import { describe, KubernetesSchemas, schemaForInstances, skeletonOf, valueAt } from "./schema";
import { loadValuesFiles, type ValuesFile, type ValuesTree } from "./schema-files";

/**
 * Checks the values of every release of a published chart against that chart at its version:
 * every key path must be one the chart's values.yaml (or its values.schema.json) declares, and
 * where the chart ships a values.schema.json the values must satisfy it, as `helm install` checks.
 * A subchart's values (under its name or alias) are checked against the subchart's own files.
 *
 * Below a key whose default is an empty map, a list or null, content is the chart's to pass
 * through (`toYaml` into a manifest: resources, annotations, nodeSelector, extraArgs, …) and any
 * key is allowed: Helm's chart best practices (helm.sh/docs/chart_best_practices/values, "Consider
 * How Users Will Use Your Values") describe exactly this shape for user-supplied maps and lists.
 * Further pass-through keys with a non-empty default are listed in FREE_FORM_VALUES with the line
 * of values.yaml that says so.
 */

type Json = Record<string, unknown>;

/** A release of a published chart as a stack synthesizes it. */
export interface ChartRelease {
  readonly address: string;
  readonly chart: string;
  readonly version: string;
  readonly values: Json;
}

/** Every release of a published chart in a synthesized stack (the repository's own chart is an object source, not checked here). */
export function chartReleasesOf(stack: TerraformStackJson): ChartRelease[] {
  return Object.entries(stack.resource?.helm_release ?? {})
    .filter(([, body]) => !isRepositoryChart(body))
    .map(([name, body]) => {
      const address = `helm_release.${name}`;
      return { address, chart: String(body.chart), version: String(body.version), values: releaseValues(address, body) };
    });
}

/**
 * A `resources` map anywhere is a container's ResourceRequirements, which every chart here renders
 * whole (`toYaml`, e.g. kyverno 3.9.0 templates/admission-controller/deployment.yaml
 * `with .Values.admissionController.container.resources`), whatever its default holds (kyverno's
 * default sets only limits.memory; metrics-server's only requests). Its keys are not the chart's,
 * so they are checked against the Kubernetes API definition instead.
 */
const TYPED_VALUES: Record<string, string> = { resources: "io.k8s.api.core.v1.ResourceRequirements" };
const PASS_THROUGH_KEYS = new Set(Object.keys(TYPED_VALUES));

/** Every map under a TYPED_VALUES key, anywhere in the values, with its path. */
function typedValues(value: unknown, path: string[] = []): { path: string[]; definition: string; value: Json }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => typedValues(item, [...path, String(i)]));
  if (!isMap(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    TYPED_VALUES[key] && isMap(child) ? [{ path: [...path, key], definition: TYPED_VALUES[key]!, value: child }] : typedValues(child, [...path, key]),
  );
}

/** Keys values.yaml documents only in a comment, which the templates read (each with its reference). */
export const COMMENTED_VALUES: readonly { readonly chart: string; readonly path: readonly string[]; readonly reference: string }[] = [
  {
    chart: "grafana",
    path: ["persistence", "storageClassName"],
    reference: "grafana 12.11.1 values.yaml line 492 `# storageClassName: default`; templates/pvc.yaml `with .Values.persistence.storageClassName`",
  },
];

/** Keys with a non-empty default that the chart nevertheless passes through whole (each with its values.yaml reference). */
export const FREE_FORM_VALUES: readonly { readonly chart: string; readonly path: readonly string[]; readonly reference: string }[] = [
  {
    chart: "kube-prometheus-stack",
    path: ["alertmanager", "config"],
    reference: "kube-prometheus-stack values.yaml: `alertmanager.config` is the Alertmanager configuration file, rendered whole into the alertmanager Secret (templates/alertmanager/secret.yaml: toYaml .Values.alertmanager.config); its keys are Alertmanager's, not the chart's",
  },
];

const isMap = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function unknownPaths(value: unknown, tree: ValuesTree, path: string[], chart: string, file: ValuesFile, problems: string[]): void {
  const samePath = (f: { chart: string; path: readonly string[] }, p: readonly string[]) => f.chart === chart && f.path.join("\u0000") === p.join("\u0000");
  if (tree === "*" || !isMap(value) || PASS_THROUGH_KEYS.has(path.at(-1) ?? "")) return;
  if (FREE_FORM_VALUES.some((f) => samePath(f, path))) return;
  for (const [key, child] of Object.entries(value)) {
    const here = [...path, key];
    const sub = path.length === 0 ? file.subcharts?.[key] : undefined;
    if (sub) {
      const [conditionKey, conditionLeaf] = (sub.condition ?? "").split(".");
      if (!isMap(child)) continue;
      for (const [subKey, subValue] of Object.entries(child)) {
        if (conditionKey === key && subKey === conditionLeaf) continue;
        if ("unresolved" in sub) {
          problems.push(`${[...here, subKey].join(".")}: ${sub.unresolved}`);
        } else {
          const found: string[] = [];
          unknownPaths({ [subKey]: subValue }, sub.tree, [], sub.chart, sub, found);
          problems.push(...found.map((problem) => `${key}.${problem}`));
        }
      }
      continue;
    }
    if (COMMENTED_VALUES.some((f) => samePath(f, here))) continue;
    if (typeof tree !== "object" || !(key in tree)) {
      problems.push(`${here.join(".")}: not a value of ${chart} ${file.version} (not in its values.yaml${file.schema ? " or values.schema.json" : ""}); check the spelling against the chart's values.yaml`);
      continue;
    }
    const next = tree[key]!;
    if (next === "." && isMap(child) && Object.keys(child).length > 0) {
      problems.push(`${here.join(".")}: ${chart} ${file.version} takes a single value here, not a map`);
      continue;
    }
    unknownPaths(child, next, here, chart, file, problems);
  }
}

/** values.schema.json without `required`: the chart's defaults, merged in by Helm before it validates, supply those. */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (!isMap(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key, value]) => !(key === "required" && Array.isArray(value))).map(([key, value]) => [key, withoutRequired(value)]));
}

export class HelmValuesCheck {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly ajv2020 = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  /** Compiled values.schema.json per chart and values skeleton (releases of one chart mostly share one). */
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly files: Record<string, ValuesFile> = loadValuesFiles(),
    private readonly kubernetes: KubernetesSchemas = new KubernetesSchemas(),
  ) {}

  /** The problems of one release's values; empty when they fit the chart. */
  check(release: ChartRelease): string[] {
    const file = this.files[release.chart];
    if (!file) return [`${release.chart}: no vendored values for this chart; add it to CHART_VALUES_SOURCES in src/kubernetes/sources.ts and run npm run k8s:schemas`];
    if (file.version !== release.version) return [`${release.chart}: the release installs ${release.version}, the vendored values are of ${file.version}; run npm run k8s:schemas`];
    const problems: string[] = [];
    this.checkFile(release.values, file, [], problems);
    const typed = typedValues(release.values);
    const typedProblems = this.kubernetes.validateAs(typed.map(({ definition, value }) => ({ definition, value })));
    typed.forEach(({ path, definition }, i) => problems.push(...typedProblems[i]!.map((p) => `${path.join(".")}.${p} (as a Kubernetes ${definition.split(".").at(-1)})`)));
    return problems;
  }

  private checkFile(values: Json, file: ValuesFile, prefix: string[], problems: string[]): void {
    const found: string[] = [];
    unknownPaths(values, file.tree, [], file.chart, file, found);
    problems.push(...found.map((p) => (prefix.length ? `${prefix.join(".")}.${p}` : p)));
    if (file.schema) {
      // Compiled for these values only (schemaForInstances): the whole schema takes Ajv long to compile.
      const key = `${file.chart} ${file.version} ${skeletonOf(values)}`;
      let validate = this.compiled.get(key);
      if (!validate) {
        const schema = withoutRequired(file.schema) as Json;
        validate = (String(schema.$schema ?? "").includes("2020-12") ? this.ajv2020 : this.ajv).compile(schemaForInstances(schema, [values]) as Json);
        this.compiled.set(key, validate);
      }
      if (!validate(values)) {
        const errors = (validate.errors ?? []).filter((error) => !isTerraformExpression(valueAt(values, error.instancePath)));
        problems.push(...errors.map((error) => `${prefix.length ? `${prefix.join(".")}.` : ""}${describe(error)} (values.schema.json of ${file.chart} ${file.version})`));
      }
    }
    for (const [key, sub] of Object.entries(file.subcharts ?? {})) {
      if (!("unresolved" in sub) && isMap(values[key]) && sub.schema) this.checkFile(values[key] as Json, { ...sub, tree: "*" }, [...prefix, key], problems);
    }
  }
}

