import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { awsApi } from "../../src/cli/aws-api";
import { stateBackendNames } from "../../src/stacks/state-location";
import { rehearsalProps } from "../support/ci-rehearsal-app";
import { startTestEmulator } from "../support/emulator";
import { tempDir } from "../support/synth";
import { terraform, terraformTestEnv } from "../support/terraform";

/**
 * The CI workflows rehearsed as GitHub runs them: each job on a fresh runner folder, running the
 * repository's scripts that its `run:` blocks call, on exactly the files the job before it
 * uploaded (the upload steps' `path:` and `if:` are read from the workflow files, and a download
 * with `merge-multiple` puts every artifact's files in one folder). Real Terraform plans against the
 * emulator, of a small app named like the project's stacks (__tests__/support/ci-rehearsal-app.ts):
 * `dev` plans, `dev-platform` waits for dev's core state, `dev-global` fails.
 *
 * - a pull request: synth, the stack list (the platform stack left to the deploy), each plan job
 *   (without refresh, as its role reads no secret value), the comment (from a successful plan, a
 *   failed plan's diagnostics, no plan at all, a failed synth), Infracost's inputs;
 * - drift detection: every stack, its report and issue body, with the failed plans' errors;
 * - a deploy: the stacks in the order of their synthesized dependencies, each plan saved and the
 *   saved plan applied from its artifact, then its outputs; then a pull request's plan of the applied
 *   stack, which does not refresh, next to a drift plan, which does.
 *
 * What it cannot run here: GitHub's own actions (checkout, artifacts, github-script, AWS
 * credentials) and Infracost's API (a stand-in `infracost` records what it is given).
 */

const ROOT = join(__dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const SCRIPTS = ".github/workflows/scripts";
/** What a checkout brings that the scripts use. */
const CHECKOUT = ["package.json", "node_modules", "tsconfig.json", "src", "backend", "modules", "dr", "environments", "main.ts", "__tests__", ".github"];

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string | number | boolean>;
}
const stepsOf = (file: string, job?: string): Step[] => {
  const doc = parse(readFileSync(join(ROOT, file), "utf8")) as { jobs?: Record<string, { steps: Step[] }>; runs?: { steps: Step[] } };
  return job ? doc.jobs![job]!.steps : doc.runs!.steps;
};
const uploadsOf = (steps: Step[]) => steps.filter((s) => s.uses?.startsWith("actions/upload-artifact@"));
const scriptStep = (steps: Step[], script: string) => {
  const step = steps.find((s) => s.run?.includes(`${SCRIPTS}/${script}`));
  if (!step) throw new Error(`no step runs ${script}`);
  return step;
};

/** Whether GitHub runs a step after the steps before it failed (its `if:`; no `if:` means success()). */
const runsAfterFailure = (step: Step) => /!cancelled\(\)|always\(\)|failure\(\)/.test(step.if ?? "");

interface ScriptResult {
  readonly status: number | null;
  readonly outputs: Record<string, string>;
  readonly log: string;
}

/** A fresh runner folder with a checkout of the repository. */
function runner(name: string) {
  const dir = tempDir(`ci-${name}`);
  for (const entry of CHECKOUT) symlinkSync(join(ROOT, entry), join(dir, entry));
  const temp = join(dir, ".runner-temp");
  mkdirSync(temp);
  const output = join(temp, "github-output");
  const summary = join(temp, "step-summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  return {
    dir,
    temp,
    /**
     * Runs a CI script as a `run:` block does (bash, from the checkout's root); resolves to its exit
     * code, output and step outputs. Jobs of one matrix run side by side, as on GitHub.
     */
    run(script: string, env: Record<string, string> = {}, args: string[] = []): Promise<ScriptResult> {
      writeFileSync(output, "");
      const child = spawn("bash", [join(SCRIPTS, script), ...args], {
        cwd: dir,
        env: terraformTestEnv({ ...CACHE_ENV, ...env, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "pipeops/infrastructure", GITHUB_RUN_ID: "42", PATH: `${join(temp, "bin")}:${process.env.PATH}` }),
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      return new Promise((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (status) => {
          const outputs = Object.fromEntries(readFileSync(output, "utf8").split("\n").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
          resolve({ status, outputs, log: `${stdout}\n${stderr}` });
        });
      });
    },
    /**
     * The files an upload step takes from this runner, when GitHub runs it (`failed`: a step before
     * it failed), into an artifact folder; `vars` fills the step's `${{ … }}` expressions.
     */
    upload(step: Step, failed: boolean, vars: Record<string, string>): string | undefined {
      if (failed && !runsAfterFailure(step)) return undefined;
      const fill = (text: string) => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, key: string) => (key === "runner.temp" ? temp : (vars[key] ?? `<${key}>`)));
      const artifact = tempDir(`artifact-${fill(String(step.with!.name))}`);
      for (const path of String(step.with!.path).split("\n").map((p) => p.trim()).filter(Boolean).map(fill)) {
        const source = path.startsWith("/") ? path : join(dir, path);
        // A folder is uploaded as its contents; files as themselves (their common folder is the root).
        if (existsSync(source)) cpSync(source, statSync(source).isDirectory() ? artifact : join(artifact, basename(source)), { recursive: true });
      }
      return artifact;
    },
    /** download-artifact into `path`: every artifact's files merged into one folder (`merge-multiple: true`). */
    download(artifacts: readonly (string | undefined)[], path: string) {
      const into = join(dir, path);
      mkdirSync(into, { recursive: true });
      for (const artifact of artifacts) if (artifact) for (const file of readdirSync(artifact)) cpSync(join(artifact, file), join(into, file), { recursive: true });
    },
    read: (file: string) => readFileSync(join(dir, file), "utf8"),
    summary: () => readFileSync(summary, "utf8"),
  };
}
let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
let synthEnv: Record<string, string>;
/** cdktf.out of the synth job, shared by the three workflows (they synthesize the same commit). */
let synthesized: string;
/**
 * One provider cache for every runner folder: `terraform init` links the 700 MB AWS provider
 * instead of copying it into each stack (GitHub's runners install it once per job). Terraform uses
 * a cached provider for a folder without a lock file only when allowed to
 * (TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE); otherwise it installs it again, and the plan
 * jobs of a matrix, initialising side by side, collide in the cache.
 */
const pluginCache = tempDir("ci-plugin-cache");
const CACHE_ENV = { TF_PLUGIN_CACHE_DIR: pluginCache, TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: "true" };
const started = Date.now();

beforeAll(async () => {
  emulator = await startTestEmulator();
  const { env, target } = rehearsalProps(emulator.endpoint);
  // The environment's state bucket, which its bootstrap stack makes.
  const names = stateBackendNames(env, target);
  awsApi(emulator.endpoint, "s3", names.region, "create_bucket", { Bucket: names.bucket, CreateBucketConfiguration: { LocationConstraint: names.region } });
  synthEnv = { CI_REHEARSAL_ENDPOINT: emulator.endpoint, SYNTH_COMMAND: "npx tsx __tests__/support/ci-rehearsal-app.ts" };
  const job = runner("synth");
  const synth = await job.run("synth.sh", synthEnv);
  if (synth.status !== 0) throw new Error(`synth.sh failed:\n${synth.log}`);
  synthesized = join(job.dir, "cdktf.out");
  // Fill the provider cache once, before the plan jobs of a matrix initialise side by side.
  const warm = tempDir("ci-warm-cache");
  cpSync(join(synthesized, "stacks", "dev", "cdk.tf.json"), join(warm, "cdk.tf.json"));
  const init = terraform(warm, ["init", "-backend=false", "-input=false"], CACHE_ENV);
  if (init.code !== 0) throw new Error(`warming the provider cache failed:\n${init.stderr}`);
});

afterAll(() => {
  emulator?.stop();
  console.log(`CI rehearsal: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** The rest of the synth job: list-stacks.sh on the synthesized stacks; and the cdktf-out artifact. */
async function synthJob(branch?: string) {
  const job = runner("list");
  cpSync(synthesized, join(job.dir, "cdktf.out"), { recursive: true });
  const list = await job.run("list-stacks.sh", {}, branch ? [branch] : []);
  expect(list.status, list.log).toBe(0);
  return { job, outputs: list.outputs, cdktfOut: join(job.dir, "cdktf.out") };
}

/** One plan job on a fresh runner with the synthesized stacks: plan-stack.sh with the step's env. */
async function planJob(cdktfOut: string, stack: string, env: Record<string, string>) {
  const job = runner(`plan-${stack}`);
  cpSync(cdktfOut, join(job.dir, "cdktf.out"), { recursive: true });
  const result = await job.run("plan-stack.sh", { ...env, STACK: stack });
  return { job, result };
}

describe("a pull request, rehearsed", () => {
  const action = stepsOf(".github/actions/plan-pull-request/action.yml");
  const planEnv = (stack: string) => Object.fromEntries(Object.entries(scriptStep(action, "plan-stack.sh").env ?? {}).map(([k, v]) => [k, String(v).replace("${{ inputs.stack }}", stack)]));
  let artifacts: (string | undefined)[] = [];
  let names = "";
  const results = new Map<string, ScriptResult>();

  let deferred = "";

  it("synth lists the stacks merging into develop would deploy, each after the stacks it reads; the platform stack is planned at deploy", async () => {
    const { outputs, cdktfOut } = await synthJob("develop");
    names = outputs.open_names!;
    deferred = outputs.deferred!;
    expect(names.split(",")).toEqual(["dev-global", "dev"]);
    expect(deferred).toBe("dev-platform");
    expect(outputs.names!.split(",")).toEqual(["dev-global", "dev", "dev-platform"]);
    expect(planEnv("dev")).toMatchObject({ PLAN_REFRESH: "false" });
    // Each plan job of the matrix, with the composite action's own step env, then its upload.
    const jobs = await Promise.all((JSON.parse(outputs.open!) as { stack: string }[]).map(async ({ stack }) => ({ stack, ...(await planJob(cdktfOut, stack, planEnv(stack))) })));
    for (const { stack, job, result } of jobs) {
      results.set(stack, result);
      for (const upload of uploadsOf(action)) artifacts.push(job.upload(upload, result.status !== 0, { "inputs.stack": stack }));
    }
  });

  it("plans: the core stack plans, a broken stack fails its check", () => {
    expect(results.get("dev")!.status, results.get("dev")!.log).toBe(0);
    expect(results.get("dev")!.outputs.changes).toBe("true");
    expect(results.get("dev-global")!.status).not.toBe(0);
    expect(results.has("dev-platform")).toBe(false);
  });

  it("comments from exactly the uploaded files: the plan and the failed stack's error, and names the platform stack planned at deploy", async () => {
    const job = runner("comment");
    job.download(artifacts, "plans");
    // What the plan jobs uploaded: a plan and diagnostics beside it; only diagnostics where the plan failed.
    expect(readdirSync(join(job.dir, "plans")).sort()).toEqual(["dev-global.diagnostics.json", "dev.diagnostics.json", "dev.json"]);
    const result = await job.run("plan-comment.sh", { SYNTH_RESULT: "success", STACKS: names, DEFERRED: deferred, BASE_REF: "develop", HEAD_SHA: "0123456789abcdef", RUN_URL: "https://github.com/pipeops/infrastructure/actions/runs/42" });
    expect(result.status, result.log).toBe(0);
    const comment = job.read("comment.md");
    expect(comment.split("\n", 1)[0]).toBe("<!-- pipeops:terraform-plan -->");
    expect(comment).toContain("### `dev`: 1 to add");
    expect(comment).toContain("> Not planned on pull requests: `dev-platform`.");
    expect(comment).not.toContain("### `dev-platform`");
    expect(comment).toMatch(/> \[!WARNING\]\n> 1 stack has no plan: `dev-global`\./);
    expect(comment).toContain("### `dev-global`: no plan");
    expect(comment).toContain("pipeops-ci-rehearsal-nobody-made-this");
    expect(job.summary()).toContain(comment);
  });

  it("comments when no plan job left anything (every plan job failed or was cancelled)", async () => {
    const job = runner("comment-empty");
    mkdirSync(join(job.dir, "plans"));
    const result = await job.run("plan-comment.sh", { SYNTH_RESULT: "success", STACKS: names, BASE_REF: "develop", HEAD_SHA: "0123456789abcdef", RUN_URL: "https://github.com/x" });
    expect(result.status, result.log).toBe(0);
    expect(job.read("comment.md")).toContain("2 stacks have no plan: `dev`, `dev-global`.");
  });

  it("comments with the synth error, secrets removed, when synth failed", async () => {
    const synth = runner("synth-failed");
    const failed = await synth.run("synth.sh", { SYNTH_COMMAND: "node -e console.error('Cannot_find_module_x;password=hunter2');process.exit(3)" });
    expect(failed.status).toBe(3);
    const comment = runner("comment-synth-failed");
    comment.download([synth.upload(stepsOf(".github/workflows/pull-request.yml", "synth").find((s) => s.with?.name === "synth-error")!, true, {})], "synth-error");
    const result = await comment.run("plan-comment.sh", { SYNTH_RESULT: "failure", STACKS: "", BASE_REF: "develop", HEAD_SHA: "0123456789abcdef", RUN_URL: "https://github.com/x" });
    expect(result.status, result.log).toBe(0);
    const text = comment.read("comment.md");
    expect(text).toContain("Cannot_find_module_x");
    expect(text).not.toContain("hunter2");
  });

  it("gives Infracost only the plans, never their diagnostics", async () => {
    const job = runner("infracost");
    job.download(artifacts, "plans");
    mkdirSync(join(job.temp, "bin"));
    // A stand-in for the Infracost CLI: records its arguments, refuses a --path that is not a plan.
    writeFileSync(join(job.temp, "bin", "infracost"), `#!/usr/bin/env bash\necho "$*" >> "${job.temp}/infracost-calls"\nif [ "$1" = diff ]; then jq -e '.format_version and (.resource_changes | type == "array")' "$3" > /dev/null || { echo "not a plan: $3" >&2; exit 1; }; fi\n`);
    chmodSync(join(job.temp, "bin", "infracost"), 0o755);
    const result = await job.run("infracost.sh", { GITHUB_TOKEN: "t", PULL_REQUEST: "7" });
    expect(result.status, result.log).toBe(0);
    const calls = readFileSync(join(job.temp, "infracost-calls"), "utf8").trim().split("\n");
    expect(calls).toEqual(["diff --path plans/dev.json --format json --out-file infracost/dev.json", 'comment github --path infracost/*.json --repo pipeops/infrastructure --github-token t --pull-request 7 --behavior update']);
  });
});

describe("drift detection, rehearsed", () => {
  it("reports the drifted stack and why the others could not be checked, from what the detect jobs uploaded", async () => {
    const { outputs, cdktfOut } = await synthJob();
    const detect = parse(readFileSync(join(WORKFLOWS, "drift.yml"), "utf8")).jobs.detect as { env: Record<string, string>; steps: Step[] };
    const artifacts: (string | undefined)[] = [];
    const envOf = (stack: string) => Object.fromEntries(Object.entries(detect.env).map(([k, v]) => [k, String(v).replace("${{ matrix.stack }}", stack)]));
    const jobs = await Promise.all((JSON.parse(outputs.matrix!) as { stack: string }[]).map(async ({ stack }) => ({ stack, ...(await planJob(cdktfOut, stack, envOf(stack))) })));
    for (const { stack, job, result } of jobs) {
      for (const upload of uploadsOf(detect.steps)) artifacts.push(job.upload(upload, result.status !== 0, { "matrix.stack": stack }));
    }
    const report = runner("drift-report");
    report.download(artifacts, "plans");
    const result = await report.run("drift-report.sh", { STACKS: outputs.names!, RUN_URL: "https://github.com/x" });
    expect(result.status, result.log).toBe(0);
    expect(result.outputs.open).toBe("true");
    const issue = report.read("issue.md");
    expect(issue.split("\n", 1)[0]).toBe("<!-- pipeops:drift-detection -->");
    expect(issue).toContain("Stacks whose infrastructure differs from their branch: `dev`.");
    expect(issue).toContain("Stacks that could not be checked (their plan failed; Terraform's errors are below): `dev-global`, `dev-platform`.");
    // The errors themselves: only there when the failed plans' diagnostics were uploaded.
    expect(issue).toContain("pipeops-ci-rehearsal-nobody-made-this");
    expect(issue).toContain("waiting for dev");
  });
});

describe("a deploy, rehearsed", () => {
  /** The synth job's cdktf.out of the deploy, which the pull request's plan below reuses. */
  let deployed = "";

  it("plans and applies dev, then dev-platform, in the order of their synthesized dependencies, from the saved plans, and saves their outputs", async () => {
    const { outputs, cdktfOut } = await synthJob("develop");
    deployed = cdktfOut;
    const order = (JSON.parse(outputs.matrix!) as { stack: string }[]).map((s) => s.stack);
    expect(order.indexOf("dev")).toBeLessThan(order.indexOf("dev-platform"));
    const plan = stepsOf(".github/workflows/deploy-stack.yml", "plan");
    const apply = stepsOf(".github/workflows/deploy-stack.yml", "apply");
    const saved: Record<string, Record<string, unknown>> = {};
    for (const stack of ["dev", "dev-platform"]) {
      // The plan job (a fresh synth of the same commit), its tfplan artifact, the apply job.
      const { job, result } = await planJob(cdktfOut, stack, {});
      expect(result.status, result.log).toBe(0);
      expect(result.outputs.changes, stack).toBe("true");
      const artifact = job.upload(uploadsOf(plan).find((s) => String(s.with?.name).startsWith("tfplan-"))!, false, { "inputs.stack": stack });
      const applier = runner(`apply-${stack}`);
      applier.download([artifact], "stack");
      const applied = await applier.run("apply-plan.sh", { STACK: stack }, ["stack"]);
      expect(applied.status, applied.log).toBe(0);
      expect(apply.some((s) => s.run?.includes(`${SCRIPTS}/apply-plan.sh stack`))).toBe(true);
      saved[stack] = JSON.parse(applier.read(`outputs-${stack}.json`)) as Record<string, unknown>;
      expect(applier.summary()).toContain(`### Outputs of ${stack}`);
    }
    expect(saved.dev!.cluster_name).toBe("/pipeops/ci-rehearsal/dev");
    // The platform stack read dev's state, now applied: no longer waiting.
    expect(saved["dev-platform"]!.cluster_name).toBe("/pipeops/ci-rehearsal/dev");
  });

  it("after the apply, a pull request's plan does not refresh (its role reads no secret value); drift detection's does", async () => {
    const { env } = rehearsalProps(emulator.endpoint);
    // Someone deletes the applied log group outside Terraform.
    awsApi(emulator.endpoint, "logs", env.region, "delete_log_group", { logGroupName: "/pipeops/ci-rehearsal/dev" });
    const action = stepsOf(".github/actions/plan-pull-request/action.yml");
    const detect = parse(readFileSync(join(WORKFLOWS, "drift.yml"), "utf8")).jobs.detect as { env: Record<string, string> };
    // Side by side, as two workflows' jobs would run: the pull request's takes the lock, drift detection never does.
    const [pullRequest, drift] = await Promise.all([
      planJob(deployed, "dev", { ...(scriptStep(action, "plan-stack.sh").env ?? {}), STACK: "dev" }),
      planJob(deployed, "dev", { ...detect.env, STACK: "dev" }),
    ]);
    expect(pullRequest.result.status, pullRequest.result.log).toBe(0);
    expect(pullRequest.result.outputs.changes).toBe("false");
    expect(drift.result.status, drift.result.log).toBe(0);
    expect(drift.result.outputs.changes).toBe("true");
  });
});
