import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ciStacks, environmentOf, planRoleSecretOf } from "../../src/plan-comment/ci-stacks";
import { AWS, tempDir, sharedTestApp, writtenSharedApp } from "../support/synth";

/** Which stacks the workflows plan: every synthesized stack but the bootstrap stacks, with its environment's details. */

describe("stacks CI plans", () => {
  const built = sharedTestApp(AWS);
  const outdir = writtenSharedApp(AWS);

  it("are every stack of the app except the bootstrap and cost-tag stacks (an operator's), core before platform, in promotion order, each after what it depends on", () => {
    const stacks = ciStacks(outdir);
    const expected = built.environments.flatMap((env) => [env.name, `${env.name}-platform`]);
    // DR's zone stack (zone, health check), then its global stack (certificates validated through the
    // delegated zone), before the two core stacks that look its certificates up.
    expected.splice(expected.indexOf("prod"), 0, "dr-zone", "dr-global");
    expect(stacks.find((s) => s.stack === "dr-zone")).toMatchObject({ environment: "dr", layer: "zone", region: "us-east-1", plan_role_secret: "AWS_PLAN_ROLE_ARN_DR" });
    expect(stacks.some((s) => s.stack.endsWith("-cost-tags"))).toBe(false);
    expect(stacks.map((s) => s.stack)).toEqual(expected);
    expect(stacks.find((s) => s.stack === "dr-global")).toMatchObject({ environment: "dr", layer: "global", region: "us-east-1", plan_role_secret: "AWS_PLAN_ROLE_ARN_DR" });
    expect(stacks.some((s) => s.stack.endsWith("-bootstrap"))).toBe(false);
  });

  it("carry the environment, its region, its deploying branch and its plan roles' secrets", () => {
    const dev = ciStacks(outdir).find((s) => s.stack === "dev-platform");
    expect(dev).toEqual({ stack: "dev-platform", environment: "dev", layer: "platform", region: "us-west-2", branch: "develop", plan_role_secret: "AWS_PLAN_ROLE_ARN_DEV", pr_plan_role_secret: "AWS_PR_PLAN_ROLE_ARN_DEV", pr_plan: false });
  });

  it("are planned on pull requests, with the pull-request plan role, except the platform stacks (their plans read the cluster's Secrets)", () => {
    const stacks = ciStacks(outdir);
    expect(stacks.filter((s) => !s.pr_plan).map((s) => s.stack)).toEqual(["dev-platform", "staging-platform", "prod-platform", "dr-platform"]);
    for (const s of stacks) expect(s.pr_plan_role_secret, s.stack).toBe(`AWS_PR_PLAN_ROLE_ARN_${s.environment.toUpperCase()}`);
  });

  it("for a pull request, are the stacks its base branch deploys", () => {
    expect(ciStacks(outdir, "develop").map((s) => s.stack)).toEqual(["dev", "dev-platform"]);
    expect(ciStacks(outdir, "main").every((s) => s.branch === "main" && s.environment !== "dev")).toBe(true);
    expect(ciStacks(outdir, "feature/x")).toEqual([]);
  });

  it("include DR in us-east-1, deployed from main", () => {
    const out = tempDir("ci-stacks");
    const stacks = { dr: "us-east-1", "dr-platform": "us-east-1", "dr-bootstrap": "us-east-1" };
    const manifest = { stacks: Object.fromEntries(Object.keys(stacks).map((name) => [name, { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }])) };
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
    for (const [name, region] of Object.entries(stacks)) {
      mkdirSync(join(out, "stacks", name), { recursive: true });
      writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify({ provider: { aws: [{ region, alias: "other" }, { region }] } }));
    }
    expect(ciStacks(out)).toEqual([
      { stack: "dr", environment: "dr", layer: "core", region: "us-east-1", branch: "main", plan_role_secret: "AWS_PLAN_ROLE_ARN_DR", pr_plan_role_secret: "AWS_PR_PLAN_ROLE_ARN_DR", pr_plan: true },
      { stack: "dr-platform", environment: "dr", layer: "platform", region: "us-east-1", branch: "main", plan_role_secret: "AWS_PLAN_ROLE_ARN_DR", pr_plan_role_secret: "AWS_PR_PLAN_ROLE_ARN_DR", pr_plan: false },
    ]);
  });

  it("read a stack's environment and layer from its name", () => {
    expect(environmentOf("staging")).toEqual({ environment: "staging", layer: "core" });
    expect(environmentOf("prod-platform")).toEqual({ environment: "prod", layer: "platform" });
    expect(environmentOf("dev-bootstrap")).toEqual({ environment: "dev", layer: "bootstrap" });
    expect(environmentOf("dr-global")).toEqual({ environment: "dr", layer: "global" });
    expect(environmentOf("dr-zone")).toEqual({ environment: "dr", layer: "zone" });
    expect(environmentOf("prod-cost-tags")).toEqual({ environment: "prod", layer: "cost-tags" });
    expect(planRoleSecretOf("dr")).toBe("AWS_PLAN_ROLE_ARN_DR");
  });
});
