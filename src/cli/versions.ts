import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CHART_SOURCES, CHECK_TOOLS, CONTAINER_IMAGES, EKS_ADDON_VERSIONS, imageOf, KUBERNETES, POSTGRES } from "../config/versions";
import { EKS_ADDONS } from "../../modules/eks/addons";
import { isRepositoryChart, kubernetesObjectsOf } from "../kubernetes/objects";

/**
 * Checks the versions catalog with the real tools (run by .github/workflows/versions.yml, where
 * the chart repositories and AWS are reachable):
 *
 *   tools                 print the catalog's tool and Kubernetes versions as `name=value` lines (for $GITHUB_OUTPUT)
 *   export-releases DIR   from the synthesized stacks (--outdir, default cdktf.out), write every
 *                         platform stack's release of a published chart (chart, repository, version,
 *                         namespace and exactly the values synthesized) to DIR, and every object the
 *                         platform stacks write (src/kubernetes/objects.ts) to DIR/manifests.yaml
 *   check-charts DIR      `helm show chart` of every catalog chart (the version exists; appVersion
 *                         matches), then `helm template` of every exported release piped to
 *                         `kubeconform -strict` at the catalog's Kubernetes version
 *   check-images          every catalog image exists (`docker manifest inspect`) and, for the
 *                         kubectl image, runs bash with kubectl and jq (what the off-hours jobs use)
 *   check-aws             `aws eks describe-cluster-versions`, `aws eks describe-addon-versions` and
 *                         `aws rds describe-db-engine-versions` / `describe-orderable-db-instance-options`
 *                         for the catalog's versions and every instance class the synthesized
 *                         core stacks (--outdir) ask for
 */

type StackJson = { resource?: Record<string, Record<string, Json>>; provider?: { aws?: Json[] } };

/** The synthesized stacks of an output folder (`cdktf synth`), by name. */
function synthesizedStacks(outdir: string): [string, StackJson][] {
  const stacksDir = join(outdir, "stacks");
  return readdirSync(stacksDir)
    .sort()
    .map((stack) => [stack, JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8")) as StackJson]);
}

/** A Helm release as the platform stacks synthesize it. */
export interface ExportedRelease {
  readonly stack: string;
  readonly name: string;
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  readonly namespace: string;
  /** File (relative to the export folder) holding the release's values. */
  readonly valuesFile: string;
}

type Json = Record<string, unknown>;

/** Terraform expressions in values resolve only in a plan; rendering gets a placeholder of the same type (a string). */
export function withoutTerraformExpressions(values: string): string {
  return values.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, "tf-value-known-after-apply");
}

/**
 * Collects the helm_release resources of catalog charts of every synthesized platform stack and
 * writes them to `dir`; the repository's objects chart is rendered by no registry, so its objects
 * go to manifests.yaml instead (platformManifests).
 */
export function exportReleases(outdir: string, dir: string): ExportedRelease[] {
  const releases: ExportedRelease[] = [];
  for (const [stack, json] of synthesizedStacks(outdir).filter(([name]) => name.endsWith("-platform"))) {
    const namespaces = json.resource?.kubernetes_namespace_v1 ?? {};
    // The repository's own chart is not published: its objects go to manifests.yaml instead.
    for (const body of Object.values(json.resource?.helm_release ?? {}).filter((release) => !isRepositoryChart(release))) {
      const namespaceRef = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(String(body.namespace));
      const namespace = namespaceRef ? String((namespaces[namespaceRef[1]!]?.metadata as Json).name) : String(body.namespace);
      const valuesFile = join(stack, `${String(body.name)}.values.json`);
      mkdirSync(join(dir, stack), { recursive: true });
      writeFileSync(join(dir, valuesFile), withoutTerraformExpressions(((body.values as string[] | undefined) ?? ["{}"]).join("\n")));
      releases.push({ stack, name: String(body.name), chart: String(body.chart), repository: String(body.repository), version: String(body.version), namespace, valuesFile });
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "releases.json"), JSON.stringify(releases, null, 2));
  writeFileSync(join(dir, "manifests.yaml"), platformManifests(outdir).map((manifest) => JSON.stringify(manifest)).join("\n---\n"));
  return releases;
}

/** Every Kubernetes object the platform stacks write (src/kubernetes/objects.ts), for kubeconform. */
export function platformManifests(outdir: string): Json[] {
  return synthesizedStacks(outdir)
    .filter(([name]) => name.endsWith("-platform"))
    .flatMap(([, json]) => kubernetesObjectsOf(json).map(({ object }) => JSON.parse(withoutTerraformExpressions(JSON.stringify(object))) as Json));
}

/** Region and instance class of every database the synthesized stacks create. */
export function databaseClasses(outdir: string): { region: string; instanceClass: string }[] {
  const found = new Map<string, { region: string; instanceClass: string }>();
  for (const [, json] of synthesizedStacks(outdir)) {
    const region = String(json.provider?.aws?.find((p) => p.alias === undefined)?.region);
    for (const db of Object.values(json.resource?.aws_db_instance ?? {})) {
      const entry = { region, instanceClass: String(db.instance_class) };
      found.set(`${entry.region} ${entry.instanceClass}`, entry);
    }
  }
  return [...found.values()];
}

const run = (command: string, args: string[], input?: string) =>
  execFileSync(command, args, { encoding: "utf8", input, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "inherit"], maxBuffer: 256 * 1024 * 1024 });

/** kubeconform's schema locations: Kubernetes' own, then the CRD catalog its Readme points to. */
const KUBECONFORM_SCHEMAS = [
  "default",
  "https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json",
];

function checkCharts(dir: string): string[] {
  const problems: string[] = [];
  for (const source of Object.values(CHART_SOURCES)) {
    const chartYaml = run("helm", ["show", "chart", source.chart, "--repo", source.repository, "--version", source.version]);
    const appVersion = /^appVersion:\s*"?([^"\n]+)"?\s*$/m.exec(chartYaml)?.[1];
    console.log(`${source.chart} ${source.version}: exists, appVersion ${appVersion}`);
    if (appVersion !== source.appVersion) problems.push(`${source.chart} ${source.version} ships appVersion ${appVersion}, the catalog says ${source.appVersion}`);
  }
  const releases = JSON.parse(readFileSync(join(dir, "releases.json"), "utf8")) as ExportedRelease[];
  for (const release of releases) {
    const rendered = run("helm", [
      "template", release.name, release.chart,
      "--repo", release.repository, "--version", release.version,
      "--namespace", release.namespace, "--values", join(dir, release.valuesFile),
      "--kube-version", KUBERNETES.version, "--include-crds",
    ]);
    try {
      const summary = run("kubeconform", ["-strict", "-summary", "-kubernetes-version", `${KUBERNETES.version}.0`, ...KUBECONFORM_SCHEMAS.flatMap((s) => ["-schema-location", s])], rendered);
      console.log(`${release.stack}/${release.name}: ${summary.trim().split("\n").at(-1)}`);
    } catch (error) {
      problems.push(`${release.stack}/${release.name}: kubeconform rejected the rendered manifests\n${(error as { stdout?: string }).stdout ?? error}`);
    }
  }
  try {
    const summary = run("kubeconform", ["-strict", "-summary", "-kubernetes-version", `${KUBERNETES.version}.0`, ...KUBECONFORM_SCHEMAS.flatMap((s) => ["-schema-location", s])], readFileSync(join(dir, "manifests.yaml"), "utf8"));
    console.log(`platform manifests: ${summary.trim().split("\n").at(-1)}`);
  } catch (error) {
    problems.push(`kubeconform rejected the platform's own manifests\n${(error as { stdout?: string }).stdout ?? error}`);
  }
  return problems;
}

function checkAws(outdir: string): string[] {
  const problems: string[] = [];
  const aws = (args: string[]) => JSON.parse(run("aws", [...args, "--output", "json"])) as Json;

  const [version] = (aws(["eks", "describe-cluster-versions", "--cluster-versions", KUBERNETES.version]).clusterVersions ?? []) as Json[];
  const status = version?.versionStatus ?? version?.status;
  console.log(`EKS ${KUBERNETES.version}: ${status}, standard support until ${version?.endOfStandardSupportDate}`);
  if (status !== "STANDARD_SUPPORT") problems.push(`EKS ${KUBERNETES.version} is ${status ?? "not offered"}; pick a version in standard support`);
  if (version && !String(version.endOfStandardSupportDate).startsWith(KUBERNETES.standardSupportEnds)) {
    problems.push(`EKS ${KUBERNETES.version} standard support ends ${version.endOfStandardSupportDate}, the catalog says ${KUBERNETES.standardSupportEnds}`);
  }

  for (const addon of EKS_ADDONS) {
    const [found] = (aws(["eks", "describe-addon-versions", "--addon-name", addon, "--kubernetes-version", KUBERNETES.version]).addons ?? []) as Json[];
    const versions = ((found?.addonVersions ?? []) as Json[]).map((v) => v.addonVersion);
    console.log(`add-on ${addon} for ${KUBERNETES.version} (${EKS_ADDON_VERSIONS.resolution}): ${versions[0] ?? "none"}`);
    if (versions.length === 0) problems.push(`EKS publishes no ${addon} version for Kubernetes ${KUBERNETES.version}`);
  }

  const [engine] = (aws(["rds", "describe-db-engine-versions", "--engine", "postgres", "--engine-version", POSTGRES.majorVersion, "--default-only"]).DBEngineVersions ?? []) as Json[];
  console.log(`RDS PostgreSQL ${POSTGRES.majorVersion}: default ${engine?.EngineVersion}, family ${engine?.DBParameterGroupFamily}`);
  if (!engine) problems.push(`RDS offers no PostgreSQL ${POSTGRES.majorVersion} for new instances`);
  else if (engine.DBParameterGroupFamily !== POSTGRES.parameterGroupFamily) problems.push(`PostgreSQL ${POSTGRES.majorVersion}'s family is ${engine.DBParameterGroupFamily}, not ${POSTGRES.parameterGroupFamily}`);

  for (const { region, instanceClass } of databaseClasses(outdir)) {
    const options = aws(["rds", "describe-orderable-db-instance-options", "--region", region, "--engine", "postgres",
      "--engine-version", String(engine?.EngineVersion ?? POSTGRES.majorVersion), "--db-instance-class", instanceClass, "--max-items", "1"]);
    const orderable = ((options.OrderableDBInstanceOptions ?? []) as Json[]).length > 0;
    console.log(`${instanceClass} with PostgreSQL ${engine?.EngineVersion} in ${region}: ${orderable ? "orderable" : "NOT orderable"}`);
    if (!orderable) problems.push(`${instanceClass} cannot run PostgreSQL ${engine?.EngineVersion} in ${region}`);
  }
  return problems;
}

/** Each catalog image exists at its tag; the kubectl image has what the off-hours scripts call. */
function checkImages(): string[] {
  const problems: string[] = [];
  for (const [name, image] of Object.entries(CONTAINER_IMAGES)) {
    const reference = imageOf(image);
    try {
      execFileSync("docker", ["manifest", "inspect", reference], { stdio: ["ignore", "ignore", "pipe"] });
      console.log(`${reference}: published`);
    } catch {
      problems.push(`${name}: ${reference} is not published`);
      continue;
    }
    if (name === "kubectl") {
      try {
        const tools = execFileSync("docker", ["run", "--rm", "--entrypoint", "/bin/bash", reference, "-c", "kubectl version --client -o json && jq --version"], { encoding: "utf8" });
        console.log(tools.trim());
      } catch {
        problems.push(`${reference} does not run bash with kubectl and jq, which the off-hours scripts need`);
      }
    }
  }
  return problems;
}

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { outdir: { type: "string", default: "cdktf.out" } } });
  const [command, dir] = positionals;
  let problems: string[] = [];
  switch (command) {
    case "tools":
      for (const [tool, { version }] of Object.entries(CHECK_TOOLS)) console.log(`${tool}=${version}`);
      console.log(`kubernetes=${KUBERNETES.version}`);
      return 0;
    case "export-releases":
      if (!dir) throw new Error("usage: versions export-releases DIR [--outdir cdktf.out]");
      console.log(`${exportReleases(values.outdir, dir).length} releases written to ${dir}`);
      return 0;
    case "check-charts":
      if (!dir) throw new Error("usage: versions check-charts DIR (after export-releases DIR)");
      problems = checkCharts(dir);
      break;
    case "check-images":
      problems = checkImages();
      break;
    case "check-aws":
      problems = checkAws(values.outdir);
      break;
    default:
      console.error("usage: versions tools | export-releases DIR [--outdir cdktf.out] | check-charts DIR | check-images | check-aws [--outdir cdktf.out]");
      return 2;
  }
  for (const problem of problems) console.error(`::error::${problem}`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
