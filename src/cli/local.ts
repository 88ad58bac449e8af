import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { EMULATOR_ACCOUNT_ID } from "../target";
import { awsApi } from "./aws-api";
import { initForEndpoint, LocalCheckout } from "./local-checkout";
import { ensureTerraformCliConfig, terraformEnv } from "./terraform-cli-config";
import { stackNames } from "../stacks/names";
import { environmentOf } from "../plan-comment/ci-stacks";
import { recoverStack } from "../recovery/recover";
import { assertEmulatorHoldsState } from "./emulator-duplicates";

/**
 * npm run local:up | local:down | local:deploy [env…] | local:recover <stack>
 *
 * up       start the AWS emulator on a free loopback port (recorded in .local/emulator.json); a
 *          restart takes the port this checkout used last (.local/emulator-port) when it is free
 * down     stop it
 * deploy   start it if needed, then `cdktf deploy` each environment's bootstrap stack and its core
 *          stack against it (default: dev), each after the stacks it depends on (prod and dr: DR's
 *          bootstrap, zone and global stacks; no delegation check, the emulator has no public DNS),
 *          check that the emulator holds exactly what their states list (src/cli/emulator-duplicates.ts),
 *          and print the outputs; a stack folder initialised for an earlier endpoint is re-initialised first
 * recover  after a killed deploy of <stack>: release its stale lock, push errored.tfstate, import
 *          what the killed apply created outside the state (src/recovery/recover.ts)
 */

const root = process.cwd();
const localDir = join(root, ".local");
const checkout = new LocalCheckout(localDir);
const print = (line: string) => console.log(line);

function cdktf(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync("npx", ["cdktf", ...args], { stdio: "inherit", env });
  if (result.status !== 0) {
    throw new Error(`cdktf ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  }
}

function localEnv(endpoint: string): NodeJS.ProcessEnv {
  const cliConfig = ensureTerraformCliConfig(join(localDir, "terraformrc"));
  return terraformEnv(cliConfig, { PIPEOPS_TARGET: "local", PIPEOPS_LOCAL_ENDPOINT: endpoint });
}

const stackDirOf = (stack: string) => join(root, "cdktf.out", "stacks", stack);

function terraformOutput(stackDir: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync("terraform", args, { cwd: stackDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${stackDir}:\n${result.stderr}`);
  return result.stdout;
}

/** Runs a step and prints how long it took (the README gives these figures). */
function timed<T>(what: string, step: () => T): T {
  const started = Date.now();
  const result = step();
  print(`${what}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return result;
}

async function deploy(environments: string[]): Promise<void> {
  const started = Date.now();
  const emulator = await checkout.up(print);
  const env = localEnv(emulator.endpoint);
  const outputsFile = join(localDir, "outputs.json");
  timed("synth", () => cdktf(["synth"], env));
  const manifest = JSON.parse(readFileSync(join(root, "cdktf.out", "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies?: string[] }> };
  const deployed = new Set<string>();
  const deployStack = (stack: string) => {
    if (deployed.has(stack)) return;
    // What a stack depends on goes first (prod and DR's core stacks: DR's global stack, in DR's backend).
    for (const dependency of manifest.stacks[stack]?.dependencies ?? []) {
      const owner = environmentOf(dependency);
      if (owner) deployStack(stackNames(owner.environment).bootstrap);
      deployStack(dependency);
    }
    if (initForEndpoint(stackDirOf(stack), emulator.endpoint, env)) print(`${stack}: re-initialised for the emulator at ${emulator.endpoint}`);
    // Its dependencies were deployed just above, so cdktf's check that they are in the same run (it
    // refuses `deploy prod` without dr-global otherwise) is skipped.
    timed(`deploy ${stack}`, () => cdktf(["deploy", stack, "--ignore-missing-stack-dependencies", "--auto-approve", "--skip-synth", "--skip-provider-lock", "--outputs-file", outputsFile], env));
    deployed.add(stack);
  };
  for (const environment of environments) {
    const names = stackNames(environment);
    // The bootstrap must exist before the core stack's `terraform init` can reach its bucket.
    for (const stack of [names.bootstrap, names.core]) deployStack(stack);
  }
  timed("check: the emulator holds exactly what the states list (no duplicates)", () => {
    const states = [...deployed].map((stack) => terraformOutput(stackDirOf(stack), ["state", "pull"], env));
    assertEmulatorHoldsState(emulator.endpoint, states, [...deployed].join(", "), checkout.logFile);
  });
  print(`\nOutputs (${outputsFile}):`);
  print(readFileSync(outputsFile, "utf8"));
  print(`local:deploy of ${[...deployed].join(", ")}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function recover(stack: string | undefined): Promise<void> {
  const emulator = checkout.running();
  if (!emulator) throw new Error("no AWS emulator is running. Fix: a restarted emulator starts empty, so there is nothing to recover; run `npm run local:deploy`.");
  if (!stack || !existsSync(join(stackDirOf(stack), "cdk.tf.json"))) {
    throw new Error(`recover needs the name of a synthesized stack (got ${JSON.stringify(stack)}). Fix: npm run local:recover -- <stack>, e.g. dev.`);
  }
  const env = localEnv(emulator.endpoint);
  const stackDir = stackDirOf(stack);
  const report = recoverStack({
    stackDir,
    accountId: EMULATOR_ACCOUNT_ID,
    terraform: (args) => {
      const result = spawnSync("terraform", args, { cwd: stackDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    },
    awsIn: (region) => (service, operation, params) => awsApi(emulator.endpoint, service, region, operation, params),
    log: print,
  });
  print(JSON.stringify(report, null, 2));
  print(`Next: npm run local:deploy (it creates the ${report.toCreate.length} resource(s) still missing).`);
}

async function main(): Promise<void> {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  switch (command) {
    case "up":
      await checkout.up(print);
      return;
    case "down":
      await checkout.down(print);
      return;
    case "recover":
      await recover(rest[0]);
      return;
    case "deploy":
      await deploy(rest.length > 0 ? rest : ["dev"]);
      return;
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}. Use: up | down | deploy [env…] | recover <stack>`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
