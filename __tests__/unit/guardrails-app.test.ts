import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TerraformStack, Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { buildApp } from "../../src/app";
import { dev, prod } from "../../environments";
import { waivers } from "../../environments/waivers";
import { PROJECT_ENVIRONMENT_NAMES } from "../../main";
import { GuardrailError, Guardrails, REPORT_FILE_NAME, RULE_IDS, environmentContext, type GuardrailReport, type Waiver } from "../../src/guardrails";
import { TRIVY_IGNORE_FILE_NAME } from "../../src/guardrails/trivy-ignores";
import { AWS, LOCAL, buildTestApp, sharedReport, sharedTestApp, stackOf, tempDir, testingText } from "../support/synth";

const describeViolation = (v: GuardrailReport["violations"][number]) => `${v.stack}: ${v.resource} ${v.rule}: ${v.message}`;

describe.each([
  ["real AWS", AWS],
  ["local emulator", LOCAL],
])("every real stack of every environment, %s target", (_, target) => {
  const built = sharedTestApp(target);
  const report = sharedReport(target);
  const stackNames = built.app.node.children.filter((child) => TerraformStack.isStack(child)).map((stack) => stack.node.id);

  it("passes every rule with zero violations", () => {
    expect(report.violations.map(describeViolation)).toEqual([]);
    expect(report.outcome).toBe("passed");
  });

  it("runs every rule on every stack, knowing each stack's environment and tier", () => {
    expect(report.totals.rules).toBe(RULE_IDS.length);
    expect(report.stacks.map((s) => s.stack).sort()).toEqual([...stackNames].sort());
    for (const summary of report.stacks) {
      const env = built.environments.find((e) => e.name === summary.environment);
      expect(env, `${summary.stack} has no environment`).toBeDefined();
      expect(summary.tier).toBe(env!.tier);
    }
    expect(report.totals.resourcesChecked).toBeGreaterThan(0);
  });

  it("uses every recorded waiver, each naming a stack of the app (none stale, none for unknown stacks)", () => {
    expect(report.waivers.filter((w) => w.status !== "applied")).toEqual([]);
    expect(report.totals.waived).toBeGreaterThanOrEqual(waivers.length);
  });
});

describe("recorded waivers of the bootstrap access-log bucket", () => {
  const built = sharedTestApp(AWS);
  const report = sharedReport(AWS);

  it.each(built.environments.map((env) => env.name))("%s: exempts only the log target from AWS-0089 and AWS-0132, with its reason in the report", (name) => {
    const waived = report.waived.filter((w) => w.stack === `${name}-bootstrap`);
    expect(waived.map((w) => w.rule).sort()).toEqual(["AWS-0089", "AWS-0132"]);
    for (const w of waived) {
      expect(w.path).toBe(`${name}-bootstrap/access-logs/bucket`);
      expect(w.reason.length).toBeGreaterThan(60);
    }
    // The state bucket itself is logged and uses the customer managed key: nothing to waive.
    expect(report.waived.filter((w) => w.path === `${name}-bootstrap/state/bucket`)).toEqual([]);
  });
});

describe("synth with guardrails", () => {
  it("writes every stack and the JSON report when all stacks pass, and prints a short table", () => {
    // dev's four stacks: every environment passing every rule is checked above without writing.
    const outdir = join(tempDir("guarded-synth"), "cdktf.out");
    const built = buildApp({ environments: [dev], waivers, projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, target: AWS, localStateDir: "/project/state", outdir });
    built.app.synth();

    const report = JSON.parse(readFileSync(join(outdir, REPORT_FILE_NAME), "utf8")) as GuardrailReport;
    expect(report.outcome).toBe("passed");
    expect(report.totals).toMatchObject({ violations: 0, staleWaivers: 0, rules: RULE_IDS.length });
    expect(report.rules.map((r) => r.id)).toEqual(RULE_IDS);
    expect(report.stacks.map((s) => s.stack).sort()).toEqual(["dev", "dev-bootstrap", "dev-cost-tags", "dev-platform"]);
    const devWaivers = report.waivers.filter((w) => w.stack.startsWith("dev"));
    expect(devWaivers.length).toBeGreaterThan(0);
    expect(devWaivers.every((w) => w.status === "applied" && w.reason.length > 0)).toBe(true);
    for (const stack of report.stacks) expect(existsSync(join(outdir, "stacks", stack.stack, "cdk.tf.json"))).toBe(true);
    // cdktf wrote the JSON the guardrails resolved and checked (not resolved a second time): the same
    // as resolving the stack afresh; and each stack has its own methods back.
    const core = stackOf(built, "dev");
    expect(Object.hasOwn(core, "toTerraform") || Object.hasOwn(core, "prepareStack")).toBe(false);
    expect(JSON.parse(testingText(JSON.parse(readFileSync(join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8"))))).toEqual(JSON.parse(Testing.synth(core)));
    // And the applied waivers as Trivy's ignore file, next to the report (trivy-ignores.test.ts checks its content).
    expect(readFileSync(join(outdir, TRIVY_IGNORE_FILE_NAME), "utf8")).toContain("  - id: AWS-0089\n    paths:\n      - \"dev-bootstrap/cdk.tf.json\"");

    const summary = built.guardrails.summary();
    expect(summary).toMatch(/^Guardrails passed: \d+ rules run on \d+ stacks, \d+ of \d+ resources checked, 0 violations, \d+ findings waived/);
    expect(summary).toContain(join(outdir, REPORT_FILE_NAME));
    expect(summary).toMatch(/waivers applied \(\d+\):/);
    expect(summary).toMatch(/dev-bootstrap\/access-logs\/bucket\s+AWS-0089\s+This bucket is the server access log target/);
  });

  it("stops on a violation before any stack is written, naming stack, resource, rule and fix", () => {
    const outdir = join(tempDir("guarded-synth"), "cdktf.out");
    // prod alone is a valid app, and its core stack is the last one cdktf would write.
    const built = buildApp({ environments: [prod], waivers, projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, target: AWS, localStateDir: "/project/state", outdir });
    // An unversioned, unencrypted, unlogged bucket.
    new S3Bucket(stackOf(built, "prod"), "unguarded", { bucket: "pipeops-unguarded" });

    let error: unknown;
    try {
      built.app.synth();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    const message = (error as GuardrailError).message;
    expect(message).toMatch(/^Guardrails found \d+ violations; nothing was synthesized:/);
    expect(message).toContain(`prod: aws_s3_bucket.unguarded (prod/unguarded) breaks AWS-0090 "S3 buckets should be versioned"`);
    expect(message).toMatch(/AWS-0088 .*Fix: add an aws_s3_bucket_server_side_encryption_configuration/);
    expect(message).toContain("environments/waivers.ts");
    // Only the empty folders cdktf's App creates when constructed: no stack, no manifest, no report.
    expect(readdirSync(outdir, { recursive: true }).map(String)).toEqual(["stacks"]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual([]);

    const reportPath = (error as GuardrailError).reportPath!;
    expect(message).toContain(`Full report: ${reportPath}`);
    const report = JSON.parse(readFileSync(reportPath, "utf8")) as GuardrailReport;
    expect(report.outcome).toBe("failed");
    expect(report.violations.every((v) => v.stack === "prod" && v.resource === "aws_s3_bucket.unguarded")).toBe(true);
    rmSync(reportPath);
  });
});

describe("waivers against the real app", () => {
  const stale: Waiver = {
    stack: "dev-bootstrap",
    resource: "dev-bootstrap/state/bucket",
    rule: "AWS-0089",
    reason: "The state bucket was once unlogged while the log bucket was being created.",
  };

  // One app of dev alone, shared: each test puts its own Guardrails (its own waivers) on it.
  const devOnly = buildTestApp(AWS, [dev]);

  it("refuses a waiver that matches no finding (a stale exemption)", () => {
    const built = devOnly;
    const guardrails = new Guardrails(built.app, { waivers: [...waivers, stale], contextOf: environmentContext, failureReportDir: tempDir("guardrail-failures") });
    expect(() => guardrails.enforce()).toThrow(/stale waiver \(dev-bootstrap dev-bootstrap\/state\/bucket AWS-0089\): it matches no finding\. Fix: remove it/);
    expect(guardrails.lastReport!.waivers.find((w) => w.resource === stale.resource)?.status).toBe("stale");
  });

  it("matches a resource by its JSON address, its construct path, or its path inside the stack", () => {
    const built = devOnly;
    const address = built.guardrails.check().waived.find((w) => w.rule === "AWS-0089")!.resource;
    expect(address).toMatch(/^aws_s3_bucket\.access-logs_bucket_[0-9A-F]{8}$/);
    const reason = "S3 server access log targets cannot be SSE-KMS encrypted nor log into themselves.";
    const statuses = (waivers: Waiver[]) => new Guardrails(built.app, { contextOf: environmentContext, waivers }).enforce().waivers.map((w) => w.status);
    expect(
      statuses([
        { stack: "dev-bootstrap", resource: address, rule: "AWS-0089", reason },
        { stack: "dev-bootstrap", resource: "access-logs/bucket", rule: "AWS-0132", reason },
      ]),
    ).toEqual(["applied", "applied"]);
    expect(
      statuses([
        { stack: "dev-bootstrap", resource: "dev-bootstrap/access-logs/bucket", rule: "AWS-0089", reason },
        { stack: "dev-bootstrap", resource: address, rule: "AWS-0132", reason },
      ]),
    ).toEqual(["applied", "applied"]);
  });

  it("refuses a waiver naming a stack no environment of the project has, before building anything", () => {
    const typo: Waiver = { stack: "prd", resource: "prd/eks/cluster", rule: "AWS-0040", reason: "A waiver for a stack name that nobody has, spelt wrong." };
    const build = () => buildApp({ environments: [dev], waivers: [...waivers, typo], projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, target: AWS, localStateDir: "/project/state", outdir: tempDir("unknown-stack") });
    expect(build).toThrow(GuardrailError);
    expect(build).toThrow(/names stack "prd", which no environment has\. Fix: use one of dev-bootstrap, dev, dev-platform, staging-bootstrap/);
  });

  it("lists, without refusing, waivers for stacks an app built for fewer environments does not have", () => {
    const built = devOnly;
    const report = built.guardrails.enforce();
    expect(report.outcome).toBe("passed");
    const otherStacks = ["staging-bootstrap", "prod-bootstrap", "dr-bootstrap"];
    expect(new Set(report.waivers.filter((w) => w.status === "other-stack").map((w) => w.stack))).toEqual(new Set(otherStacks));
    expect(built.guardrails.summary()).toMatch(/waiver\(s\) name stacks this app does not build: .*staging-bootstrap/);
  });
});

describe("the Kubernetes-layer rules on every platform stack", () => {
  const built = sharedTestApp(AWS);
  const report = sharedReport(AWS);
  const platformStacks = built.environments.map((env) => `${env.name}-platform`);

  it.each(["PIPEOPS-0008", "PIPEOPS-0009", "PIPEOPS-0010"])("%s inspects the NodeClass and NodePools of every platform stack and finds nothing", (id) => {
    const rule = report.rules.find((r) => r.id === id)!;
    // One NodeClass and one NodePool per node group of every Auto Mode environment.
    const manifests = built.environments.reduce((sum, env) => sum + (env.eks.computeMode === "auto-mode" ? 2 * env.eks.nodeGroups.length : 0), 0);
    expect(rule.resourcesChecked).toBe(manifests);
    expect(report.violations.filter((v) => v.rule === id)).toEqual([]);
    expect(report.waived.filter((v) => v.rule === id)).toEqual([]);
    expect(platformStacks.every((stack) => report.stacks.some((s) => s.stack === stack))).toBe(true);
  });
});
