import { join } from "node:path";
import { buildApp } from "../../src/app";
import { PROJECT_ENVIRONMENT_NAMES, REPLICA_WIRING, WAIVERS } from "../../main";
import type { EnvironmentInput } from "../../src/config/types";
import type { DeploymentTarget } from "../../src/target";
import { startTestEmulator } from "./emulator";
import { tempDir } from "./synth";
import { terraform as terraformSync, terraformAsync, type TerraformResult } from "./terraform";
import { recoverStack } from "../../src/recovery/recover";
import { awsApi } from "../../src/cli/aws-api";
import { EMULATOR_ACCOUNT_ID } from "../../src/target";
import { assertEmulatorHoldsState } from "../../src/cli/emulator-duplicates";

/**
 * What a create the SDK retried against the emulator fails with: the object its first attempt made
 * (seen on a loaded machine: EC2 launch templates, NAT gateways' EIPs, KMS aliases; any create can).
 */
const EMULATOR_RETRIED_CREATE = /AlreadyExists|AlreadyAssociated|already exists|\.Duplicate\b/;

/**
 * An end-to-end workspace: a fresh AWS emulator, the app synthesized for it, and Terraform runs
 * (async, so independent stacks can apply side by side) in the synthesized stack folders.
 */
export interface E2eWorkspace {
  readonly endpoint: string;
  readonly target: DeploymentTarget;
  /** Synthesizes the app for these environments into a new folder; returns the stacks folder. */
  synth(environments: readonly EnvironmentInput[]): string;
  terraform(stackDir: string, args: string[]): Promise<TerraformResult>;
  /** init + apply -auto-approve, then the emulator must hold exactly what the state lists; throws with Terraform's output or the duplicates on failure. */
  apply(stackDir: string): Promise<void>;
  stop(): void;
}

export async function startE2eWorkspace(name: string): Promise<E2eWorkspace> {
  const emulator = await startTestEmulator();
  const target: DeploymentTarget = { kind: "local", endpoint: emulator.endpoint };
  const root = tempDir(name);
  let synths = 0;

  const terraform = terraformAsync;

  const ok = async (stackDir: string, args: string[]) => {
    const result = await terraform(stackDir, args);
    if (result.code !== 0) {
      throw new Error(`terraform ${args.join(" ")} failed in ${stackDir}:\n${result.stderr}\n${result.stdout.slice(-3000)}\n(emulator log: ${emulator.logFile})`);
    }
    return result;
  };

  return {
    endpoint: emulator.endpoint,
    target,
    synth(environments) {
      const outdir = join(root, `cdktf.out.${++synths}`);
      buildApp({ environments, waivers: WAIVERS, projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, replicaWiring: REPLICA_WIRING, target, localStateDir: join(root, "state"), outdir }).app.synth();
      return join(outdir, "stacks");
    },
    terraform,
    async apply(stackDir) {
      await ok(stackDir, ["init", "-input=false"]);
      const args = ["apply", "-auto-approve", "-input=false"];
      // The emulator answers a retried SDK invocation once (src/cli/emulator-server.py), so a
      // create no longer runs twice. Fallback, should another cause appear: an apply that fails
      // with "already exists" is recovered as the README says for any partial apply (the code of
      // npm run local:recover), then applied again — at most three times, logged.
      for (let round = 0; ; round++) {
        const result = await terraform(stackDir, args);
        if (result.code === 0) {
          // A duplicate fails here, named with its cause, not later as a read-back assertion.
          assertEmulatorHoldsState(emulator.endpoint, [(await ok(stackDir, ["state", "pull"])).stdout], stackDir, emulator.logFile);
          return;
        }
        const retried = EMULATOR_RETRIED_CREATE.exec(result.stderr);
        if (!retried || round === 3) {
          throw new Error(`terraform ${args.join(" ")} failed in ${stackDir}:\n${result.stderr}\n${result.stdout.slice(-3000)}\n(emulator log: ${emulator.logFile})`);
        }
        console.warn(`${stackDir}: a retried create failed on the emulator (${retried[0]}); recovering and applying again`);
        recoverStack({
          stackDir,
          accountId: EMULATOR_ACCOUNT_ID,
          terraform: (recoverArgs) => terraformSync(stackDir, recoverArgs),
          awsIn: (region) => (service, operation, params) => awsApi(emulator.endpoint, service, region, operation, params),
          log: (line) => console.warn(`  recovery: ${line}`),
        });
      }
    },
    stop: () => emulator.stop(),
  };
}

/** A changed attribute in a plan: resource type, address, attribute, actions. */
export interface PlannedChange {
  readonly type: string;
  readonly address: string;
  readonly actions: readonly string[];
  readonly attributes: readonly string[];
  /** Attributes whose new value is only known after apply. */
  readonly unknown: readonly string[];
  /** Before and after of each changed attribute, for failure messages. */
  readonly diff: Readonly<Record<string, { before: unknown; after: unknown }>>;
}

interface PlanJson {
  resource_changes?: {
    address: string;
    type: string;
    mode: string;
    change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
  }[];
}

/** The managed resources a `terraform show -json` plan would change, with the attributes that differ. */
export function plannedChanges(planJson: string): PlannedChange[] {
  const plan = JSON.parse(planJson) as PlanJson;
  return (plan.resource_changes ?? [])
    .filter((rc) => rc.mode === "managed" && !(rc.change.actions.length === 1 && rc.change.actions[0] === "no-op"))
    .map((rc) => {
      const before = rc.change.before ?? {};
      const after = rc.change.after ?? {};
      const unknown = Object.keys(rc.change.after_unknown ?? {}).filter((k) => rc.change.after_unknown![k] === true);
      const keys = new Set([...Object.keys(before), ...Object.keys(after), ...unknown]);
      const attributes = [...keys].filter((k) => unknown.includes(k) || JSON.stringify(before[k]) !== JSON.stringify(after[k]));
      const diff = Object.fromEntries(attributes.map((k) => [k, { before: before[k], after: unknown.includes(k) ? "(known after apply)" : after[k] }]));
      return { type: rc.type, address: rc.address, actions: rc.change.actions, attributes, unknown, diff };
    });
}
