import { block, blocks, isSet, isTrue, type JsonObject, type StackView, type TerraformResourceJson } from "../stack-view";
import { defineRule, eachResource, type Rule } from "./rule";

const BUCKET = ["aws_s3_bucket"];
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read", "website"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/** The default-encryption rules of a bucket: its SSE configuration resources and the legacy inline block. */
function encryptionDefaults(view: StackView, bucket: TerraformResourceJson): JsonObject[] {
  const configurations = [
    ...view.bucketCompanions(bucket, "aws_s3_bucket_server_side_encryption_configuration").map((c) => c.body),
    ...blocks(bucket.body.server_side_encryption_configuration),
  ];
  return configurations.flatMap((configuration) => blocks(configuration.rule)).flatMap((rule) => blocks(rule.apply_server_side_encryption_by_default));
}

function usesCustomerManagedKey(defaults: JsonObject): boolean {
  const algorithm = defaults.sse_algorithm;
  const key = defaults.kms_master_key_id;
  const awsManaged = typeof key === "string" && (key === "alias/aws/s3" || key.endsWith(":alias/aws/s3"));
  return (algorithm === "aws:kms" || algorithm === "aws:kms:dsse") && isSet(key) && !awsManaged;
}

function publicAccessBlocks(view: StackView, bucket: TerraformResourceJson): JsonObject[] {
  return view.bucketCompanions(bucket, "aws_s3_bucket_public_access_block").map((c) => c.body);
}

/** AWS-0086/0087/0091/0093: one setting of the bucket's public access block. */
function publicAccessSetting(id: "AWS-0086" | "AWS-0087" | "AWS-0091" | "AWS-0093", setting: string): Rule {
  return defineRule(id, BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) => {
      const pabs = publicAccessBlocks(view, bucket);
      if (pabs.length === 0) return `no aws_s3_bucket_public_access_block for this bucket, so ${setting} is off.`;
      return pabs.some((pab) => isTrue(pab[setting])) ? undefined : `its public access block does not set ${setting} = true.`;
    }),
  );
}

function publicAcl(view: StackView, bucket: TerraformResourceJson): string | undefined {
  const acls = [bucket.body, ...view.bucketCompanions(bucket, "aws_s3_bucket_acl").map((c) => c.body)];
  for (const acl of acls) {
    if (typeof acl.acl === "string" && PUBLIC_CANNED_ACLS.includes(acl.acl)) return `canned ACL ${JSON.stringify(acl.acl)} makes it public.`;
    const grants = [...blocks(acl.grant), ...blocks(block(acl.access_control_policy)?.grant)];
    for (const grant of grants) {
      const uri = grant.uri ?? block(grant.grantee)?.uri;
      if (typeof uri === "string" && PUBLIC_GRANTEES.includes(uri)) return `an ACL grant to ${uri} makes it public.`;
    }
  }
  return undefined;
}

export const s3Rules: Rule[] = [
  defineRule("AWS-0094", BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) => (publicAccessBlocks(view, bucket).length > 0 ? undefined : "no aws_s3_bucket_public_access_block references this bucket.")),
  ),
  publicAccessSetting("AWS-0086", "block_public_acls"),
  publicAccessSetting("AWS-0087", "block_public_policy"),
  publicAccessSetting("AWS-0091", "ignore_public_acls"),
  publicAccessSetting("AWS-0093", "restrict_public_buckets"),
  defineRule("AWS-0092", BUCKET, (view) => eachResource(view, BUCKET, (bucket) => publicAcl(view, bucket))),
  defineRule("AWS-0088", BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) =>
      encryptionDefaults(view, bucket).some((defaults) => isSet(defaults.sse_algorithm))
        ? undefined
        : "no aws_s3_bucket_server_side_encryption_configuration with an sse_algorithm references this bucket.",
    ),
  ),
  defineRule("AWS-0132", BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) => {
      const defaults = encryptionDefaults(view, bucket);
      if (defaults.some(usesCustomerManagedKey)) return undefined;
      const algorithms = defaults.map((d) => d.sse_algorithm).filter(isSet);
      return algorithms.length > 0
        ? `default encryption is ${algorithms.map((a) => JSON.stringify(a)).join(", ")} without a customer managed kms_master_key_id.`
        : "no default encryption with a customer managed key.";
    }),
  ),
  defineRule("AWS-0089", BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) => {
      const logging = [...view.bucketCompanions(bucket, "aws_s3_bucket_logging").map((c) => c.body), ...blocks(bucket.body.logging)];
      return logging.some((l) => isSet(l.target_bucket)) ? undefined : "no aws_s3_bucket_logging with a target_bucket references this bucket.";
    }),
  ),
  defineRule("AWS-0090", BUCKET, (view) =>
    eachResource(view, BUCKET, (bucket) => {
      const versioned =
        view.bucketCompanions(bucket, "aws_s3_bucket_versioning").some((v) => block(v.body.versioning_configuration)?.status === "Enabled") ||
        isTrue(block(bucket.body.versioning)?.enabled);
      return versioned ? undefined : "no aws_s3_bucket_versioning with status \"Enabled\" references this bucket.";
    }),
  ),
];
