import { describe, expect, it } from "vitest";

describe("test support: cdktf's token creation stacks", () => {
  it("a capture on a plain object (what cdktf records for each token) keeps only its innermost frames", () => {
    const record = { stack: "" };
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
    try {
      Error.captureStackTrace(record);
    } finally {
      Error.stackTraceLimit = previous;
    }
    const frames = record.stack.split("\n").slice(1);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThanOrEqual(6);
  });

  it("a real error keeps its source-mapped stack, pointing at the TypeScript line", () => {
    const stack = new Error("boom").stack ?? "";
    expect(stack).toMatch(/test-support\.test\.ts:19:\d+/);
  });
});
