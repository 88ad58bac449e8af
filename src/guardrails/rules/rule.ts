import type { RuleId } from "../catalog";
import type { StackView, TerraformResourceJson } from "../stack-view";

/** One problem a rule found on one resource. */
export interface Finding {
  readonly resource: TerraformResourceJson;
  /** What is wrong, in terms of the resource's own arguments. */
  readonly message: string;
}

/**
 * A guardrail rule: reads one stack's resolved Terraform JSON and returns its findings. Title,
 * severity and remediation live in the catalog under the same ID.
 */
export interface Rule {
  readonly id: RuleId;
  /** The resource types it inspects (for the report's "resources checked"); "taggable" for every taggable resource. */
  readonly resourceTypes: readonly string[] | "taggable";
  check(view: StackView): Finding[];
}

export function defineRule(id: RuleId, resourceTypes: Rule["resourceTypes"], check: (view: StackView) => Finding[]): Rule {
  return { id, resourceTypes, check };
}

/** Findings for every resource of `types` for which `problem` returns a message. */
export function eachResource(view: StackView, types: readonly string[], problem: (resource: TerraformResourceJson) => string | undefined): Finding[] {
  return view.resources(...types).flatMap((resource) => {
    const message = problem(resource);
    return message === undefined ? [] : [{ resource, message }];
  });
}
