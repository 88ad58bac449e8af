import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ciStacks, environmentOf, planRoleSecretOf } from "../../src/plan-comment/ci-stacks";
import { writtenSharedApp } from "../support/synth";

/**
 * The GitHub Actions workflows: actionlint finds nothing, every third-party action is pinned to a
 * full commit SHA, every job states its permissions, and the deploy workflow matches the
 * environments' branches, GitHub environments and plan-role secrets.
 *
 * The YAML is read line by line: the workflows are written in block style (two-space indents), so
 * a job is a `  <id>:` line under `jobs:` and its keys are the four-space lines below it.
 */

const WORKFLOWS = join(__dirname, "..", "..", ".github", "workflows");
const SCRIPTS = join(WORKFLOWS, "scripts");
const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith(".sh")).sort();
const readScript = (name: string) => readFileSync(join(SCRIPTS, name), "utf8");
const ACTIONS = join(__dirname, "..", "..", ".github", "actions");
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name)).sort();
const read = (name: string) => readFileSync(join(WORKFLOWS, name), "utf8");
/** The repository's own composite actions (`uses: ./.github/actions/<name>`), by name. */
const localActions = readdirSync(ACTIONS).sort();
const readAction = (name: string) => readFileSync(join(ACTIONS, name, "action.yml"), "utf8");
/** A workflow's text with the text of every local action it uses appended. */
const withLocalActions = (text: string) =>
  [text, ...[...text.matchAll(/uses: \.\/\.github\/actions\/([A-Za-z0-9_-]+)/g)].map((m) => readAction(m[1]!))].join("\n");

interface Job {
  readonly id: string;
  readonly lines: string[];
}

function jobsOf(text: string): Job[] {
  const lines = text.split("\n");
  const start = lines.indexOf("jobs:");
  if (start < 0) throw new Error("no jobs: section");
  const jobs: Job[] = [];
  for (const line of lines.slice(start + 1)) {
    const header = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (header) jobs.push({ id: header[1]!, lines: [] });
    else if (/^\S/.test(line)) break;
    else jobs.at(-1)?.lines.push(line);
  }
  return jobs;
}

/** The value of a four-space key of a job (`    if: …`), or undefined. */
function keyOf(job: Job, key: string): string | undefined {
  const line = job.lines.find((l) => l.startsWith(`    ${key}:`));
  return line?.slice(`    ${key}:`.length).trim();
}

/** The lines of a four-space block key of a job (`    permissions:` and what is indented under it). */
function blockOf(job: Job, key: string): string[] {
  const start = job.lines.findIndex((l) => l === `    ${key}:`);
  if (start < 0) return [];
  const block: string[] = [];
  for (const line of job.lines.slice(start + 1)) {
    if (!/^ {6}\S/.test(line)) break;
    block.push(line.trim());
  }
  return block;
}

describe("workflow files", () => {
  it("are the pull-request, deploy (and its one-stack reusable workflow), drift-detection and versions-check workflows", () => {
    expect(files).toEqual(["deploy-stack.yml", "deploy.yml", "drift.yml", "pull-request.yml", "versions.yml"]);
  });

  it.each([...files, ...localActions.map((a) => `../actions/${a}/action.yml`)])("%s: pins every action to a full commit SHA, its version in a comment", (name) => {
    const uses = read(name)
      .split("\n")
      .map((line) => /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null);
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      if (ref!.startsWith("./")) continue;
      expect(ref, `${name}: ${ref}`).toMatch(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/);
      expect(rest!.trim(), `${name}: ${ref}`).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });

  it("use one SHA per action across all workflows", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of [...files, ...localActions.map((a) => `../actions/${a}/action.yml`)]) {
      for (const match of read(file).matchAll(/uses:\s*([^@\s]+)@([0-9a-f]{40})/g)) {
        pins.set(match[1]!, (pins.get(match[1]!) ?? new Set()).add(match[2]!));
      }
    }
    for (const [action, shas] of pins) expect([...shas], action).toHaveLength(1);
  });

  it.each(files)("%s: reads only by default, and every job states its own permissions", (name) => {
    const text = read(name);
    expect(text).toMatch(/^permissions:\n {2}contents: read\n(?! )/m);
    expect(text).not.toMatch(/write-all|read-all/);
    for (const job of jobsOf(text)) {
      const permissions = blockOf(job, "permissions");
      expect(permissions.length, `${name}: job ${job.id} has no permissions block`).toBeGreaterThan(0);
      for (const permission of permissions) expect(permission, `${name}: ${job.id}`).toMatch(/^[a-z-]+: (read|write|none)$/);
    }
  });

  it.each(files)("%s: gives id-token: write only to jobs that assume an AWS role", (name) => {
    for (const job of jobsOf(read(name))) {
      // A job calling a reusable workflow grants what the called jobs use.
      const called = keyOf(job, "uses")?.replace(/^\.\/\.github\/workflows\//, "");
      const lines = called ? read(called).split("\n") : withLocalActions(job.lines.join("\n")).split("\n");
      const assumesRole = lines.some((line) => line.includes("aws-actions/configure-aws-credentials@"));
      expect(blockOf(job, "permissions").includes("id-token: write"), `${name}: ${job.id}`).toBe(assumesRole);
    }
  });

  it.each(files)("%s: runs Terraform 1.11.4 and Node 20, with a time limit on every job", (name) => {
    const text = read(name);
    expect(text).toContain('TERRAFORM_VERSION: "1.11.4"');
    expect(text).toContain('NODE_VERSION: "20"');
    // A job that calls a reusable workflow takes no timeout of its own: the called jobs have theirs.
    for (const job of jobsOf(text).filter((j) => keyOf(j, "uses") === undefined)) expect(keyOf(job, "timeout-minutes"), `${name}: ${job.id}`).toMatch(/^\d+$/);
  });
});

describe("the repository's own composite actions", () => {
  // The WebAssembly actionlint lints each workflow file alone and does not read local actions'
  // metadata, so the inputs the workflows pass them are checked here.
  const calls = files.flatMap((file) => {
    const workflow = parse(read(file)) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
    return Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
      steps.filter((step) => step.uses?.startsWith("./.github/actions/")).map((step) => ({ where: `${file} ${job}`, action: step.uses!.split("/").pop()!, inputs: Object.keys(step.with ?? {}) })),
    );
  });

  it("are each used, with only the inputs they declare and all they require", () => {
    expect(new Set(calls.map((c) => c.action))).toEqual(new Set(localActions));
    for (const { where, action, inputs } of calls) {
      const declared = (parse(readAction(action)) as { inputs: Record<string, { required?: boolean }> }).inputs;
      for (const input of inputs) expect(Object.keys(declared), `${where}: ${action} has no input ${input}`).toContain(input);
      for (const [name, spec] of Object.entries(declared)) if (spec.required) expect(inputs, `${where}: ${action} needs ${name}`).toContain(name);
    }
  });
});

describe("pull-request workflow", () => {
  const text = read("pull-request.yml");
  const jobs = new Map(jobsOf(text).map((job) => [job.id, job]));

  it("runs on pull requests to develop and main, one run per pull request at a time", () => {
    expect(text).toMatch(/on:\n {2}pull_request:\n {4}branches: \[develop, main\]/);
    expect(text).toMatch(/concurrency:\n {2}group: pull-request-\$\{\{ github\.event\.pull_request\.number \}\}\n {2}cancel-in-progress: true/);
  });

  it("has the test, synth, plan, comment, trivy, gitleaks and infracost jobs", () => {
    expect([...jobs.keys()]).toEqual(["test", "mark-stale", "synth", "plan", "comment", "trivy", "gitleaks", "infracost"]);
    const test = jobs.get("test")!.lines.join("\n");
    for (const command of ["npm ci", "npm run typecheck", "npm test"]) expect(test).toContain(`- run: ${command}`);
    expect(jobs.get("synth")!.lines.join("\n")).toContain("run: bash .github/workflows/scripts/synth.sh");
    expect(readScript("synth.sh")).toContain('${SYNTH_COMMAND:-npx cdktf synth} 2>&1 | tee "$log"');
  });

  it("plans each stack in a matrix with the pull-request plan role, without refresh and without any approval environment, and comments from all plans", () => {
    const plan = jobs.get("plan")!;
    expect(plan.lines.join("\n")).toContain("include: ${{ fromJSON(needs.synth.outputs.stacks) }}");
    expect(jobs.get("synth")!.lines.join("\n")).toContain('run: bash .github/workflows/scripts/list-stacks.sh "$BASE_REF"');
    expect(readScript("list-stacks.sh")).toContain(`open=$(jq -c 'map(select(.pr_plan))'`);
    const steps = plan.lines.join("\n");
    expect(steps).toContain("uses: ./.github/actions/plan-pull-request");
    expect(steps).toContain("role-to-assume: ${{ secrets[matrix.pr_plan_role_secret] }}");
    expect(keyOf(plan, "if")).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    // Nothing of the pull request waits for, or relies on, an environment's required reviewers.
    for (const job of jobs.values()) expect(keyOf(job, "environment"), job.id).toBeUndefined();
    expect(text).not.toMatch(/secrets\[matrix\.plan_role_secret\]|AWS_PLAN_ROLE_ARN_/);
    const planStep = (parse(readAction("plan-pull-request")) as { runs: { steps: { run?: string; env?: Record<string, string> }[] } }).runs.steps.find((st) => st.run?.includes("plan-stack.sh"));
    expect(planStep?.env).toMatchObject({ PLAN_REFRESH: "false" });
    expect(readScript("plan-stack.sh")).toContain('if [ "${PLAN_REFRESH:-true}" = "false" ]; then refresh=(-refresh=false); fi');
    // The platform stacks, which pull requests do not plan, are named in the comment.
    expect(blockOf(jobs.get("synth")!, "outputs")).toEqual(["stacks: ${{ steps.stacks.outputs.open }}", "names: ${{ steps.stacks.outputs.open_names }}", "deferred: ${{ steps.stacks.outputs.deferred }}"]);
    expect(jobs.get("comment")!.lines.join("\n")).toContain("DEFERRED: ${{ needs.synth.outputs.deferred }}");
    expect(readScript("plan-comment.sh")).toContain('--deferred "${DEFERRED:-}"');
    const action = readAction("plan-pull-request");
    expect(action).toContain("role-to-assume: ${{ inputs.role-to-assume }}");
    expect(action).toContain("run: bash .github/workflows/scripts/plan-stack.sh");
    const comment = jobs.get("comment")!.lines.join("\n");
    // After Infracost, whose per-stack JSON gives the comment each environment's monthly figures when it ran.
    expect(keyOf(jobs.get("comment")!, "needs")).toBe("[synth, plan, infracost]");
    expect(comment).toContain("run: bash .github/workflows/scripts/plan-comment.sh");
    expect(readScript("plan-comment.sh")).toContain("costs=(--infracost infracost)");
    expect(jobs.get("infracost")!.lines.join("\n")).toMatch(/name: infracost\n\s+path: infracost\/\*\.json/);
    // The plans' folder, never a glob: the diagnostics files beside the plans are not plans.
    expect(readScript("plan-comment.sh")).toContain("npm run -s plan:comment -- --plans-dir plans --expect");
    // A failed synth replaces the comment with its error; an earlier push's comment is marked outdated meanwhile.
    expect(readScript("plan-comment.sh")).toContain("npm run -s plan:comment -- --synth-failed synth-error/synth.txt");
    expect(keyOf(jobs.get("comment")!, "if")).not.toContain("needs.synth.result == 'success'");
    expect(jobs.get("mark-stale")!.lines.join("\n")).toContain('"--mark-stale", "previous.md"');
    expect(blockOf(jobs.get("mark-stale")!, "permissions")).toEqual(["contents: read", "pull-requests: write"]);
    expect(comment).toContain("github.rest.issues.updateComment");
    expect(blockOf(jobs.get("comment")!, "permissions")).toEqual(["contents: read", "pull-requests: write"]);
  });

  it("scans the synthesized stacks with Trivy: its catalog version, the exported waivers, failing on HIGH and CRITICAL, SARIF to code scanning", () => {
    const trivy = jobs.get("trivy")!.lines.join("\n");
    expect(trivy).toMatch(/aquasecurity\/trivy-action@[0-9a-f]{40} # v[\d.]+/);
    for (const setting of ["scan-type: config", "scan-ref: cdktf.out/stacks", "version: ${{ steps.tools.outputs.trivy }}", "trivyignores: cdktf.out/trivyignore.yaml", "severity: HIGH,CRITICAL", "limit-severities-for-sarif: true", "format: sarif", 'exit-code: "1"']) {
      expect(trivy, setting).toContain(setting);
    }
    expect(trivy).toMatch(/upload-sarif@[0-9a-f]{40} # v[\d.]+\n(\s+#.*\n|\s+if: .*\n)*\s+with:\n\s+sarif_file: trivy\.sarif/);
    expect(trivy).not.toContain("soft_fail");
    expect(blockOf(jobs.get("trivy")!, "permissions")).toContain("security-events: write");
    expect(text).not.toMatch(/tfsec/);
  });

  it("runs gitleaks as a CLI built from its verified source, over the pull request's commits, with no licence secret", () => {
    const gitleaks = jobs.get("gitleaks")!.lines.join("\n");
    expect(gitleaks).toContain('go install "github.com/zricethezav/gitleaks/v8@${GITLEAKS_VERSION}"');
    expect(gitleaks).toContain("GITLEAKS_VERSION: ${{ steps.tools.outputs.gitleaks }}");
    expect(gitleaks).toContain('--log-opts "--no-merges ${BASE_SHA}..${HEAD_SHA}"');
    expect(gitleaks).toContain("--redact");
    expect(gitleaks).not.toMatch(/GITLEAKS_LICENSE|gitleaks-action/);
  });

  it("prices the plan JSON with Infracost", () => {
    expect(jobs.get("infracost")!.lines.join("\n")).toContain("run: bash .github/workflows/scripts/infracost.sh");
    const infracost = readScript("infracost.sh");
    expect(infracost).toContain('infracost diff --path "$plan" --format json');
    expect(infracost).toContain("*.diagnostics.json) continue");
    expect(infracost).toContain("infracost comment github");
  });
});

describe("deploy workflow", () => {
  const text = read("deploy.yml");
  const jobs = new Map(jobsOf(text).map((job) => [job.id, job]));
  const reusable = read("deploy-stack.yml");
  const stackJobs = new Map(jobsOf(reusable).map((job) => [job.id, job]));
  // The order CI computes from the synthesized app (promotion order, after each stack's dependencies).
  const stacks = ciStacks(writtenSharedApp()).map(({ stack, environment: env, branch }) => ({ stack, env, branch }));
  const withOf = (job: Job) => Object.fromEntries(blockOf(job, "with").map((line) => line.split(/:\s*/, 2) as [string, string]));

  // After each zone stack, the check that the parent domain delegates to the zone (README "First deploy of an account").
  const delegationAfter = (stack: string) => (environmentOf(stack)?.layer === "zone" ? `delegation-${environmentOf(stack)!.environment}` : undefined);

  it("deploys every non-bootstrap stack through the one-stack workflow, in promotion order, never a bootstrap stack", () => {
    expect([...jobs.keys()]).toEqual(["checks", ...stacks.flatMap(({ stack }) => [`deploy-${stack}`, ...(delegationAfter(stack) ? [delegationAfter(stack)!] : [])])]);
    for (const { stack } of stacks) expect(keyOf(jobs.get(`deploy-${stack}`)!, "uses"), stack).toBe("./.github/workflows/deploy-stack.yml");
    expect(text + reusable).not.toMatch(/bootstrap/);
    expect(reusable).toMatch(/^on:\n {2}workflow_call:/m);
  });

  it("deploys dev from develop; staging, prod and dr from main, each waiting for the stack before it", () => {
    let previous: Record<string, string | undefined> = {};
    for (const { stack, branch } of stacks) {
      const job = jobs.get(`deploy-${stack}`)!;
      expect(keyOf(job, "if"), stack).toBe(`github.ref == 'refs/heads/${branch}'`);
      const before = previous[branch];
      expect(keyOf(job, "needs"), stack).toBe(before ? (delegationAfter(before) ?? `deploy-${before}`) : "checks");
      previous = { ...previous, [branch]: stack };
    }
  });

  it("checks, after the zone stack and before the certificates wait on it, that the parent domain delegates to the zone", () => {
    const job = jobs.get("delegation-dr")!;
    expect(keyOf(job, "needs")).toBe("deploy-dr-zone");
    expect(keyOf(job, "if")).toBe("github.ref == 'refs/heads/main'");
    const steps = job.lines.join("\n");
    expect(steps).toContain("role-to-assume: ${{ secrets.AWS_PLAN_ROLE_ARN_DR }}");
    expect(steps).toContain("run: npm run dns:delegation -- cdktf.out/stacks/dr-zone/cdk.tf.json");
    expect(keyOf(jobs.get("deploy-dr-global")!, "needs")).toBe("delegation-dr");
  });

  it("plans each stack with its environment's plan role and applies in the stack's GitHub environment exactly the plan file it saved", () => {
    for (const { stack, env } of stacks) {
      const job = jobs.get(`deploy-${stack}`)!;
      expect(withOf(job), stack).toMatchObject({ stack, environment: env });
      expect(blockOf(job, "secrets"), stack).toEqual([`plan_role_arn: \${{ secrets.${planRoleSecretOf(env)} }}`]);
    }
    const plan = stackJobs.get("plan")!.lines.join("\n");
    expect(plan).toContain("role-to-assume: ${{ secrets.plan_role_arn }}");
    expect(plan).toContain("name: tfplan-${{ inputs.stack }}\n          path: |\n            cdktf.out/stacks/${{ inputs.stack }}/tfplan");
    // The apply loads a platform stack's objects chart from the stack's assets again.
    expect(plan).toContain("            cdktf.out/stacks/${{ inputs.stack }}/assets/\n");
    const apply = stackJobs.get("apply")!;
    expect(keyOf(apply, "environment")).toBe("${{ inputs.environment }}");
    expect(keyOf(apply, "needs")).toBe("plan");
    expect(keyOf(apply, "if")).toBe("needs.plan.outputs.changes == 'true'");
    const steps = apply.lines.join("\n");
    expect(steps).toContain("name: tfplan-${{ inputs.stack }}");
    expect(steps).toContain("role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(steps).toContain("run: bash .github/workflows/scripts/apply-plan.sh stack");
    expect(readScript("apply-plan.sh")).toContain('terraform -chdir="$dir" apply -input=false -lock-timeout=15m tfplan');
    // Only the scripts are checked out: the job applies the saved plan, no configuration of its own.
    expect(steps).toMatch(/actions\/checkout@[0-9a-f]{40} # v[\d.]+\n\s+with:\n\s+persist-credentials: false\n\s+sparse-checkout: \.github\/workflows\/scripts\n/);
  });

  it("saves each applied stack's non-sensitive outputs in the job summary and as an artifact", () => {
    const steps = stackJobs.get("apply")!.lines.join("\n");
    const script = readScript("apply-plan.sh");
    expect(script).toContain(`terraform -chdir="$dir" output -json | jq 'with_entries(select(.value.sensitive | not) | .value |= .value)' > "outputs-$stack.json"`);
    expect(script).toContain('>> "${GITHUB_STEP_SUMMARY:?}"');
    expect(steps).toContain("name: outputs-${{ inputs.stack }}");
  });

  it("never runs two deploys of a branch at once and never cancels one", () => {
    expect(text).toMatch(/concurrency:\n {2}group: deploy-\$\{\{ github\.ref \}\}\n {2}cancel-in-progress: false/);
  });
});

describe("drift-detection workflow", () => {
  const text = read("drift.yml");
  const jobs = new Map(jobsOf(text).map((job) => [job.id, job]));

  it("plans every stack on a schedule with -detailed-exitcode, without the state lock", () => {
    expect(text).toMatch(/schedule:\n {4}- cron: "[^"]+"/);
    const detect = jobs.get("detect")!.lines.join("\n");
    expect(detect).toContain('PLAN_LOCK: "false"');
    expect(detect).toContain("ref: ${{ matrix.branch }}");
    expect(read("scripts/plan-stack.sh")).toContain("-detailed-exitcode -out=tfplan");
  });

  it("opens or updates one issue, found by its marker", () => {
    const report = jobs.get("report")!.lines.join("\n");
    expect(report).toContain("run: bash .github/workflows/scripts/drift-report.sh");
    expect(readScript("drift-report.sh")).toContain('--marker "<!-- pipeops:drift-detection -->"');
    expect(report).toContain("github.rest.issues.create(");
    expect(report).toContain("github.rest.issues.update(");
    expect(blockOf(jobs.get("report")!, "permissions")).toEqual(["contents: read", "issues: write"]);
  });
});

describe("the scripts the workflows run", () => {
  it.each(scripts)("%s is valid bash", (name) => {
    const result = spawnSync("bash", ["-n", join(SCRIPTS, name)], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("are each run by a workflow or the composite action", () => {
    const all = [...files.map(read), ...localActions.map(readAction)].join("\n");
    for (const name of scripts) expect(all, name).toContain(`bash .github/workflows/scripts/${name}`);
  });
});

/**
 * Rules from walking the first pull request and the first deploy through the workflows: each
 * fails on the workflows as they were (see the report of issue 25) and holds on these.
 */
describe("CI hardening", () => {
  interface ParsedStep {
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
  }
  interface ParsedJob {
    readonly if?: string;
    readonly needs?: string | string[];
    readonly environment?: string;
    readonly "runs-on"?: string;
    readonly uses?: string;
    readonly permissions?: Record<string, string>;
    readonly steps?: ParsedStep[];
  }
  const workflow = (name: string) => parse(read(name)) as { on: Record<string, unknown>; jobs: Record<string, ParsedJob> };
  /** A job's steps with the steps of the local composite actions it uses in their place. */
  const stepsOf = (job: ParsedJob): ParsedStep[] =>
    (job.steps ?? []).flatMap((step) => (step.uses?.startsWith("./.github/actions/") ? (parse(readAction(step.uses.split("/").pop()!)) as { runs: { steps: ParsedStep[] } }).runs.steps : [step]));
  const needsOf = (job: ParsedJob) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
  const onPullRequest = files.filter((name) => "pull_request" in workflow(name).on);
  const SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository";

  /**
   * The longest an environment's approval may hold a job: GitHub fails a job not approved within
   * 30 days (docs.github.com, "Reviewing deployments", read 2026-12-07), and a wait timer is at
   * most 43,200 minutes, 30 days ("Managing environments for deployment"). upload-artifact keeps
   * an artifact 1 to 90 days unless the repository allows more (its action.yml at
   * bbbca2ddaa5d8feaa63e36b76fdaad77386f024f, v7.0.0).
   */
  const APPROVAL_WINDOW_DAYS = 30;

  it.each(onPullRequest)("%s: a job that assumes an AWS role or writes to the pull request never runs for a fork", (name) => {
    for (const [id, job] of Object.entries(workflow(name).jobs)) {
      const assumesRole = stepsOf(job).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      const writes = Object.entries(job.permissions ?? {}).some(([scope, level]) => level === "write" && scope !== "security-events");
      if (assumesRole || writes) expect(job.if ?? "", `${name}: ${id}`).toContain(SAME_REPOSITORY);
    }
  });

  it.each(files)("%s: every SARIF upload has security-events: write and actions: read (the run it reads, in a private repository)", (name) => {
    for (const [id, job] of Object.entries(workflow(name).jobs)) {
      if (!stepsOf(job).some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))) continue;
      expect(job.permissions, `${name}: ${id}`).toMatchObject({ "security-events": "write", actions: "read" });
    }
  });

  it.each(files)("%s: an artifact a job reads after an approval is kept at least as long as the approval may wait", (name) => {
    const jobs = workflow(name).jobs;
    // Jobs that wait for an approval: in an environment, or after a job that is.
    const gated = new Set<string>();
    const waits = (id: string): boolean => gated.has(id) || jobs[id]?.environment !== undefined || needsOf(jobs[id]!).some(waits);
    for (const id of Object.keys(jobs)) if (waits(id)) gated.add(id);
    // An artifact name with its expressions as a pattern: plan-${{ inputs.stack }} → plan-*.
    const pattern = (text: string) => new RegExp(`^${text.replace(/\$\{\{[^}]*\}\}/g, "\u0000").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\u0000/g, ".*")}$`);
    const sample = (text: string) => text.replace(/\$\{\{[^}]*\}\}/g, "x");
    for (const [uploader, job] of Object.entries(jobs)) {
      if (gated.has(uploader)) continue;
      for (const upload of stepsOf(job).filter((s) => s.uses?.startsWith("actions/upload-artifact@"))) {
        const artifact = sample(String(upload.with?.name));
        const readers = Object.entries(jobs).filter(([, other]) =>
          stepsOf(other).some((s) => s.uses?.startsWith("actions/download-artifact@") && pattern(String(s.with?.name ?? s.with?.pattern)).test(artifact)),
        );
        if (readers.some(([id]) => gated.has(id))) expect(Number(upload.with?.["retention-days"]), `${name}: ${uploader} uploads ${artifact}`).toBeGreaterThanOrEqual(APPROVAL_WINDOW_DAYS);
      }
    }
  });

  it.each(files)("%s: the plans and diagnostics a plan leaves are uploaded when the plan fails too", (name) => {
    for (const [id, job] of Object.entries(workflow(name).jobs)) {
      const steps = stepsOf(job);
      const planned = steps.findIndex((s) => s.run?.includes(".github/workflows/scripts/plan-stack.sh"));
      if (planned < 0) continue;
      for (const upload of steps.slice(planned + 1).filter((s) => s.uses?.startsWith("actions/upload-artifact@") && String(s.with?.path).includes("runner.temp }}/plans/"))) {
        expect(upload.if, `${name}: ${id} uploads ${String(upload.with?.name)}`).toBe("${{ !cancelled() }}");
      }
    }
  });

  it("pull-request code never runs on a self-hosted runner: drift plans on PLAN_RUNNER, deploys on DEPLOY_RUNNER, pull requests on GitHub's", () => {
    const runnersOf = (name: string) => new Set(Object.values(workflow(name).jobs).flatMap((job) => [...String(job["runs-on"] ?? "").matchAll(/vars\.([A-Z0-9_]+)/g)].map((m) => m[1]!)));
    const deploy = runnersOf("deploy-stack.yml");
    expect([...deploy]).toEqual(["DEPLOY_RUNNER"]);
    for (const name of files.filter((f) => f !== "deploy-stack.yml")) for (const runner of runnersOf(name)) expect(deploy.has(runner), `${name} runs on ${runner}`).toBe(false);
    expect([...runnersOf("pull-request.yml")]).toEqual([]);
    expect([...runnersOf("drift.yml")]).toEqual(["PLAN_RUNNER"]);
  });

  it.each(onPullRequest)("%s: on a pull request, assumes only a pull-request plan role (it reads no secret value)", (name) => {
    for (const [id, job] of Object.entries(workflow(name).jobs)) {
      for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") || s.uses === "./.github/actions/plan-pull-request")) {
        const role = String(step.with?.["role-to-assume"]);
        const onPullRequests = name === "pull-request.yml" ? role : /github\.event_name == 'pull_request' && ([^|]+) \|\|/.exec(role)?.[1];
        expect(onPullRequests, `${name}: ${id}`).toMatch(/^\$\{\{ secrets\[matrix\.pr_plan_role_secret\] \}\}$|^secrets\.AWS_PR_PLAN_ROLE_ARN_[A-Z]+$/);
      }
    }
  });

  it.each([...files, ...localActions.map((a) => `../actions/${a}/action.yml`)])("%s: run blocks only call commands, the logic is in the scripts the test suite runs", (name) => {
    const text = read(name);
    const doc = parse(text) as { jobs?: Record<string, ParsedJob>; runs?: { steps: ParsedStep[] } };
    const steps = doc.jobs ? Object.values(doc.jobs).flatMap((job) => job.steps ?? []) : doc.runs!.steps;
    for (const { run } of steps) {
      if (run === undefined) continue;
      expect(run.trim().split("\n").length, `${name}: ${run}`).toBeLessThanOrEqual(3);
      expect(run, `${name}: ${run}`).not.toMatch(/^\s*(if|for|while|case|until)\b|\bthen\b|\bdone\b/m);
    }
  });
});
