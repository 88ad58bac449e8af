import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AWS, buildTestApp } from "../support/synth";
import { terraformAsync, type TerraformResult } from "../support/terraform";

/**
 * `terraform init` + `terraform validate` of every AWS-only stack against the real hashicorp/aws
 * provider (5.100.0), installed through the CLI config the test set-up writes.
 *
 * Platform stacks (`*-platform`) are not validated here: they need the hashicorp/kubernetes and
 * hashicorp/helm provider binaries, which this machine's offline provider mirror does not carry.
 * Their synthesized JSON is asserted in __tests__/unit/platform*.test.ts instead.
 */
const results = new Map<string, TerraformResult>();

beforeAll(async () => {
  // Synthesize once, then validate two stacks at a time (the machine has two cores).
  const { app } = buildTestApp(AWS);
  app.synth();
  const stacks = readdirSync(join(app.outdir, "stacks")).filter((name) => !name.endsWith("-platform"));
  const queue = [...stacks];
  const worker = async () => {
    for (let stack = queue.shift(); stack; stack = queue.shift()) {
      const dir = join(app.outdir, "stacks", stack);
      const init = await terraformAsync(dir, ["init", "-backend=false", "-input=false"]);
      results.set(stack, init.code === 0 ? await terraformAsync(dir, ["validate"]) : init);
    }
  };
  await Promise.all([worker(), worker()]);
});

describe("terraform validate with the real AWS provider", () => {
  it("found the AWS stacks of every environment", () => {
    expect([...results.keys()].sort()).toEqual(expect.arrayContaining(["dev", "dev-bootstrap", "prod", "prod-bootstrap", "staging", "staging-bootstrap"]));
  });

  it("every AWS stack is valid", () => {
    const failures = [...results].filter(([, r]) => r.code !== 0 || !/The configuration is valid/.test(r.stdout));
    expect(failures.map(([stack, r]) => `${stack}:\n${r.stdout}${r.stderr}`).join("\n\n")).toBe("");
  });
});
