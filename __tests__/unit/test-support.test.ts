import { readFileSync } from "node:fs";
import { App, Lazy, TerraformOutput, TerraformStack, Testing, Tokenization } from "cdktf";
import { describe, expect, it } from "vitest";
import { CREATION_STACK_FRAMES } from "../../src/guardrails/cdktf-internals";
import { AWS, sharedTestApp, stackOf, synthStack, tempDir } from "../support/synth";

describe("synthStack on a shared app (every stack resolved once, as its synth does)", () => {
  it("gives the stack as cdktf's Testing.synth renders it", () => {
    const built = sharedTestApp(AWS);
    const shared = synthStack(built, "dev");
    const testing = Testing.synth(stackOf(built, "dev"));
    expect(shared.json).toEqual(JSON.parse(testing));
    // json-stable-stringify (Testing.synth) breaks an empty object over two lines; JSON.stringify does not.
    expect(shared.text.replace(/\{\}/g, "{\n}").replace(/\s+/g, "")).toBe(testing.replace(/\s+/g, ""));
  });
});

describe("cdktf's token creation stacks (capped: src/guardrails/cdktf-internals.ts)", () => {
  const madeHere = () => Lazy.stringValue({ produce: () => "value" });

  it("keep the innermost frames, down to the code that made the token, in Node's plain format", () => {
    const token = Tokenization.reverseString(madeHere()).firstToken as unknown as { creationStack: string[] };
    expect(token.creationStack.length).toBe(CREATION_STACK_FRAMES);
    expect(token.creationStack[0]).toMatch(/^new LazyBase \(.*cdktf\/lib\/tokens\/lazy\.js:\d+:\d+\)$/);
    expect(token.creationStack.some((frame) => /^madeHere \(.*test-support\.test\.ts:\d+:\d+\)$/.test(frame))).toBe(true);
  });

  it("still name where a token that fails to resolve was made", () => {
    const stack = new TerraformStack(new App({ outdir: tempDir("creation-stack") }), "s");
    new TerraformOutput(stack, "broken", { value: Lazy.stringValue({ produce: () => { throw new Error("cannot produce"); } }) });
    expect(() => stack.toTerraform()).toThrow(/cannot produce\.\nObject creation stack:\n {2}at new LazyBase \(/);
  });

  it("leave other captures on plain objects whole", () => {
    const record = { stack: "" };
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    try {
      Error.captureStackTrace(record);
    } finally {
      Error.stackTraceLimit = previous;
    }
    expect(record.stack.split("\n").slice(1).length).toBeGreaterThan(CREATION_STACK_FRAMES);
  });

  it("leave a real error its source-mapped stack, pointing at the TypeScript line", () => {
    const stack = new Error("boom").stack ?? "";
    const line = readFileSync(__filename, "utf8").split("\n").findIndex((text) => text.includes('new Error("boom")')) + 1;
    expect(stack).toMatch(new RegExp(`test-support\\.test\\.ts:${line}:\\d+`));
  });
});
