import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildFloorApp, floorSpecOf } from "../../src/cli/bench-floor";
import { AWS, sharedTestApp, tempDir, testingText, writtenSharedApp } from "../support/synth";

/** `npm run bench` compares the app's synth with this floor; the bench itself is run by hand, not here. */
describe("the bench's floor app", () => {
  const outdir = writtenSharedApp(AWS);
  const spec = floorSpecOf(outdir);
  const count = (blocks: Record<string, Record<string, unknown>> | undefined) => Object.values(blocks ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);

  it("holds every stack of the app with as many resources and data sources", () => {
    expect(spec.map((stack) => stack.name).sort()).toEqual(sharedTestApp(AWS).app.node.children.map((stack) => stack.node.id).sort());
    for (const stack of spec) {
      const json = JSON.parse(readFileSync(join(outdir, "stacks", stack.name, "cdk.tf.json"), "utf8")) as { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };
      expect([count(stack.resource), count(stack.data)], stack.name).toEqual([count(json.resource), count(json.data)]);
      expect(count(json.resource), stack.name).toBeGreaterThan(0);
    }
  });

  it("writes the same resources and data sources, as plain values", () => {
    const floorOut = join(tempDir("floor"), "cdktf.out");
    buildFloorApp(spec.filter((stack) => stack.name === "dev-bootstrap"), floorOut).synth();
    const blocks = (dir: string) => {
      const json = JSON.parse(testingText(JSON.parse(readFileSync(join(dir, "stacks", "dev-bootstrap", "cdk.tf.json"), "utf8")))) as Record<string, unknown>;
      return { resource: json.resource, data: json.data };
    };
    expect(blocks(floorOut)).toEqual(blocks(outdir));
  });
});
