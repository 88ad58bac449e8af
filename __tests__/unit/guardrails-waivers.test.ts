import { describe, expect, it } from "vitest";
import { App } from "cdktf";
import { waivers } from "../../environments/waivers";
import { GuardrailError, MIN_REASON_LENGTH, enableGuardrails, environmentContext, validateWaivers, type Waiver } from "../../src/guardrails";
import { tempDir } from "../support/synth";

const good: Waiver = {
  stack: "dev-bootstrap",
  resource: "dev-bootstrap/access-logs/bucket",
  rule: "AWS-0089",
  reason: "This bucket is the access-log target of the state bucket and cannot log into itself.",
};
const now = new Date("2026-06-15T12:00:00Z");

function refusal(raw: unknown[]): string {
  try {
    validateWaivers(raw, now);
  } catch (error) {
    expect(error).toBeInstanceOf(GuardrailError);
    expect((error as GuardrailError).kind).toBe("invalid-waivers");
    return (error as Error).message;
  }
  throw new Error("the waivers were accepted");
}

describe("waiver validation", () => {
  it("accepts the recorded waivers of environments/waivers.ts, each with a real reason", () => {
    expect(validateWaivers(waivers, now)).toHaveLength(waivers.length);
    for (const waiver of waivers) expect(waiver.reason.trim().length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });

  it.each([
    ["an empty reason", { ...good, reason: "" }, /has no reason\. Fix: write why/],
    ["a blank reason", { ...good, reason: "   " }, /has no reason/],
    ["no reason at all", { stack: good.stack, resource: good.resource, rule: good.rule }, /has no reason/],
    ["a one-word reason", { ...good, reason: "accepted" }, /reason "accepted" is not an explanation\. Fix: write at least 5 words/],
    ["a short reason", { ...good, reason: "known, fine for now" }, /is not an explanation/],
    ["a placeholder reason", { ...good, reason: "TODO: explain why this bucket is not logged anywhere" }, /is not an explanation/],
  ])("refuses a waiver with %s", (_, waiver, pattern) => {
    const message = refusal([waiver]);
    expect(message).toMatch(/^Invalid guardrail waivers \(1 problem\) in environments\/waivers\.ts; nothing was synthesized:/);
    expect(message).toContain("waiver #1 (dev-bootstrap dev-bootstrap/access-logs/bucket AWS-0089)");
    expect(message).toMatch(pattern);
  });

  it("refuses an unknown rule ID, and points tfsec / AVD spellings to the ID", () => {
    expect(refusal([{ ...good, rule: "AWS-9999" }])).toMatch(/rule "AWS-9999" is not a guardrail rule ID\. Fix: use an ID from src\/guardrails\/catalog\.ts/);
    expect(refusal([{ ...good, rule: "AVD-AWS-0089" }])).toMatch(/Fix: write "AWS-0089"/);
    expect(refusal([{ ...good, rule: "aws-s3-enable-bucket-logging" }])).toMatch(/Fix: write "AWS-0089"/);
  });

  it("refuses a waiver without stack or resource", () => {
    const message = refusal([{ ...good, stack: "" }, { ...good, resource: " " }]);
    expect(message).toMatch(/\(2 problems\)/);
    expect(message).toMatch(/waiver #1 .* stack "" is not a stack name/);
    expect(message).toMatch(/waiver #2 .* resource is missing/);
  });

  it("honours expiry dates: refuses an expired or malformed one, accepts one still ahead (and today)", () => {
    expect(refusal([{ ...good, expires: "2026-06-14" }])).toMatch(/expired on 2026-06-14\. Fix: resolve the finding and remove the waiver, or renew it/);
    expect(refusal([{ ...good, expires: "2026-02-30" }])).toMatch(/expires "2026-02-30" is not a date/);
    expect(refusal([{ ...good, expires: "next year" }])).toMatch(/is not a date/);
    expect(validateWaivers([{ ...good, expires: "2026-06-15" }, { ...good, rule: "AWS-0132", expires: "2027-01-01" }], now)).toHaveLength(2);
  });

  it("refuses the same exemption recorded twice", () => {
    expect(refusal([good, { ...good, reason: `${good.reason} Again.` }])).toMatch(/waiver #2 .* repeats waiver #1/);
  });

  it("lists every problem of every waiver in one error", () => {
    const message = refusal([{ ...good, reason: "" }, { ...good, rule: "AWS-0000", resource: "x" }, good]);
    expect(message).toMatch(/\(3 problems\)/);
    expect(message).toMatch(/waiver #1 .* has no reason/);
    expect(message).toMatch(/waiver #2 .* rule "AWS-0000" is not a guardrail rule ID/);
    expect(message).toMatch(/waiver #3 .* repeats waiver #1/);
  });

  it("checks waivers as soon as the guardrails are enabled, before any stack exists", () => {
    const app = new App({ outdir: tempDir("waivers") });
    expect(() => enableGuardrails(app, { waivers: [{ ...good, reason: "" }], contextOf: environmentContext })).toThrow(GuardrailError);
  });
});
