/**
 * The composition root: which environments exist, with which guardrail waivers, built into one
 * cdktf app. `cdktf synth` runs this file (cdktf.json); everything else receives what it needs from
 * here: main.ts → src/app (stacks per environment) → src/stacks → backend/, dr/, modules/.
 */
// First: the dependencies imported below are compiled without decoding their source maps.
import "./src/own-source-maps";
import { join } from "node:path";
import { dev, prod, staging } from "./environments";
import { dr } from "./dr/config";
import { DR_REPLICATION } from "./dr/replication";
import { waivers } from "./environments/waivers";
import { buildApp } from "./src/app";
import type { EnvironmentInput } from "./src/config/types";
import { ConfigError, validateEnvironments } from "./src/config/validate";
import { stackNames } from "./src/stacks/names";
import { refusePlaceholders } from "./src/config/placeholders";
import { GuardrailError, type Waiver } from "./src/guardrails";
import { deploymentTargetFromEnv } from "./src/target";

/** Every environment, in deployment order: dev, staging, prod, then DR (which replicates prod). */
export const ENVIRONMENTS: readonly EnvironmentInput[] = [dev, staging, prod, dr];

/** Their names: a waiver must name a stack of one of them, even in an app built for fewer. */
export const PROJECT_ENVIRONMENT_NAMES: readonly string[] = ENVIRONMENTS.map((env) => env.name);

/** How DR's core stack replicates prod's database (dr/replication.ts), handed to the core stacks. */
export const REPLICA_WIRING = DR_REPLICATION;

/** Recorded exemptions from the guardrails, each with its reason. */
export const WAIVERS: readonly Waiver[] = waivers;

function synthesize(): void {
  try {
    const target = deploymentTargetFromEnv();
    // Documentation names (example.com …) cannot work on AWS: refused before anything exists.
    if (target.kind === "aws") refusePlaceholders(ENVIRONMENTS, () => validateEnvironments(ENVIRONMENTS, (env) => Object.values(stackNames(env.name)), target));
    const { app, guardrails } = buildApp({
      environments: ENVIRONMENTS,
      waivers: WAIVERS,
      target,
      localStateDir: join(__dirname, "state"),
      replicaWiring: REPLICA_WIRING,
    });
    app.synth();
    console.log(guardrails.summary());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof GuardrailError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

if (require.main === module) synthesize();
