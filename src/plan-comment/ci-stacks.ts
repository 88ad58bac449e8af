import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GITHUB_DEFAULT_BRANCH, GITHUB_DEPLOY_BRANCHES, PRODUCTION_ENVIRONMENTS } from "../config/github";
import { costTagsStackName, globalStackName, stackNames, zoneStackName, type StackLayer } from "../stacks/names";

/**
 * Which synthesized stacks CI plans, as a GitHub Actions matrix:
 *
 *   npx tsx src/plan-comment/ci-stacks.ts [--outdir cdktf.out] [--branch <branch>]
 *
 * prints a JSON array with one entry per stack of `cdktf.out/manifest.json` (bootstrap stacks
 * left out: an operator applies those, see docs/ci.md), each with its environment, region,
 * deploying branch, the names of the secrets holding its plan roles' ARNs, and whether pull requests
 * plan it. With --branch, only the stacks that branch deploys (pull requests plan what merging
 * would deploy).
 */

export interface CiStack {
  readonly stack: string;
  readonly environment: string;
  readonly layer: Exclude<StackLayer, "bootstrap" | "cost-tags">;
  readonly region: string;
  /** The branch whose pushes deploy this stack. */
  readonly branch: string;
  /** Repository secret holding the ARN of the environment's plan role (deploys and drift detection). */
  readonly plan_role_secret: string;
  /** Repository secret holding the ARN of the environment's pull-request plan role, which reads no secret value. */
  readonly pr_plan_role_secret: string;
  /**
   * Whether pull requests plan the stack. A platform stack's plan needs to read the cluster:
   * Helm's release Secrets when it refreshes, the CustomResourceDefinitions (kubernetes_manifest)
   * even without refresh, and no EKS access policy grants the second without Secrets (docs/ci.md).
   * So the pull-request plan role has no cluster access, and the deploy workflow plans these
   * stacks after the merge, before their apply (prod's and DR's wait for approval there).
   */
  readonly pr_plan: boolean;
}

interface Manifest {
  readonly stacks: Record<string, { readonly name: string; readonly synthesizedStackPath: string; readonly dependencies?: readonly string[] }>;
}

interface SynthesizedStack {
  readonly provider?: { readonly aws?: readonly { readonly region?: string; readonly alias?: string }[] };
  readonly terraform?: { readonly backend?: { readonly s3?: { readonly region?: string } } };
}

const LAYER_ORDER: readonly CiStack["layer"][] = ["zone", "global", "core", "platform"];

/** The environment and layer a stack name belongs to, by the naming convention of src/stacks/names.ts. */
export function environmentOf(stack: string): { environment: string; layer: StackLayer } | undefined {
  for (const [layer, suffix] of [["global", globalStackName("")], ["zone", zoneStackName("")], ["cost-tags", costTagsStackName("")]] as const) {
    if (stack.endsWith(suffix) && stack.length > suffix.length) return { environment: stack.slice(0, -suffix.length), layer };
  }
  for (const layer of ["bootstrap", "platform", "core"] as const) {
    const suffix = stackNames("")[layer];
    const environment = suffix === "" ? stack : stack.endsWith(suffix) ? stack.slice(0, -suffix.length) : undefined;
    if (environment && stackNames(environment)[layer] === stack) return { environment, layer };
  }
  return undefined;
}

const secretSuffixOf = (environment: string) => environment.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/** The secret name of an environment's plan role ARN, e.g. AWS_PLAN_ROLE_ARN_DEV. */
export function planRoleSecretOf(environment: string): string {
  return `AWS_PLAN_ROLE_ARN_${secretSuffixOf(environment)}`;
}

/** The secret name of an environment's pull-request plan role ARN, e.g. AWS_PR_PLAN_ROLE_ARN_DEV. */
export function pullRequestPlanRoleSecretOf(environment: string): string {
  return `AWS_PR_PLAN_ROLE_ARN_${secretSuffixOf(environment)}`;
}

export function deployBranchOf(environment: string): string {
  return GITHUB_DEPLOY_BRANCHES[environment] ?? GITHUB_DEFAULT_BRANCH;
}

function regionOf(stack: SynthesizedStack): string | undefined {
  const provider = (stack.provider?.aws ?? []).find((p) => p.alias === undefined);
  return provider?.region ?? stack.terraform?.backend?.s3?.region;
}

export function ciStacks(outdir: string, branch?: string): CiStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  const result: CiStack[] = [];
  for (const { name, synthesizedStackPath } of Object.values(manifest.stacks)) {
    const owner = environmentOf(name);
    if (!owner) throw new Error(`stack ${name} does not follow the <env>, <env>-platform, <env>-bootstrap naming; CI cannot tell its environment`);
    // Bootstrap stacks, and cost-tag activation a day after the first deploy: an operator's (docs/ci.md).
    if (owner.layer === "bootstrap" || owner.layer === "cost-tags") continue;
    const synthesized = JSON.parse(readFileSync(join(outdir, synthesizedStackPath), "utf8")) as SynthesizedStack;
    const region = regionOf(synthesized);
    if (!region) throw new Error(`stack ${name} has no AWS provider region`);
    const entry: CiStack = {
      stack: name,
      environment: owner.environment,
      layer: owner.layer,
      region,
      branch: deployBranchOf(owner.environment),
      plan_role_secret: planRoleSecretOf(owner.environment),
      pr_plan_role_secret: pullRequestPlanRoleSecretOf(owner.environment),
      pr_plan: owner.layer !== "platform",
    };
    if (branch === undefined || entry.branch === branch) result.push(entry);
  }
  // Promotion order (the order of GITHUB_DEPLOY_BRANCHES, then by name), global, core, platform;
  // then every stack after the stacks it depends on (cdktf's stack dependencies in the manifest:
  // a failover pair's core stacks wait for their global stack).
  const promotion = Object.keys(GITHUB_DEPLOY_BRANCHES);
  const rank = (environment: string) => (promotion.includes(environment) ? promotion.indexOf(environment) : promotion.length);
  const sorted = result.sort(
    (a, b) =>
      rank(a.environment) - rank(b.environment) ||
      (a.environment < b.environment ? -1 : a.environment > b.environment ? 1 : 0) ||
      LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer),
  );
  const dependencies = new Map(Object.values(manifest.stacks).map((s) => [s.name, s.dependencies ?? []]));
  return afterTheirDependencies(sorted, (stack) => dependencies.get(stack.stack) ?? []);
}

/** Keeps the given order, except that no stack comes before one it depends on (each time, the first whose dependencies are out). */
function afterTheirDependencies(stacks: readonly CiStack[], dependenciesOf: (stack: CiStack) => readonly string[]): CiStack[] {
  const listed = new Set(stacks.map((s) => s.stack));
  const pending = [...stacks];
  const ordered: CiStack[] = [];
  while (pending.length > 0) {
    const done = new Set(ordered.map((s) => s.stack));
    const next = pending.findIndex((stack) => dependenciesOf(stack).every((dependency) => done.has(dependency) || !listed.has(dependency)));
    if (next < 0) throw new Error(`stacks depend on each other in a cycle: ${pending.map((s) => s.stack).join(", ")}`);
    ordered.push(...pending.splice(next, 1));
  }
  return ordered;
}

/**
 * The order a reviewer reads stacks in, most important first: the production environments (prod,
 * then DR), then the others against the promotion order
 * (staging before dev); core before platform. Stacks outside the naming convention come last.
 */
export function reviewRank(stack: string): number {
  const owner = environmentOf(stack);
  if (!owner) return Number.MAX_SAFE_INTEGER;
  const production = PRODUCTION_ENVIRONMENTS;
  const promotion = Object.keys(GITHUB_DEPLOY_BRANCHES).filter((environment) => !production.includes(environment)).reverse();
  const place = production.includes(owner.environment)
    ? production.indexOf(owner.environment)
    : production.length + (promotion.includes(owner.environment) ? promotion.indexOf(owner.environment) : promotion.length);
  return place * 10 + (owner.layer === "core" ? 0 : owner.layer === "platform" ? 1 : owner.layer === "global" ? 2 : owner.layer === "zone" ? 3 : 4);
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { outdir: { type: "string", default: "cdktf.out" }, branch: { type: "string" } },
  });
  process.stdout.write(`${JSON.stringify(ciStacks(values.outdir, values.branch || undefined))}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`ci-stacks: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
