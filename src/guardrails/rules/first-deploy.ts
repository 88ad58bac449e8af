import { asStrings, isExpression, type StackView } from "../stack-view";
import { defineRule, eachResource, type Finding, type Rule } from "./rule";

/**
 * What real AWS does slowly, asynchronously or in another stack's time, and the local emulator at
 * once — rules that keep a first deploy of a fresh account from waiting on something that cannot
 * happen yet:
 *
 * - ACM issues a DNS-validated certificate only once its validation record resolves publicly, that
 *   is once the parent domain delegates to the zone. A zone created in the same apply is delegated
 *   by nobody yet, and aws_acm_certificate_validation then waits out its create timeout, 75 minutes
 *   by default (hashicorp/terraform-provider-aws internal/service/acm/certificate_validation.go,
 *   `schema.DefaultTimeout(75 * time.Minute)` at commits af55dfb (a 4.x release) and 004eea7
 *   (2026), so in 5.100.0 between them; 45 minutes before 4.12.0, provider issue #20073; an
 *   interrupt does not stop the wait, issue #13031; read 2026-12-07). moto issues every
 *   certificate after MOTO_ACM_VALIDATION_WAIT seconds, validation record or not.
 * - A cost allocation tag key can be activated only once it appears in the account's billing data,
 *   up to 24 hours after a resource first carries it (AWS Billing user guide, "Activating
 *   user-defined cost allocation tags"); before that the provider's read after
 *   UpdateCostAllocationTagsStatus fails with "empty result" (hashicorp/terraform-provider-aws
 *   issue #29068, read 2026-12-07). moto has no cost-allocation-tag API at all.
 * - An alarm whose action names a topic by a typed ARN goes nowhere while that topic does not
 *   exist, and nothing orders its creation before the alarm's; CloudWatch accepts the ARN either way.
 */

function validationsBesideACreatedZone(view: StackView): Finding[] {
  const zones = view.resources("aws_route53_zone");
  if (zones.length === 0) return [];
  return eachResource(view, ["aws_acm_certificate_validation"], () =>
    `waits for ACM to issue its certificate in the apply that creates ${zones.map((z) => z.address).join(", ")}: no parent domain delegates to a new zone yet, so ACM cannot see the validation record and the wait runs into its timeout.`,
  );
}

const ALARM_ACTIONS = ["alarm_actions", "ok_actions", "insufficient_data_actions"] as const;

function typedTopicArns(view: StackView): Finding[] {
  return eachResource(view, ["aws_cloudwatch_metric_alarm"], (alarm) => {
    const typed = ALARM_ACTIONS.flatMap((argument) => asStrings(alarm.body[argument]).filter((action) => !isExpression(action) && action.startsWith("arn:aws:sns:")).map((arn) => `${argument} ${arn}`));
    return typed.length === 0 ? undefined : `${typed.join(", ")}: a typed topic ARN; nothing makes that topic exist before the alarm, whose messages go nowhere until it does.`;
  });
}

function costTagsBesideOtherResources(view: StackView): Finding[] {
  const tags = view.resources("aws_ce_cost_allocation_tag");
  const others = view.all().filter((resource) => resource.type !== "aws_ce_cost_allocation_tag");
  if (tags.length === 0 || others.length === 0) return [];
  return tags.map((resource) => ({
    resource,
    message: `is applied with ${others.length} other resources (${others.slice(0, 3).map((r) => r.address).join(", ")}…): on a fresh account the tag key is not in the billing data yet, the activation fails, and the whole apply with it.`,
  }));
}

export const firstDeployRules: Rule[] = [
  defineRule("PIPEOPS-0011", ["aws_acm_certificate_validation"], validationsBesideACreatedZone),
  defineRule("PIPEOPS-0012", ["aws_cloudwatch_metric_alarm"], typedTopicArns),
  defineRule("PIPEOPS-0013", ["aws_ce_cost_allocation_tag"], costTagsBesideOtherResources),
];
