import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRunning, startEmulator, stopEmulator, type RunningEmulator } from "./emulator";

/**
 * The local emulator of one checkout, recorded in its `.local` folder: the running emulator
 * (emulator.json) and the port it used last (emulator-port, kept when it stops). A restart takes
 * that port again when it is free, so the stacks' endpoints and backend settings stay the same;
 * when it is not, `initForEndpoint` re-initialises each stack for the new endpoint.
 */
export class LocalCheckout {
  readonly stateFile: string;
  readonly portFile: string;
  readonly logFile: string;

  constructor(readonly localDir: string) {
    this.stateFile = join(localDir, "emulator.json");
    this.portFile = join(localDir, "emulator-port");
    this.logFile = join(localDir, "emulator.log");
  }

  running(): RunningEmulator | undefined {
    if (!existsSync(this.stateFile)) return undefined;
    const recorded = JSON.parse(readFileSync(this.stateFile, "utf8")) as RunningEmulator;
    return isRunning(recorded.pid) ? recorded : undefined;
  }

  lastPort(): number | undefined {
    if (!existsSync(this.portFile)) return undefined;
    const port = Number(readFileSync(this.portFile, "utf8").trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  }

  /** The running emulator, or a new one (on the last port when free). */
  async up(log: (line: string) => void = () => undefined): Promise<RunningEmulator> {
    const existing = this.running();
    if (existing) {
      log(`AWS emulator already running at ${existing.endpoint} (pid ${existing.pid})`);
      return existing;
    }
    mkdirSync(this.localDir, { recursive: true });
    const emulator = await startEmulator({ logFile: openSync(this.logFile, "a"), preferredPort: this.lastPort() });
    writeFileSync(this.stateFile, JSON.stringify(emulator, null, 2));
    writeFileSync(this.portFile, `${new URL(emulator.endpoint).port}\n`);
    log(`AWS emulator running at ${emulator.endpoint} (pid ${emulator.pid}); stop it with \`npm run local:down\``);
    return emulator;
  }

  /** Stops the emulator and returns once its process is gone, so its port is free again. */
  async down(log: (line: string) => void = () => undefined): Promise<void> {
    const emulator = this.running();
    if (emulator) {
      stopEmulator(emulator.pid);
      const deadline = Date.now() + 15_000;
      while (isRunning(emulator.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (isRunning(emulator.pid)) throw new Error(`the AWS emulator (pid ${emulator.pid}) did not stop within 15 s. Fix: kill it (kill ${emulator.pid}), then run this again.`);
      log(`stopped the AWS emulator at ${emulator.endpoint}`);
    } else {
      log("no AWS emulator is running");
    }
    rmSync(this.stateFile, { force: true });
  }
}

/**
 * Before a deploy: a stack folder initialised for another emulator endpoint (the emulator restarted
 * on a new port) is re-initialised with `-reconfigure`. Plain `terraform init`, which cdktf runs,
 * stops there with "Backend configuration changed"; the new emulator starts empty, so there is no
 * state to migrate. Returns whether it re-initialised.
 */
export function initForEndpoint(stackDir: string, endpoint: string, env: NodeJS.ProcessEnv): boolean {
  const backendCache = join(stackDir, ".terraform", "terraform.tfstate");
  if (!existsSync(backendCache) || readFileSync(backendCache, "utf8").includes(endpoint)) return false;
  const result = spawnSync("terraform", ["init", "-reconfigure", "-input=false", "-no-color"], { cwd: stackDir, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`terraform init -reconfigure failed in ${stackDir}:\n${result.stderr}`);
  return true;
}
