import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTerraformCliConfig, terraformEnv } from "../../src/cli/terraform-cli-config";

/**
 * Runs the real Terraform CLI for the validate and end-to-end suites. The CLI config (with the
 * filesystem provider mirror when the machine has one) is written by this set-up, never assumed.
 */
const cliConfigFile = ensureTerraformCliConfig(process.env.PIPEOPS_TF_CLI_CONFIG ?? join(tmpdir(), "pipeops-terraformrc"));

/** The environment every Terraform child of the tests gets. */
export const terraformTestEnv = (extraEnv: NodeJS.ProcessEnv = {}) => terraformEnv(cliConfigFile, extraEnv);

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const withNoColor = (args: string[]) => [...args, ...(args[0] === "version" ? [] : ["-no-color"])];

export function terraform(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): TerraformResult {
  const result = spawnSync("terraform", withNoColor(args), {
    cwd: dir,
    env: terraformEnv(cliConfigFile, extraEnv),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Like terraform(), but throws with Terraform's own output when the command fails. */
export function terraformOk(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  const result = terraform(dir, args, extraEnv);
  if (result.code !== 0) {
    throw new Error(`terraform ${args.join(" ")} failed in ${dir} (exit ${result.code}):\n${result.stderr}\n${result.stdout.slice(-4000)}`);
  }
  return result.stdout;
}

/** Starts a terraform command in the background (e.g. an apply waiting at its prompt). */
export function terraformInBackground(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn("terraform", withNoColor(args), { cwd: dir, env: terraformEnv(cliConfigFile, extraEnv), stdio: ["pipe", "pipe", "pipe"] });
}

/** Like terraform(), without blocking: independent stacks can run side by side. */
export function terraformAsync(dir: string, args: string[]): Promise<TerraformResult> {
  return new Promise((resolve) => {
    const child = terraformInBackground(dir, args);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
