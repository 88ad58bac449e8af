import { RULE_IDS } from "../catalog";
import { encryptionRules } from "./encryption";
import { eksRules } from "./eks";
import { kubernetesRules } from "./kubernetes";
import { networkRules } from "./network";
import { rdsRules } from "./rds";
import { realAwsRules } from "./real-aws";
import { firstDeployRules } from "./first-deploy";
import { s3Rules } from "./s3";
import { tagRules } from "./tags";
import type { Rule } from "./rule";

export type { Finding, Rule } from "./rule";

/** Every rule, once each, in catalog order. */
export const ALL_RULES: readonly Rule[] = (() => {
  const rules = [...networkRules, ...eksRules, ...rdsRules, ...encryptionRules, ...s3Rules, ...tagRules, ...realAwsRules, ...kubernetesRules, ...firstDeployRules];
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const missing = RULE_IDS.filter((id) => !byId.has(id));
  if (missing.length > 0 || byId.size !== rules.length) {
    throw new Error(`guardrail catalog and rules disagree (unimplemented: ${missing.join(", ") || "none"}; duplicates: ${rules.length - byId.size})`);
  }
  return RULE_IDS.map((id) => byId.get(id)!);
})();
