import { Construct } from "constructs";
import type { TerraformResourceLifecycle } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * Customer managed KMS key for default encryption. Omit only for buckets AWS services write to
   * that cannot use SSE-KMS (S3 server access log targets), which then get SSE-S3.
   */
  readonly kmsKeyArn?: string;
  /** Days to keep noncurrent object versions. */
  readonly noncurrentVersionRetentionDays: number;
  /** Bucket that receives this bucket's server access logs. */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Extra bucket-policy statements (the deny-non-TLS statement is always present). */
  readonly extraPolicyStatements?: DataAwsIamPolicyDocumentStatement[];
  /** Refuse `terraform destroy` of the bucket itself. */
  readonly preventDestroy: boolean;
}

/**
 * An S3 bucket with the defaults of terraform-aws-modules/s3-bucket turned on: versioning,
 * default encryption, all four public-access blocks, ACLs disabled, a policy that refuses plain
 * HTTP, lifecycle for old versions and never force-destroyed.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const lifecycle: TerraformResourceLifecycle | undefined = props.preventDestroy ? { preventDestroy: true } : undefined;
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: false, lifecycle });
    const bucket = this.bucket.id;

    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });

    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        ...(props.extraPolicyStatements ?? []),
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    // The policy waits for the public-access block so AWS never sees the bucket briefly open.
    this.policy = new S3BucketPolicy(this, "policy", { bucket, policy: policy.json, dependsOn: [publicAccessBlock] });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionRetentionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "access-logging", {
        bucket,
        targetBucket: props.accessLogs.bucket.bucket.id,
        targetPrefix: props.accessLogs.prefix,
        // S3 checks the target's policy admits the logging service when logging is turned on.
        dependsOn: [props.accessLogs.bucket.policy],
      });
    }
  }
}
