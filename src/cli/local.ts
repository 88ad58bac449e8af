import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LOCAL_EMULATOR_STATE_FILE } from "../target";
import { isRunning, startEmulator, stopEmulator, type RunningEmulator } from "./emulator";
import { ensureTerraformCliConfig, terraformEnv } from "./terraform-cli-config";
import { stackNames } from "../stacks/names";

/**
 * npm run local:up | local:down | local:deploy [env…]
 *
 * up      start the AWS emulator on a free loopback port (recorded in .local/emulator.json); a
 *         restart takes the port this checkout used last (.local/emulator-port) when it is free,
 *         so the stacks' endpoints and backend settings stay the same and `terraform init` needs
 *         no -reconfigure
 * down    stop it
 * deploy  start it if needed, then `cdktf deploy` each environment's bootstrap stack and its core
 *         stack against it (default: dev), and print the outputs
 */

const root = process.cwd();
const localDir = join(root, ".local");
const stateFile = join(root, LOCAL_EMULATOR_STATE_FILE);
/** The port this checkout's emulator used last; kept when the emulator stops. */
const portFile = join(localDir, "emulator-port");

function lastPort(): number | undefined {
  if (!existsSync(portFile)) return undefined;
  const port = Number(readFileSync(portFile, "utf8").trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

function runningEmulator(): RunningEmulator | undefined {
  if (!existsSync(stateFile)) return undefined;
  const recorded = JSON.parse(readFileSync(stateFile, "utf8")) as RunningEmulator;
  return isRunning(recorded.pid) ? recorded : undefined;
}

async function up(): Promise<RunningEmulator> {
  const existing = runningEmulator();
  if (existing) {
    console.log(`AWS emulator already running at ${existing.endpoint} (pid ${existing.pid})`);
    return existing;
  }
  mkdirSync(localDir, { recursive: true });
  const emulator = await startEmulator({ logFile: openSync(join(localDir, "emulator.log"), "a"), preferredPort: lastPort() });
  writeFileSync(stateFile, JSON.stringify(emulator, null, 2));
  writeFileSync(portFile, `${new URL(emulator.endpoint).port}\n`);
  console.log(`AWS emulator running at ${emulator.endpoint} (pid ${emulator.pid}); stop it with \`npm run local:down\``);
  return emulator;
}

function down(): void {
  const emulator = runningEmulator();
  if (emulator) {
    stopEmulator(emulator.pid);
    console.log(`stopped the AWS emulator at ${emulator.endpoint}`);
  } else {
    console.log("no AWS emulator is running");
  }
  rmSync(stateFile, { force: true });
}

function cdktf(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync("npx", ["cdktf", ...args], { stdio: "inherit", env });
  if (result.status !== 0) {
    throw new Error(`cdktf ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  }
}

async function deploy(environments: string[]): Promise<void> {
  const emulator = await up();
  const cliConfig = ensureTerraformCliConfig(join(localDir, "terraformrc"));
  const env = terraformEnv(cliConfig, { PIPEOPS_TARGET: "local", PIPEOPS_LOCAL_ENDPOINT: emulator.endpoint });
  const outputsFile = join(localDir, "outputs.json");
  cdktf(["synth"], env);
  for (const environment of environments) {
    const names = stackNames(environment);
    // The bootstrap must exist before the core stack's `terraform init` can reach its bucket.
    for (const stack of [names.bootstrap, names.core]) {
      // Four concurrent operations keep the emulator's threaded bookkeeping consistent.
      cdktf(["deploy", stack, "--auto-approve", "--skip-synth", "--skip-provider-lock", "--terraform-parallelism", "4", "--outputs-file", outputsFile], env);
    }
  }
  console.log(`\nOutputs (${outputsFile}):`);
  console.log(readFileSync(outputsFile, "utf8"));
}

async function main(): Promise<void> {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  switch (command) {
    case "up":
      await up();
      return;
    case "down":
      down();
      return;
    case "deploy":
      await deploy(rest.length > 0 ? rest : ["dev"]);
      return;
    default:
      throw new Error(`unknown command ${JSON.stringify(command)}. Use: up | down | deploy [env…]`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
