/**
 * `npm run k8s:objects -- <stack>`, run as the README gives it: it prints the same objects the
 * schema suite validates (__tests__/unit/kubernetes-schema.test.ts). In the validate project: it
 * starts npm and tsx and builds the whole app in a child process (about 10 s on an idle machine).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { AWS, sharedTestApp, synthStack } from "../support/synth";
import { kubernetesObjectsOf, type TerraformStackJson } from "../../src/kubernetes/objects";

const run = (...args: string[]) => spawnSync("npm", ["run", "-s", "k8s:objects", "--", ...args], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });

describe("npm run k8s:objects", () => {
  it("prints every object of dev-platform as a JSON array, as the schema suite reads them", () => {
    const result = run("dev-platform");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as unknown[];
    const expected = kubernetesObjectsOf(synthStack(sharedTestApp(AWS), "dev-platform").json as TerraformStackJson).map(({ object }) => object);
    expect(printed).toEqual(expected);
  });

  it("needs exactly one stack name", () => {
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: npm run k8s:objects -- <stack>");
  });
});
