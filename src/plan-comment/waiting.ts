import type { Diagnostic } from "./diagnostics";
import { environmentOf } from "./ci-stacks";

/**
 * A plan that cannot be made yet, rather than a broken one: every error Terraform reported is a
 * precondition that reads another stack's state and says to apply that stack first — the platform
 * stack before its core stack has been applied (src/stacks/platform-stack.ts), DR before prod's core
 * stack (dr/replication.ts). Both end their message with `Apply … first: cdktf deploy <stack>`; the
 * unit suite checks this against the messages the synthesized stacks carry.
 *
 * Such a plan passes the pull request's check as "waiting for <environment>": the first pull request
 * into a branch cannot pass otherwise, since nothing has been applied yet.
 */
const APPLY_FIRST = /\bApply [^\n]* first: cdktf deploy ([A-Za-z0-9_.-]+)\s*$/;

/** Terraform's summary of a failed `precondition` block. */
const PRECONDITION_FAILED = "Resource precondition failed";

export interface Waiting {
  /** The environment whose stack must be applied first. */
  readonly environment: string;
  /** That stack. */
  readonly stack: string;
  /** What Terraform said. */
  readonly detail: string;
}

/** What a failed plan waits for, or undefined when it failed for any other reason (or did not fail). */
export function waitingFor(diagnostics: readonly Diagnostic[]): Waiting | undefined {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return undefined;
  const waits = errors.map((d) => {
    const match = d.summary === PRECONDITION_FAILED ? APPLY_FIRST.exec(d.detail) : null;
    const owner = match ? environmentOf(match[1]!) : undefined;
    return match && owner ? { environment: owner.environment, stack: match[1]!, detail: d.detail } : undefined;
  });
  if (waits.some((w) => w === undefined)) return undefined;
  return waits[0];
}
