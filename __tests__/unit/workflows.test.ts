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

  it("has the test, synth, plan, plan-approved, comment, trivy, gitleaks and infracost jobs", () => {
    expect([...jobs.keys()]).toEqual(["test", "mark-stale", "synth", "plan", "plan-approved", "comment", "trivy", "gitleaks", "infracost"]);
    const test = jobs.get("test")!.lines.join("\n");
    for (const command of ["npm ci", "npm run typecheck", "npm test"]) expect(test).toContain(`- run: ${command}`);
    expect(jobs.get("synth")!.lines.join("\n")).toContain("npx cdktf synth 2>&1 | tee");
  });

  it("plans each stack in a matrix with the read-only role, prod and DR only in their approval environments, and comments from all plans", () => {
    const open = jobs.get("plan")!;
    const approved = jobs.get("plan-approved")!;
    expect(open.lines.join("\n")).toContain("include: ${{ fromJSON(needs.synth.outputs.stacks) }}");
    expect(approved.lines.join("\n")).toContain("include: ${{ fromJSON(needs.synth.outputs.approved_stacks) }}");
    expect(keyOf(open, "environment")).toBeUndefined();
    expect(keyOf(approved, "environment")).toBe("${{ matrix.plan_environment }}");
    expect(jobs.get("synth")!.lines.join("\n")).toContain(`approved=$(jq -c 'map(select(.plan_environment != ""))'`);
    for (const job of [open, approved]) {
      const steps = job.lines.join("\n");
      expect(steps).toContain("uses: ./.github/actions/plan-pull-request");
      expect(steps).toContain("role-to-assume: ${{ secrets[matrix.plan_role_secret] }}");
      expect(keyOf(job, "if")).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    }
    const action = readAction("plan-pull-request");
    expect(action).toContain("role-to-assume: ${{ inputs.role-to-assume }}");
    expect(action).toContain("run: bash .github/workflows/scripts/plan-stack.sh");
    const comment = jobs.get("comment")!.lines.join("\n");
    // After Infracost, whose per-stack JSON gives the comment each environment's monthly figures when it ran.
    expect(keyOf(jobs.get("comment")!, "needs")).toBe("[synth, plan, plan-approved, infracost]");
    expect(comment).toContain('costs=(--infracost infracost)');
    expect(jobs.get("infracost")!.lines.join("\n")).toMatch(/name: infracost\n\s+path: infracost\/\*\.json/);
    expect(comment).toContain("npm run -s plan:comment -- plans/*.json --plans-dir plans --expect");
    // A failed synth replaces the comment with its error; an earlier push's comment is marked outdated meanwhile.
    expect(comment).toContain("npm run -s plan:comment -- --synth-failed synth-error/synth.txt");
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
    const infracost = jobs.get("infracost")!.lines.join("\n");
    expect(infracost).toContain('infracost diff --path "$plan" --format json');
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
    const apply = stackJobs.get("apply")!;
    expect(keyOf(apply, "environment")).toBe("${{ inputs.environment }}");
    expect(keyOf(apply, "needs")).toBe("plan");
    expect(keyOf(apply, "if")).toBe("needs.plan.outputs.changes == 'true'");
    const steps = apply.lines.join("\n");
    expect(steps).toContain("name: tfplan-${{ inputs.stack }}");
    expect(steps).toContain("role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(steps).toContain("terraform -chdir=stack apply -input=false -lock-timeout=15m tfplan");
    expect(steps).not.toContain("actions/checkout@");
  });

  it("saves each applied stack's non-sensitive outputs in the job summary and as an artifact", () => {
    const steps = stackJobs.get("apply")!.lines.join("\n");
    expect(steps).toContain(`terraform -chdir=stack output -json | jq 'with_entries(select(.value.sensitive | not) | .value |= .value)' > "outputs-$STACK.json"`);
    expect(steps).toContain('>> "$GITHUB_STEP_SUMMARY"');
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
    expect(report).toContain('--marker "<!-- pipeops:drift-detection -->"');
    expect(report).toContain("github.rest.issues.create(");
    expect(report).toContain("github.rest.issues.update(");
    expect(blockOf(jobs.get("report")!, "permissions")).toEqual(["contents: read", "issues: write"]);
  });
});

describe("the plan script the workflows share", () => {
  it("is valid bash", () => {
    const result = spawnSync("bash", ["-n", join(WORKFLOWS, "scripts", "plan-stack.sh")], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
