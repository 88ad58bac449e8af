/**
 * Synth-time security guardrails: the AWS checks tfsec / Trivy run in CI, evaluated on the resolved
 * Terraform JSON of every stack before anything is written, with recorded waivers.
 *
 *   const guardrails = enableGuardrails(app, { waivers, contextOf: environmentContext });
 *   app.synth();                      // throws GuardrailError on a violation; writes nothing then
 *   console.log(guardrails.summary());
 */
import type { TerraformStack } from "cdktf";
import { EnvironmentStack } from "../stacks/environment-stack";
import type { StackContext } from "./stack-view";

export { RULE_CATALOG, RULE_IDS, isRuleId, type RuleId, type RuleInfo, type RuleScope, type Severity } from "./catalog";
export { enableGuardrails, Guardrails, resolveStacks, type GuardrailOptions, type ResolvedStack } from "./engine";
export { GuardrailError } from "./errors";
export { REPORT_FILE_NAME, type GuardrailReport, type FindingRecord, type WaiverRecord } from "./report";
export { ALL_RULES, type Finding, type Rule } from "./rules";
export { PRODUCTION_TIERS, StackView, type StackContext } from "./stack-view";
export { MIN_REASON_LENGTH, validateWaivers, type Waiver } from "./waivers";

/** The environment an EnvironmentStack was built from; undefined for any other stack. */
export function environmentContext(stack: TerraformStack): StackContext | undefined {
  if (!(stack instanceof EnvironmentStack)) return undefined;
  return { environment: stack.env.name, tier: stack.env.tier, project: stack.env.project };
}
