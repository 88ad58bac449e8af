import { App } from "cdktf";
import type { EnvironmentConfig, EnvironmentInput } from "./config/types";
import { validateEnvironments } from "./config/validate";
import type { DeploymentTarget } from "./target";
import { costTagsStackName, globalStackName, stackNames, zoneStackName } from "./stacks/names";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { CoreStack, type ReplicaWiring } from "./stacks/core-stack";
import { PlatformStack } from "./stacks/platform-stack";
import { GlobalStack } from "./stacks/global-stack";
import { ZoneStack } from "./stacks/zone-stack";
import { CostTagsStack } from "./stacks/cost-tags-stack";
import { enableGuardrails, environmentContext, type Guardrails, type Waiver } from "./guardrails";
import { capCreationStacks } from "./guardrails/cdktf-internals";

export interface BuildAppOptions {
  readonly environments: readonly EnvironmentInput[];
  /** Recorded guardrail exemptions (main.ts passes environments/waivers.ts). @default [] */
  readonly waivers?: readonly Waiver[];
  readonly target: DeploymentTarget;
  /** Folder where bootstrap stacks keep their local state before migration. */
  readonly localStateDir: string;
  /** cdktf output folder; defaults to the CLI's (CDKTF_OUTDIR) or cdktf.out. */
  readonly outdir?: string;
  /**
   * The names of every environment of the project, when the app builds only some of them: waivers
   * must name a stack of one of these. @default the environments built (main.ts builds them all)
   */
  readonly projectEnvironmentNames?: readonly string[];
  /** How a replica environment (DR) is wired to its source; main.ts passes dr/replication.ts. Required when an environment sets `replication`. */
  readonly replicaWiring?: ReplicaWiring;
}

export interface BuiltApp {
  readonly app: App;
  readonly environments: readonly EnvironmentConfig[];
  /** Security checks run by app.synth() before any stack is written (src/guardrails). */
  readonly guardrails: Guardrails;
}

/**
 * Validates every environment config first — a bad config throws ConfigError before any construct
 * exists, so nothing is synthesized — then creates each environment's stacks.
 */
export function buildApp(options: BuildAppOptions): BuiltApp {
  const environments = validateEnvironments(options.environments, (env) => Object.values(stackNames(env.name)), options.target);
  // cdktf records a full, source-mapped stack trace for every token it creates; keep a few plain frames.
  capCreationStacks();
  const app = new App({ outdir: options.outdir });
  const projectEnvironments = options.projectEnvironmentNames ?? environments.map((env) => env.name);
  // The standbys of DNS failover pairs (DR) each have a global stack as well.
  const failoverStandbys = environments.filter((env) => env.replication && env.dns);
  const knownStacks = [
    ...projectEnvironments.flatMap((name) => Object.values(stackNames(name))),
    ...failoverStandbys.flatMap((env) => [zoneStackName(env.name), globalStackName(env.name)]),
    ...environments.filter((env) => env.costs.activateCostAllocationTags).map((env) => costTagsStackName(env.name)),
  ];
  const guardrails = enableGuardrails(app, { waivers: options.waivers ?? [], contextOf: environmentContext, knownStacks });
  const cores = new Map<string, CoreStack>();
  for (const env of environments) {
    const names = stackNames(env.name);
    const props = { env, target: options.target };
    new BootstrapStack(app, names.bootstrap, { ...props, localStateDir: options.localStateDir });
    const replicationSource = environments.find((other) => other.name === env.replication?.sourceEnvironment);
    cores.set(env.name, new CoreStack(app, names.core, { ...props, replicationSource, replicaWiring: options.replicaWiring }));
    new PlatformStack(app, names.platform, props);
    // Applied a day after the first deploy, when the keys are in billing data; nothing waits on it.
    if (env.costs.activateCostAllocationTags) new CostTagsStack(app, costTagsStackName(env.name), props).addDependency(cores.get(env.name)!);
  }
  // A failover pair in one zone (prod and DR): what both regions share, in the standby's state —
  // the zone (delegated before anything waits on it), then the certificates validated through it,
  // which both core stacks look up, so they deploy after it.
  for (const standby of failoverStandbys) {
    const primary = environments.find((env) => env.name === standby.replication!.sourceEnvironment)!;
    const zone = new ZoneStack(app, zoneStackName(standby.name), { env: standby, target: options.target, primary });
    const global = new GlobalStack(app, globalStackName(standby.name), { env: standby, target: options.target, primary });
    global.addDependency(zone);
    for (const env of [primary, standby]) cores.get(env.name)!.addDependency(global);
  }
  return { app, environments, guardrails };
}
