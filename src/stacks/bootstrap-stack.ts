import { LocalBackend, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { bootstrapLocalStatePath } from "../target";
import { GITHUB_DEFAULT_BRANCH, GITHUB_DEPLOY_BRANCHES, GITHUB_REPOSITORY } from "../config/github";
import { terraformManagedSecrets } from "./names";
import { CustomerManagedKey } from "../../modules/kms/customer-managed-key";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import { useStateBackend } from "../../backend/state-backend";
import { stackStateLocation, stateBackendNames } from "./state-location";
import { GithubOidc } from "../../backend/github-oidc";

export interface BootstrapStackProps extends EnvironmentStackProps {
  /** Folder for the bootstrap's own local state until it is migrated into its bucket. */
  readonly localStateDir: string;
}

/**
 * `<env>-bootstrap`: the state backend every other stack of the environment uses — a versioned,
 * KMS-encrypted S3 bucket (with an access-log bucket) and a DynamoDB lock table.
 */
export class BootstrapStack extends EnvironmentStack {
  readonly stateBucket: SecureBucket;
  readonly lockTable: DynamodbTable;
  readonly stateKey: CustomerManagedKey;
  /** GitHub Actions' OIDC provider and the plan / deploy roles of this environment. */
  readonly github: GithubOidc;

  constructor(scope: Construct, stackName: string, props: BootstrapStackProps) {
    super(scope, stackName, props);
    const { env, target } = props;
    const names = stateBackendNames(env, target);
    const protect = env.stateBackend.protectFromDestroy;

    if (env.stateBackend.bootstrapStateInBucket) {
      useStateBackend(this, stackStateLocation(env, target, stackName));
    } else {
      new LocalBackend(this, { path: bootstrapLocalStatePath(target, stackName, props.localStateDir) });
    }

    this.stateKey = new CustomerManagedKey(this, "state-key", {
      alias: names.kmsAlias,
      description: `Encrypts Terraform state and locks of ${env.project} ${env.name}`,
    });

    const accessLogs = new SecureBucket(this, "access-logs", {
      bucketName: `${names.bucket}-logs`,
      // S3 server access log delivery supports only SSE-S3 on the target bucket.
      kmsKeyArn: undefined,
      noncurrentVersionRetentionDays: env.stateBackend.noncurrentVersionRetentionDays,
      preventDestroy: protect,
      extraPolicyStatements: [
        {
          sid: "AllowS3ServerAccessLogDelivery",
          actions: ["s3:PutObject"],
          resources: [`arn:aws:s3:::${names.bucket}-logs/*`],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [this.accountId] }],
        },
      ],
    });

    this.stateBucket = new SecureBucket(this, "state", {
      bucketName: names.bucket,
      kmsKeyArn: this.stateKey.arn,
      noncurrentVersionRetentionDays: env.stateBackend.noncurrentVersionRetentionDays,
      preventDestroy: protect,
      accessLogs: { bucket: accessLogs, prefix: "state-bucket/" },
    });

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: names.lockTable,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.stateKey.arn },
      deletionProtectionEnabled: protect,
      lifecycle: protect ? { preventDestroy: true } : undefined,
    });

    // An account has one GitHub OIDC provider: an environment sharing its account with one built
    // before it (DR with prod) uses that one's, so bootstrap that environment first.
    const sharesAccount = scope.node.children.some((c) => c !== this && c instanceof BootstrapStack && c.accountId === this.accountId);
    this.github = new GithubOidc(this, "github-oidc", {
      env,
      accountId: this.accountId,
      state: { bucketArn: this.stateBucket.bucket.arn, lockTableArn: this.lockTable.arn, kmsKeyArn: this.stateKey.arn },
      provider: sharesAccount ? "existing" : "create",
      repository: GITHUB_REPOSITORY,
      deployBranch: GITHUB_DEPLOY_BRANCHES[env.name] ?? GITHUB_DEFAULT_BRANCH,
      defaultBranch: GITHUB_DEFAULT_BRANCH,
      managedSecrets: terraformManagedSecrets(env),
    });

    new TerraformOutput(this, "state_bucket_name", { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, "state_bucket_arn", { value: this.stateBucket.bucket.arn });
    new TerraformOutput(this, "lock_table_name", { value: this.lockTable.name });
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateKey.arn });
  }
}
