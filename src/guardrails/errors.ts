/**
 * Thrown when the guardrails refuse to synthesize: a rule violation, a stale waiver, or a waiver
 * that is malformed. The message names stack, resource, rule and fix; nothing has been written.
 */
export class GuardrailError extends Error {
  constructor(
    readonly kind: "violations" | "invalid-waivers",
    message: string,
    /** The JSON report of the failed run, when one was written. */
    readonly reportPath?: string,
  ) {
    super(message);
    this.name = "GuardrailError";
  }
}
