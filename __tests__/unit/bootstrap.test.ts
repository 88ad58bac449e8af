import { describe, expect, it } from "vitest";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { dev } from "../../environments";
import { AWS, buildTestApp, resourcesOf, synthStack, type SynthesizedStack, sharedTestApp } from "../support/synth";

const built = sharedTestApp(AWS);
const environments = built.environments.map((env) => env.name);

function referenceTo(stack: SynthesizedStack, type: string, predicate: (body: Record<string, unknown>) => boolean): string {
  const match = resourcesOf(stack, type).find(([, body]) => predicate(body));
  if (!match) throw new Error(`no ${type} matches`);
  return `${type}.${match[0]}`;
}

describe.each(environments)("%s-bootstrap stack", (name) => {
  const env = built.environments.find((e) => e.name === name)!;
  const stack = synthStack(built, `${name}-bootstrap`);
  const bucketName = `pipeops-tfstate-${name}-${env.accountId}`;
  const stateBucket = referenceTo(stack, "aws_s3_bucket", (b) => b.bucket === bucketName);
  const stateKey = `aws_kms_key.${resourcesOf(stack, "aws_kms_key")[0]![0]}`;

  it("derives the global bucket name from the prefix, the environment and the account", () => {
    expect(stack.text).toHaveResourceWithProperties(S3Bucket, { bucket: bucketName, force_destroy: false });
  });

  it("versions the state bucket", () => {
    expect(stack.text).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: `\${${stateBucket}.id}`,
      versioning_configuration: { status: "Enabled" },
    });
  });

  it("encrypts the state bucket with the rotating customer managed key", () => {
    const [[, sse]] = resourcesOf(stack, "aws_s3_bucket_server_side_encryption_configuration").filter(([, b]) => b.bucket === `\${${stateBucket}.id}`);
    expect(sse).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: `\${${stateKey}.arn}` }, bucket_key_enabled: true }],
    });
    expect(stack.text).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it("blocks every kind of public access on both buckets", () => {
    const blocks = resourcesOf(stack, "aws_s3_bucket_public_access_block");
    expect(blocks).toHaveLength(2);
    for (const [, block] of blocks) {
      expect(block).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    expect(stack.text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, { bucket: `\${${stateBucket}.id}` });
  });

  it("refuses plain-HTTP requests in the bucket policy", () => {
    const documents = Object.values(stack.json.data?.aws_iam_policy_document ?? {});
    const denies = documents.flatMap((d) => (d.statement as Record<string, unknown>[]).filter((s) => s.sid === "DenyInsecureTransport"));
    expect(denies).toHaveLength(2);
    for (const deny of denies) {
      expect(deny).toMatchObject({ effect: "Deny", actions: ["s3:*"], condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] });
    }
  });

  it("expires old object versions and aborts stale multipart uploads", () => {
    const [[, lifecycle]] = resourcesOf(stack, "aws_s3_bucket_lifecycle_configuration").filter(([, b]) => b.bucket === `\${${stateBucket}.id}`);
    expect(lifecycle).toMatchObject({
      rule: [{ status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: env.stateBackend.noncurrentVersionRetentionDays }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }],
    });
  });

  it("logs access to the state bucket into its own log bucket", () => {
    const [[, logging]] = resourcesOf(stack, "aws_s3_bucket_logging");
    expect(logging).toMatchObject({ bucket: `\${${stateBucket}.id}`, target_prefix: "state-bucket/" });
  });

  it("creates the lock table: LockID, on-demand, point-in-time recovery, customer key", () => {
    expect(stack.text).toHaveResourceWithProperties(DynamodbTable, {
      name: `pipeops-tfstate-${name}-locks`,
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: `\${${stateKey}.arn}` },
      deletion_protection_enabled: env.stateBackend.protectFromDestroy,
    });
  });

  it("guards the backend against destroy where the environment asks for it", () => {
    const bucket = resourcesOf(stack, "aws_s3_bucket").find(([, b]) => b.bucket === bucketName)![1];
    expect(bucket.lifecycle).toEqual(env.stateBackend.protectFromDestroy ? { prevent_destroy: true } : undefined);
  });

  it("keeps its own state local until migrated into its bucket", () => {
    expect(stack.json.terraform.backend).toEqual({ local: { path: `/project/state/${name}-bootstrap.tfstate` } });
  });

  it("publishes the backend names as outputs", () => {
    expect(Object.keys(stack.json.output ?? {}).sort()).toEqual(["lock_table_name", "state_bucket_arn", "state_bucket_name", "state_kms_key_arn"]);
  });
});

describe("bootstrap state migration", () => {
  it("moves a bootstrap stack's own state into its bucket when bootstrapStateInBucket is set", () => {
    const migrated = buildTestApp(AWS, [{ ...dev, stateBackend: { ...dev.stateBackend, bootstrapStateInBucket: true } }]);
    const backend = synthStack(migrated, "dev-bootstrap").json.terraform.backend?.s3;
    expect(backend).toMatchObject({ bucket: "pipeops-tfstate-dev-111111111111", key: "dev-bootstrap/terraform.tfstate", encrypt: true, use_lockfile: true });
  });
});
