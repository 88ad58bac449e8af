import { block, isSet, isTrue } from "../stack-view";
import { defineRule, eachResource, type Rule } from "./rule";

/** A key reference that names an AWS managed key (alias/aws/<service>) rather than a customer managed one. */
function isAwsManagedAlias(value: unknown, service: string): boolean {
  return typeof value === "string" && (value === `alias/aws/${service}` || value.endsWith(`:alias/aws/${service}`));
}

/** Key usages and specs for which AWS offers no automatic rotation. */
const NON_ROTATABLE_USAGES = ["SIGN_VERIFY", "GENERATE_VERIFY_MAC"];

export const encryptionRules: Rule[] = [
  defineRule("AWS-0065", ["aws_kms_key"], (view) =>
    eachResource(view, ["aws_kms_key"], (key) => {
      const usage = key.body.key_usage;
      const spec = key.body.customer_master_key_spec ?? key.body.key_spec;
      if (typeof usage === "string" && NON_ROTATABLE_USAGES.includes(usage)) return undefined;
      if (typeof spec === "string" && spec !== "SYMMETRIC_DEFAULT") return undefined;
      return isTrue(key.body.enable_key_rotation) ? undefined : "enable_key_rotation is not true.";
    }),
  ),
  defineRule("AWS-0017", ["aws_cloudwatch_log_group"], (view) =>
    eachResource(view, ["aws_cloudwatch_log_group"], (group) => (isSet(group.body.kms_key_id) ? undefined : "kms_key_id is not set.")),
  ),
  defineRule("AWS-0024", ["aws_dynamodb_table"], (view) =>
    eachResource(view, ["aws_dynamodb_table"], (table) =>
      isTrue(block(table.body.point_in_time_recovery)?.enabled) ? undefined : "point_in_time_recovery.enabled is not true.",
    ),
  ),
  defineRule("AWS-0025", ["aws_dynamodb_table"], (view) =>
    eachResource(view, ["aws_dynamodb_table"], (table) => {
      const sse = block(table.body.server_side_encryption);
      if (!isTrue(sse?.enabled)) return "server_side_encryption.enabled is not true (an AWS owned key is used).";
      if (!isSet(sse?.kms_key_arn)) return "server_side_encryption has no kms_key_arn (the AWS managed key is used).";
      return isAwsManagedAlias(sse?.kms_key_arn, "dynamodb") ? "server_side_encryption.kms_key_arn is the AWS managed key alias/aws/dynamodb." : undefined;
    }),
  ),
  defineRule("AWS-0095", ["aws_sns_topic"], (view) =>
    eachResource(view, ["aws_sns_topic"], (topic) => (isSet(topic.body.kms_master_key_id) ? undefined : "kms_master_key_id is not set.")),
  ),
  defineRule("AWS-0136", ["aws_sns_topic"], (view) =>
    eachResource(view, ["aws_sns_topic"], (topic) =>
      isAwsManagedAlias(topic.body.kms_master_key_id, "sns") ? "kms_master_key_id is the AWS managed key alias/aws/sns." : undefined,
    ),
  ),
  defineRule("AWS-0098", ["aws_secretsmanager_secret"], (view) =>
    eachResource(view, ["aws_secretsmanager_secret"], (secret) => {
      if (!isSet(secret.body.kms_key_id)) return "kms_key_id is not set (the AWS managed key is used).";
      return isAwsManagedAlias(secret.body.kms_key_id, "secretsmanager") ? "kms_key_id is the AWS managed key alias/aws/secretsmanager." : undefined;
    }),
  ),
];
