import { describe, expect, it } from "vitest";
import { waitingFor } from "../../src/plan-comment/waiting";
import { sharedTestApp, synthStack } from "../support/synth";

/**
 * A plan that waits for another stack's apply, told apart from a failed one by the precondition
 * messages the stacks themselves carry: the platform stack's (core state without the cluster's
 * outputs) and DR's (prod's state without the database ARN), read from the synthesized app.
 */

/** Every precondition error message of a synthesized stack. */
function preconditionMessages(stack: string): string[] {
  const synthesized = JSON.stringify(synthStack(sharedTestApp(), stack));
  return [...synthesized.matchAll(/"error_message":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]!}"`) as string);
}
const failed = (detail: string) => ({ severity: "error" as const, summary: "Resource precondition failed", detail });

describe("a plan waiting for another stack", () => {
  it("is the platform stack's plan before its core stack is applied: waiting for that environment", () => {
    const message = preconditionMessages("staging-platform").find((m) => m.includes("core state has no cluster outputs"));
    expect(message).toBeDefined();
    expect(waitingFor([failed(message!)])).toEqual({ environment: "staging", stack: "staging", detail: message });
  });

  it("is DR's plan before prod's core stack is applied: waiting for prod", () => {
    const message = preconditionMessages("dr").find((m) => m.includes("Apply prod's core stack first"));
    expect(message).toBeDefined();
    expect(waitingFor([failed(message!)])?.environment).toBe("prod");
  });

  it("is not a plan with any other error, or with warnings only, or one that names no known stack", () => {
    const message = "dev's core state has no cluster outputs yet. Apply the core stack first: cdktf deploy dev";
    expect(waitingFor([failed(message), { severity: "error", summary: "Error: AccessDenied", detail: "not authorized" }])).toBeUndefined();
    expect(waitingFor([{ severity: "warning", summary: "Resource precondition failed", detail: message }])).toBeUndefined();
    expect(waitingFor([{ ...failed(message), summary: "Invalid reference" }])).toBeUndefined();
    expect(waitingFor([failed("Apply it first: cdktf deploy not_a_stack_name!")])).toBeUndefined();
    expect(waitingFor([])).toBeUndefined();
  });
});
