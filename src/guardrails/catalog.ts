/**
 * The guardrail rules by ID: what each one checks, which tfsec / Trivy check it mirrors and how to
 * fix a finding. IDs are Trivy's (`AWS-0080`, alias `AVD-AWS-0080`); `longId` is the tfsec name used
 * in `tfsec:ignore:<longId>` comments. Rules this project adds on top carry a `PIPEOPS-` ID.
 *
 * Kept free of imports so that environments/waivers.ts can type its rule IDs against it cheaply.
 */

export type Severity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";

/** Which stacks a rule applies to: all of them, or only those of production-like tiers. */
export type RuleScope = "all-stacks" | "production-tiers";

export interface RuleInfo {
  readonly title: string;
  /** Trivy's AVD ID, or undefined for a project rule. */
  readonly avdId?: string;
  /** tfsec's long ID (aws-<service>-<short-code>). */
  readonly longId?: string;
  readonly severity: Severity;
  readonly scope: RuleScope;
  readonly remediation: string;
  /** Where the mirrored behaviour differs from tfsec / Trivy, and why. */
  readonly note?: string;
}

export const RULE_CATALOG = {
  // --- EC2 / VPC -------------------------------------------------------------------------------
  "AWS-0178": {
    title: "VPC Flow Logs should be enabled for every VPC",
    avdId: "AVD-AWS-0178",
    longId: "aws-ec2-require-vpc-flow-logs-for-all-vpcs",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "add an aws_flow_log whose vpc_id references this VPC (the network module's flow log).",
  },
  "AWS-0104": {
    title: "A security group rule should not allow unrestricted egress to any IP address",
    avdId: "AVD-AWS-0104",
    longId: "aws-ec2-no-public-egress-sgr",
    severity: "CRITICAL",
    scope: "all-stacks",
    remediation: "restrict egress to the CIDRs or security groups actually needed (VPC CIDR, VPC endpoints, prefix lists); if the workload truly needs the internet, record a waiver saying so.",
  },
  "AWS-0107": {
    title: "A security group rule should not allow unrestricted ingress from any IP address",
    avdId: "AVD-AWS-0107",
    longId: "aws-ec2-no-public-ingress-sgr",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "allow ingress only from known CIDRs or source security groups, never 0.0.0.0/0 or ::/0.",
    note: "tfsec flags any port; current Trivy releases narrow AWS-0107 to SSH/RDP. The stricter tfsec form is kept.",
  },
  "AWS-0164": {
    title: "Instances in a subnet should not receive a public IP address by default",
    avdId: "AVD-AWS-0164",
    longId: "aws-ec2-no-public-ip-subnet",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set map_public_ip_on_launch = false; load balancers and NAT gateways get their public addresses without it.",
  },
  "AWS-0130": {
    title: "Launch templates and configurations should require IMDSv2 session tokens",
    avdId: "AVD-AWS-0130",
    longId: "aws-ec2-enforce-launch-config-http-token-imds",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set metadata_options { http_tokens = \"required\" } (and http_put_response_hop_limit = 1 or 2 for pods).",
  },
  "AWS-0028": {
    title: "EC2 instances should require IMDSv2 session tokens",
    avdId: "AVD-AWS-0028",
    longId: "aws-ec2-enforce-http-token-imds",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set metadata_options { http_tokens = \"required\" } on the instance.",
  },
  // --- EKS -------------------------------------------------------------------------------------
  "AWS-0038": {
    title: "EKS clusters should have all control plane log types enabled",
    avdId: "AVD-AWS-0038",
    longId: "aws-eks-enable-control-plane-logging",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \"scheduler\"].",
  },
  "AWS-0039": {
    title: "EKS should encrypt Kubernetes secrets with a KMS key",
    avdId: "AVD-AWS-0039",
    longId: "aws-eks-encrypt-secrets",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add encryption_config { resources = [\"secrets\"], provider { key_arn = <customer managed key ARN> } }.",
  },
  "AWS-0040": {
    title: "EKS clusters should have the public API endpoint disabled",
    avdId: "AVD-AWS-0040",
    longId: "aws-eks-no-public-cluster-access",
    severity: "CRITICAL",
    scope: "all-stacks",
    remediation: "set vpc_config.endpoint_public_access = false and reach the API through the VPC (VPN, bastion, CI runners in the VPC); a public endpoint restricted to known CIDRs needs a recorded waiver.",
  },
  "AWS-0041": {
    title: "EKS public API endpoint should not be open to every address",
    avdId: "AVD-AWS-0041",
    longId: "aws-eks-no-public-cluster-access-to-cidr",
    severity: "CRITICAL",
    scope: "all-stacks",
    remediation: "set vpc_config.public_access_cidrs to your office / VPN ranges (it defaults to 0.0.0.0/0), or turn the public endpoint off.",
    note: "Fires on CIDRs that allow every address (/0) and on the 0.0.0.0/0 default. tfsec also flags narrower public ranges; with the public endpoint on, that exposure is already reported (and waived) under AWS-0040.",
  },
  // --- RDS -------------------------------------------------------------------------------------
  "AWS-0080": {
    title: "RDS instance storage should be encrypted",
    avdId: "AVD-AWS-0080",
    longId: "aws-rds-encrypt-instance-storage-data",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set storage_encrypted = true and kms_key_id = <customer managed key>; a cross-region read replica needs kms_key_id of a key in its own region.",
    note: "A read replica counts as encrypted when it names kms_key_id, or when its source in the same stack is encrypted (replicas inherit encryption).",
  },
  "AWS-0079": {
    title: "RDS cluster storage should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0079",
    longId: "aws-rds-encrypt-cluster-storage-data",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set storage_encrypted = true and kms_key_id = <customer managed key> on the cluster.",
  },
  "AWS-0180": {
    title: "RDS instances should not be publicly accessible",
    avdId: "AVD-AWS-0180",
    longId: "aws-rds-enable-public-access",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set publicly_accessible = false and keep the database in private (database) subnets.",
  },
  "AWS-0176": {
    title: "RDS IAM database authentication should be enabled (PostgreSQL, MySQL)",
    avdId: "AVD-AWS-0176",
    longId: "aws-rds-enable-iam-auth",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set iam_database_authentication_enabled = true.",
  },
  "AWS-0133": {
    title: "RDS instances should have Performance Insights enabled",
    avdId: "AVD-AWS-0133",
    longId: "aws-rds-enable-performance-insights",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "set performance_insights_enabled = true with performance_insights_kms_key_id = <customer managed key>.",
  },
  "AWS-0078": {
    title: "RDS Performance Insights should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0078",
    longId: "aws-rds-performance-insights-encryption-customer-key",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "set performance_insights_kms_key_id = <customer managed key ARN>.",
  },
  "AWS-0077": {
    title: "RDS backups should be kept longer than the default (7+ days on production tiers)",
    avdId: "AVD-AWS-0077",
    longId: "aws-rds-specify-backup-retention",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set backup_retention_period (database.backupRetentionDays): at least 2 days everywhere, at least 7 on production and disaster-recovery tiers.",
    note: "Read replicas are skipped, as in Trivy. The 7-day floor for production tiers is this project's addition.",
  },
  "AWS-0177": {
    title: "Production databases should have deletion protection",
    avdId: "AVD-AWS-0177",
    longId: "aws-rds-enable-deletion-protection",
    severity: "MEDIUM",
    scope: "production-tiers",
    remediation: "set deletion_protection = true (database.deletionProtection) on every instance of a production or disaster-recovery stack.",
    note: "Trivy checks every instance; here it applies to production and disaster-recovery tiers, where development stacks are meant to be destroyable.",
  },
  "AWS-0343": {
    title: "Production RDS clusters should have deletion protection",
    avdId: "AVD-AWS-0343",
    longId: "aws-rds-enable-cluster-deletion-protection",
    severity: "MEDIUM",
    scope: "production-tiers",
    remediation: "set deletion_protection = true on the cluster.",
  },
  // --- KMS, logs, DynamoDB, SNS, Secrets Manager -----------------------------------------------
  "AWS-0065": {
    title: "KMS keys should rotate automatically",
    avdId: "AVD-AWS-0065",
    longId: "aws-kms-auto-rotate-keys",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set enable_key_rotation = true (the CustomerManagedKey module does).",
  },
  "AWS-0017": {
    title: "CloudWatch log groups should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0017",
    longId: "aws-cloudwatch-log-group-customer-key",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "set kms_key_id to a customer managed key whose policy lets logs.<region>.amazonaws.com use it.",
  },
  "AWS-0024": {
    title: "DynamoDB tables should have point-in-time recovery enabled",
    avdId: "AVD-AWS-0024",
    longId: "aws-dynamodb-enable-recovery",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set point_in_time_recovery { enabled = true }.",
  },
  "AWS-0025": {
    title: "DynamoDB tables should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0025",
    longId: "aws-dynamodb-table-customer-key",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "set server_side_encryption { enabled = true, kms_key_arn = <customer managed key ARN> } (not alias/aws/dynamodb).",
  },
  "AWS-0095": {
    title: "SNS topics should be encrypted",
    avdId: "AVD-AWS-0095",
    longId: "aws-sns-enable-topic-encryption",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "set kms_master_key_id to a customer managed key.",
  },
  "AWS-0136": {
    title: "SNS topics should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0136",
    longId: "aws-sns-topic-encryption-use-cmk",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "use a customer managed key for kms_master_key_id, not alias/aws/sns.",
  },
  "AWS-0098": {
    title: "Secrets Manager secrets should be encrypted with a customer managed key",
    avdId: "AVD-AWS-0098",
    longId: "aws-ssm-secret-use-customer-key",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "set kms_key_id to a customer managed key (not alias/aws/secretsmanager).",
  },
  // --- S3 --------------------------------------------------------------------------------------
  "AWS-0086": {
    title: "S3 public access block should block public ACLs",
    avdId: "AVD-AWS-0086",
    longId: "aws-s3-block-public-acls",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_public_access_block for the bucket with block_public_acls = true.",
  },
  "AWS-0087": {
    title: "S3 public access block should block public policies",
    avdId: "AVD-AWS-0087",
    longId: "aws-s3-block-public-policy",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_public_access_block for the bucket with block_public_policy = true.",
  },
  "AWS-0088": {
    title: "S3 buckets should have default encryption configured",
    avdId: "AVD-AWS-0088",
    longId: "aws-s3-enable-bucket-encryption",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_server_side_encryption_configuration for the bucket (SSE-KMS with a customer managed key).",
  },
  "AWS-0089": {
    title: "S3 buckets should have server access logging enabled",
    avdId: "AVD-AWS-0089",
    longId: "aws-s3-enable-bucket-logging",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_logging for the bucket that targets the environment's access-log bucket.",
  },
  "AWS-0090": {
    title: "S3 buckets should be versioned",
    avdId: "AVD-AWS-0090",
    longId: "aws-s3-enable-versioning",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_versioning for the bucket with status = \"Enabled\".",
  },
  "AWS-0091": {
    title: "S3 public access block should ignore public ACLs",
    avdId: "AVD-AWS-0091",
    longId: "aws-s3-ignore-public-acls",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_public_access_block for the bucket with ignore_public_acls = true.",
  },
  "AWS-0092": {
    title: "S3 buckets should not be public through an ACL",
    avdId: "AVD-AWS-0092",
    longId: "aws-s3-no-public-access-with-acl",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "remove the public canned ACL / grant; keep ACLs disabled (object ownership BucketOwnerEnforced).",
  },
  "AWS-0093": {
    title: "S3 public access block should restrict public buckets",
    avdId: "AVD-AWS-0093",
    longId: "aws-s3-no-public-buckets",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_public_access_block for the bucket with restrict_public_buckets = true.",
  },
  "AWS-0094": {
    title: "S3 buckets should each have a public access block",
    avdId: "AVD-AWS-0094",
    longId: "aws-s3-specify-public-access-block",
    severity: "LOW",
    scope: "all-stacks",
    remediation: "add an aws_s3_bucket_public_access_block for the bucket (the SecureBucket module does).",
  },
  "AWS-0132": {
    title: "S3 encryption should use a customer managed KMS key",
    avdId: "AVD-AWS-0132",
    longId: "aws-s3-encryption-customer-key",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "encrypt with sse_algorithm = \"aws:kms\" and kms_master_key_id = <customer managed key>.",
    note: "Trivy silently exempts S3 server-access-log target buckets; here such a bucket needs a recorded waiver, so the exemption shows in every report.",
  },
  // --- Project rules -----------------------------------------------------------------------------
  "PIPEOPS-0001": {
    title: "Every taggable resource carries the Project, Environment and ManagedBy tags",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "let the tagging aspect (src/aspects/tags.ts) tag the stack's resources, and do not override these three tags with empty or foreign values.",
  },
  // --- What real AWS checks and the local emulator does not -------------------------------------
  "PIPEOPS-0002": {
    title: "Every EKS access-entry principal is created or looked up in its stack",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "reference an aws_iam_role / aws_iam_user of the stack, or a data.aws_iam_role / data.aws_iam_user lookup, for principal_arn: EKS refuses an access entry whose principal does not exist, and a typed ARN only fails at apply.",
  },
  "PIPEOPS-0003": {
    title: "Every KMS-encrypted log group's key lets the CloudWatch Logs service of its region use it for that group",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "encrypt the group with a key of this stack whose policy allows Service logs.<region>.amazonaws.com kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*, Describe*, with kms:EncryptionContext:aws:logs:arn covering the group (CloudWatch Logs user guide, encrypt-log-data-kms).",
  },
  "PIPEOPS-0004": {
    title: "Every flow log is created after the policy that lets its role write",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "add depends_on from the aws_flow_log to the aws_iam_role_policy (or attachment) of its iam_role_arn's role; created first, the flow log can stay in \"access error\".",
  },
  "PIPEOPS-0005": {
    title: "Kubernetes, PostgreSQL and Helm chart versions are the versions catalog's",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "take the version from src/config/versions.ts (verified upstream, with its support window) instead of writing it; EKS clusters also need upgrade_policy.support_type = \"STANDARD\".",
  },
  "PIPEOPS-0006": {
    title: "Every EBS StorageClass encrypts its volumes with a named customer managed key",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "set parameters encrypted = \"true\" and kmsKeyId = <the environment's EBS key ARN>; without kmsKeyId the volumes use the account's aws/ebs key.",
  },
  "PIPEOPS-0007": {
    title: "No secret value is written to the plan or the state",
    severity: "CRITICAL",
    scope: "all-stacks",
    remediation: "generate the value with an ephemeral resource (ephemeral.aws_secretsmanager_random_password) and write it with write-only arguments (secret_string_wo, password_wo) — modules/secrets/generated-login.ts does both — or let the service manage it (manage_master_user_password).",
  },
  // --- What a platform stack's first real deploy needs and no emulator shows ---------------------
  "PIPEOPS-0008": {
    title: "Every kubernetes_manifest is of a kind the cluster serves before the stack's plan",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "deliver custom resources whose CRDs a release of the stack installs through a release of the platform-objects chart (modules/platform/objects-release.ts) that depends on that release: kubernetes_manifest reads the kind's schema from the cluster at plan time (hashicorp/kubernetes 2.38.0 manifest/provider/plan.go). Built-in kinds, and on Auto Mode clusters NodePool, NodeClass and IngressClassParams, may stay.",
  },
  "PIPEOPS-0009": {
    title: "No kubernetes_manifest holds an empty list or map",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "leave the field out instead of writing [] or {} (or deliver the object through the platform-objects chart): hashicorp/kubernetes 2.38.0 sends an empty list as null (manifest/payload/from_value.go) and the apply fails with \"Provider produced inconsistent result after apply\" (issue #2783).",
  },
  "PIPEOPS-0010": {
    title: "An Auto Mode NodeClass sets tags only when the cluster role may apply them",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "give the cluster role the EKS user guide's custom-tag permissions (Auto Mode cluster IAM role, \"Custom AWS tags for EKS Auto resources\": ec2:RunInstances, CreateFleet, CreateLaunchTemplate, CreateVolume, CreateNetworkInterface with the eks:eks-cluster-name request tag; modules/eks/eks-cluster.ts), or leave spec.tags out: the managed policies do not allow user-defined tags, so Auto Mode cannot launch the nodes.",
  },
  // --- What a first deploy of a fresh account waits on (src/guardrails/rules/first-deploy.ts) ------
  "PIPEOPS-0011": {
    title: "No certificate validation waits on a zone created in the same apply",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "create the zone in a stack of its own (the <env>-zone stack), delegate it from the parent domain and check the delegation (npm run dns:delegation), then validate the certificates in a later stack that looks the zone up (data.aws_route53_zone); aws_acm_certificate_validation otherwise waits 75 minutes and fails.",
  },
  "PIPEOPS-0012": {
    title: "Every alarm action names a topic the stack creates or looks up",
    severity: "MEDIUM",
    scope: "all-stacks",
    remediation: "reference an aws_sns_topic of the same stack (or a data.aws_sns_topic lookup, which stops the plan while the topic is missing) instead of typing its ARN.",
  },
  "PIPEOPS-0013": {
    title: "Cost allocation tags are activated in a stack of their own",
    severity: "HIGH",
    scope: "all-stacks",
    remediation: "activate them in the <env>-cost-tags stack, applied once the keys appear in billing data (up to 24 hours after the first tagged resource), so a fresh account's core apply cannot fail on them.",
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULE_CATALOG;

export const RULE_IDS = Object.keys(RULE_CATALOG) as RuleId[];

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULE_CATALOG, value);
}
