import { isObject, isSet } from "../stack-view";
import { defineRule, type Rule } from "./rule";

/** The tags the tagging aspect puts on every taggable resource. */
export const REQUIRED_TAGS = ["Project", "Environment", "ManagedBy"] as const;

/**
 * PIPEOPS-0001: the final tags (after every aspect ran) of every resource whose type takes a
 * `tags` map, merged over the provider's default_tags as AWS will see them.
 */
export const tagRules: Rule[] = [
  defineRule("PIPEOPS-0001", "taggable", (view) =>
    view.all().flatMap((resource) => {
      if (!view.taggable.has(resource.address)) return [];
      const own = resource.body.tags;
      if (own !== undefined && !isObject(own)) {
        return [{ resource, message: "tags is an expression the guardrail cannot read; let the tagging aspect set a literal map." }];
      }
      const tags: Record<string, unknown> = { ...view.providerDefaultTags(resource), ...(own ?? {}) };
      const problems: string[] = [];
      const missing = REQUIRED_TAGS.filter((key) => !isSet(tags[key]));
      if (missing.length > 0) problems.push(`missing tag(s) ${missing.join(", ")}`);
      const expected: Record<string, string | undefined> = { Environment: view.context?.environment, Project: view.context?.project };
      for (const [key, value] of Object.entries(expected)) {
        if (value !== undefined && isSet(tags[key]) && tags[key] !== value) problems.push(`tag ${key} is ${JSON.stringify(tags[key])}, expected ${JSON.stringify(value)}`);
      }
      return problems.length === 0 ? [] : [{ resource, message: `${problems.join("; ")}.` }];
    }),
  ),
];
