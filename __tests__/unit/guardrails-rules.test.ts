import { describe, expect, it } from "vitest";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable, type DynamodbTableConfig } from "@cdktf/provider-aws/lib/dynamodb-table";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { DataAwsSnsTopic } from "@cdktf/provider-aws/lib/data-aws-sns-topic";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { GeneratedLogin } from "../../modules/secrets/generated-login";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { Release } from "@cdktf/provider-helm/lib/release";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AUTO_MODE_CUSTOM_TAG_STATEMENTS } from "../../modules/eks/eks-cluster";
import { AWS_MANAGED_POLICY } from "../../modules/iam/managed-policies";
import { nodeClass, nodePool } from "../../modules/platform/node-pools";
import { namespacedSecretStore } from "../../modules/platform/manifests";
import { ObjectsRelease, objectsChartAsset } from "../../modules/platform/objects-release";
import { PLATFORM_OBJECTS_CHART } from "../../src/stacks/platform-stack";
import { CHART_SOURCES, KUBERNETES, POSTGRES } from "../../src/config/versions";
import { EnvironmentStack } from "../../src/stacks/environment-stack";
import { validateEnvironments } from "../../src/config/validate";
import type { EnvironmentConfig } from "../../src/config/types";
import { ALL_RULES, Guardrails, RULE_CATALOG, RULE_IDS, environmentContext, type FindingRecord, type RuleId } from "../../src/guardrails";
import { SecureBucket } from "../../modules/storage/secure-bucket";
import { dev, prod } from "../../environments";
import { AWS, tempDir } from "../support/synth";

/**
 * One deliberately bad and one good construct per guardrail rule. Each fixture is a tiny
 * EnvironmentStack (so the real tagging aspect and provider apply), checked with that rule alone.
 */

const [devEnv, prodEnv] = validateEnvironments([dev, prod], (env) => [env.name]) as [EnvironmentConfig, EnvironmentConfig];
const outdir = tempDir("guardrail-fixtures");

type Build = (scope: Construct) => void;

function violationsOf(rule: RuleId, build: Build, env: EnvironmentConfig = devEnv): FindingRecord[] {
  const app = new App({ outdir });
  const stack = new EnvironmentStack(app, `${env.name}-fixture`, { env, target: AWS });
  build(stack);
  const guardrails = new Guardrails(app, { waivers: [], contextOf: environmentContext, rules: ALL_RULES.filter((r) => r.id === rule) });
  return [...guardrails.check().violations];
}

// --- small building blocks ---------------------------------------------------------------------
const validatedCertificate = (scope: Construct, zoneId: string) => {
  const certificate = new AcmCertificate(scope, "certificate", { domainName: "apps.example.org", validationMethod: "DNS" });
  const record = new Route53Record(scope, "validation-record", { zoneId, name: "_x.apps.example.org", type: "CNAME", records: ["_y.acm-validations.aws."], ttl: 60 });
  new AcmCertificateValidation(scope, "validation", { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] });
};
const alarmTo = (scope: Construct, actions: { alarmActions: string[]; okActions?: string[] }) =>
  new CloudwatchMetricAlarm(scope, "alarm", { alarmName: "fixture", comparisonOperator: "LessThanThreshold", evaluationPeriods: 1, metricName: "HealthCheckStatus", namespace: "AWS/Route53", period: 60, statistic: "Minimum", threshold: 1, ...actions });
const cmk = (scope: Construct, id = "cmk") => new KmsKey(scope, id, { enableKeyRotation: true });
const vpc = (scope: Construct) => new Vpc(scope, "vpc", { cidrBlock: "10.0.0.0/16" });
const sg = (scope: Construct, props: Partial<ConstructorParameters<typeof SecurityGroup>[2]> = {}) =>
  new SecurityGroup(scope, "sg", { vpcId: vpc(scope).id, description: "fixture", ...props });
const cluster = (scope: Construct, vpcConfig: Partial<ConstructorParameters<typeof EksCluster>[2]["vpcConfig"]>, extra: Partial<ConstructorParameters<typeof EksCluster>[2]> = {}) =>
  new EksCluster(scope, "cluster", {
    name: "fixture",
    roleArn: "arn:aws:iam::111111111111:role/eks",
    vpcConfig: { subnetIds: ["subnet-1", "subnet-2"], endpointPrivateAccess: true, ...vpcConfig },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    ...extra,
  });
const goodDb = (scope: Construct, id: string): DbInstanceConfig => {
  const key = cmk(scope, `${id}-key`);
  return {
    instanceClass: "db.t3.medium",
    engine: "postgres",
    storageEncrypted: true,
    kmsKeyId: key.arn,
    publiclyAccessible: false,
    iamDatabaseAuthenticationEnabled: true,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: key.arn,
    backupRetentionPeriod: 7,
    deletionProtection: true,
  };
};
const db = (scope: Construct, patch: Partial<DbInstanceConfig> = {}, id = "db") => new DbInstance(scope, id, { ...goodDb(scope, id), ...patch });
const goodCluster = (scope: Construct, patch: Partial<RdsClusterConfig> = {}) =>
  new RdsCluster(scope, "aurora", {
    engine: "aurora-postgresql",
    storageEncrypted: true,
    kmsKeyId: cmk(scope, "aurora-key").arn,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    ...patch,
  });
const table = (scope: Construct, patch: Partial<DynamodbTableConfig> = {}) =>
  new DynamodbTable(scope, "table", {
    name: "fixture",
    hashKey: "id",
    attribute: [{ name: "id", type: "S" }],
    billingMode: "PAY_PER_REQUEST",
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: cmk(scope, "table-key").arn },
    ...patch,
  });
const secureBucket = (scope: Construct, withLogs = true) => {
  const key = cmk(scope, "bucket-key");
  const logs = new SecureBucket(scope, "logs", { bucketName: "fixture-logs", noncurrentVersionRetentionDays: 30, preventDestroy: false });
  return new SecureBucket(scope, "data", {
    bucketName: "fixture-data",
    kmsKeyArn: key.arn,
    noncurrentVersionRetentionDays: 30,
    preventDestroy: false,
    accessLogs: withLogs ? { bucket: logs, prefix: "data/" } : undefined,
  });
};
/** Only the "data" bucket matters for S3 fixtures; the log target is reported separately. */
const onBucket = (address: string) => (violations: FindingRecord[]) => violations.filter((v) => v.resource.startsWith(address));

interface RuleFixture {
  /** Each bad variant must produce at least one violation of the rule. */
  readonly bad: Record<string, Build>;
  readonly good: Build;
  readonly env?: EnvironmentConfig;
  /** Narrows what counts (e.g. only the bucket under test, not a helper bucket). */
  readonly select?: (violations: FindingRecord[]) => FindingRecord[];
}

// --- fixtures of the rules for what real AWS checks and the emulator does not -------------------
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "eks.amazonaws.com" } }] });
const accessEntry = (scope: Construct, principalArn: string) => new EksAccessEntry(scope, "entry", { clusterName: "fixture", principalArn });
/** A log group encrypted with a key whose policy has the given statements (besides the account's). */
const logGroupWithKey = (scope: Construct, logsStatement: Record<string, unknown> | undefined, name = "/aws/fixture/app") => {
  const policy = new DataAwsIamPolicyDocument(scope, "key-policy", {
    statement: [
      { sid: "Account", actions: ["kms:*"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }] },
      ...(logsStatement ? [logsStatement] : []),
    ],
  });
  const key = new KmsKey(scope, "logs-key", { enableKeyRotation: true, policy: policy.json });
  return new CloudwatchLogGroup(scope, "group", { name, kmsKeyId: key.arn, retentionInDays: 30 });
};
const logsService = (region: string, groupArns: string[]) => ({
  sid: "Logs",
  actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
  resources: ["*"],
  principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
  condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: groupArns }],
});
const flowLogWithRole = (scope: Construct, ordered: boolean) => {
  const role = new IamRole(scope, "flow-role", { assumeRolePolicy: TRUST });
  const policy = new IamRolePolicy(scope, "flow-role-policy", { role: role.id, policy: "{}" });
  new FlowLog(scope, "flow-log", {
    vpcId: vpc(scope).id,
    trafficType: "ALL",
    logDestination: "arn:aws:logs:us-west-2:111111111111:log-group:flow",
    iamRoleArn: role.arn,
    dependsOn: ordered ? [policy] : undefined,
  });
};
const release = (scope: Construct, version: string) =>
  new Release(scope, "release", { name: "argo-cd", chart: CHART_SOURCES.argoCd.chart, repository: CHART_SOURCES.argoCd.repository, version });
const storageClass = (scope: Construct, parameters: Record<string, string>) =>
  new StorageClassV1(scope, "gp3", { metadata: { name: "gp3" }, storageProvisioner: "ebs.csi.aws.com", parameters });

// --- Kubernetes objects -------------------------------------------------------------------------
const manifest = (scope: Construct, id: string, object: object) => new Manifest(scope, id, { manifest: object as Record<string, unknown> });
const autoModeCluster = (scope: Construct, roleArn = "arn:aws:iam::111111111111:role/eks") =>
  cluster(scope, { endpointPublicAccess: false }, { roleArn, computeConfig: { enabled: true, nodePools: [] } });
const fixturePool = { name: "general", instanceTypes: ["t3.medium"], capacityTypes: ["on-demand" as const], architectures: ["amd64" as const], zones: ["us-west-2a"], limits: { milliCpu: 4000, memoryMib: 8192 }, weight: 100 };
const fixtureNodeClass = (tags: Record<string, string>) =>
  nodeClass({ name: "general", roleName: "fixture-node", subnetSelectorTerms: [{ id: "subnet-1" }], securityGroupSelectorTerms: [{ id: "sg-1" }], diskSizeGib: 40, volumeKmsKeyArn: "arn:aws:kms:us-west-2:111111111111:key/k", tags });
const COST_TAGS = { Project: "pipeops", Environment: "dev", ManagedBy: "cdktf" };
/** An Auto Mode cluster whose role has the given inline statements (and the Auto Mode managed policies). */
const clusterWithRole = (scope: Construct, statements: DataAwsIamPolicyDocumentStatement[] | undefined) => {
  const role = new IamRole(scope, "cluster-role", { name: "fixture-cluster", assumeRolePolicy: "{}" });
  for (const policyArn of [AWS_MANAGED_POLICY.eksCluster, AWS_MANAGED_POLICY.eksCompute, AWS_MANAGED_POLICY.eksBlockStorage, AWS_MANAGED_POLICY.eksNetworking]) {
    new IamRolePolicyAttachment(scope, `cluster-role-${policyArn.split("/").pop()}`, { role: role.name, policyArn });
  }
  if (statements) new IamRolePolicy(scope, "cluster-role-policy", { role: role.id, policy: new DataAwsIamPolicyDocument(scope, "cluster-role-inline", { statement: statements }).json });
  autoModeCluster(scope, role.arn);
};

const FIXTURES: Record<RuleId, RuleFixture> = {
  "AWS-0178": {
    bad: { "VPC without flow log": (s) => vpc(s) },
    good: (s) => {
      const v = vpc(s);
      new FlowLog(s, "flow-log", { vpcId: v.id, trafficType: "ALL", logDestination: "arn:aws:logs:us-west-2:111111111111:log-group:flow" });
    },
  },
  "AWS-0107": {
    bad: {
      "inline ingress from 0.0.0.0/0": (s) => sg(s, { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }),
      "ingress rule from ::/0": (s) => new VpcSecurityGroupIngressRule(s, "in", { securityGroupId: sg(s).id, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" }),
      "aws_security_group_rule ingress from 0.0.0.0/0": (s) =>
        new SecurityGroupRule(s, "rule", { securityGroupId: sg(s).id, type: "ingress", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }),
      "default security group with open ingress": (s) =>
        new DefaultSecurityGroup(s, "default", { vpcId: vpc(s).id, ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] }),
    },
    good: (s) => {
      const group = sg(s, { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] }] });
      new VpcSecurityGroupIngressRule(s, "in", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: group.id });
    },
  },
  "AWS-0104": {
    bad: {
      "egress rule to 0.0.0.0/0": (s) => new VpcSecurityGroupEgressRule(s, "out", { securityGroupId: sg(s).id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }),
      "inline egress to 0.0.0.0/0": (s) => sg(s, { egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] }),
      "aws_security_group_rule egress to ::/0": (s) =>
        new SecurityGroupRule(s, "rule", { securityGroupId: sg(s).id, type: "egress", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }),
    },
    good: (s) => new VpcSecurityGroupEgressRule(s, "out", { securityGroupId: sg(s).id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" }),
  },
  "AWS-0164": {
    bad: { "subnet maps public IPs": (s) => new Subnet(s, "subnet", { vpcId: vpc(s).id, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }) },
    good: (s) => new Subnet(s, "subnet", { vpcId: vpc(s).id, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false }),
  },
  "AWS-0130": {
    bad: {
      "no metadata_options": (s) => new LaunchTemplate(s, "lt", { name: "fixture" }),
      "http_tokens optional": (s) => new LaunchTemplate(s, "lt", { name: "fixture", metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } }),
    },
    good: (s) => new LaunchTemplate(s, "lt", { name: "fixture", metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 2 } }),
  },
  "AWS-0028": {
    bad: { "instance with optional tokens": (s) => new Instance(s, "vm", { ami: "ami-123", instanceType: "t3.micro", metadataOptions: { httpTokens: "optional" } }) },
    good: (s) => new Instance(s, "vm", { ami: "ami-123", instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } }),
  },
  "AWS-0038": {
    bad: { "only api and audit logs": (s) => cluster(s, { endpointPublicAccess: false }, { enabledClusterLogTypes: ["api", "audit"] }) },
    good: (s) => cluster(s, { endpointPublicAccess: false }),
  },
  "AWS-0039": {
    bad: {
      "no encryption_config": (s) => cluster(s, { endpointPublicAccess: false }),
    },
    good: (s) => cluster(s, { endpointPublicAccess: false }, { encryptionConfig: { resources: ["secrets"], provider: { keyArn: cmk(s).arn } } }),
  },
  "AWS-0040": {
    bad: {
      "endpoint_public_access true": (s) => cluster(s, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
      "endpoint_public_access unset (defaults to true)": (s) => cluster(s, {}),
    },
    good: (s) => cluster(s, { endpointPublicAccess: false }),
  },
  "AWS-0041": {
    bad: {
      "public endpoint open to 0.0.0.0/0": (s) => cluster(s, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      "public endpoint with the default CIDRs": (s) => cluster(s, { endpointPublicAccess: true }),
    },
    good: (s) => cluster(s, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
  },
  "AWS-0080": {
    bad: {
      "storage_encrypted false": (s) => db(s, { storageEncrypted: false, kmsKeyId: undefined }),
      "replica of an unencrypted primary in the stack": (s) => {
        const primary = db(s, { storageEncrypted: false, kmsKeyId: undefined }, "primary");
        db(s, { replicateSourceDb: primary.identifier, storageEncrypted: undefined, kmsKeyId: undefined }, "replica");
      },
      "replica of an outside source without kms_key_id": (s) =>
        db(s, { replicateSourceDb: "arn:aws:rds:us-west-2:333333333333:db:prod", storageEncrypted: undefined, kmsKeyId: undefined }, "replica"),
    },
    good: (s) => {
      const primary = db(s, {}, "primary");
      // Same-stack replica without its own key: inherits the primary's encryption.
      db(s, { replicateSourceDb: primary.identifier, storageEncrypted: undefined, kmsKeyId: undefined }, "replica");
      // Cross-region replica: names a key of its own region.
      db(s, { replicateSourceDb: "arn:aws:rds:us-west-2:333333333333:db:prod", storageEncrypted: undefined }, "dr-replica");
    },
  },
  "AWS-0079": {
    bad: {
      "cluster not encrypted": (s) => goodCluster(s, { storageEncrypted: false, kmsKeyId: undefined }),
      "encrypted without a customer managed key": (s) => goodCluster(s, { kmsKeyId: undefined }),
    },
    good: (s) => goodCluster(s),
  },
  "AWS-0180": {
    bad: {
      "publicly accessible instance": (s) => db(s, { publiclyAccessible: true }),
      "publicly accessible cluster instance": (s) =>
        new RdsClusterInstance(s, "member", { clusterIdentifier: goodCluster(s).id, instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: true }),
    },
    good: (s) => db(s),
  },
  "AWS-0176": {
    bad: { "postgres without IAM auth": (s) => db(s, { iamDatabaseAuthenticationEnabled: false }) },
    good: (s) => db(s),
  },
  "AWS-0133": {
    bad: { "Performance Insights off": (s) => db(s, { performanceInsightsEnabled: false, performanceInsightsKmsKeyId: undefined }) },
    good: (s) => db(s),
  },
  "AWS-0078": {
    bad: { "Performance Insights with the AWS managed key": (s) => db(s, { performanceInsightsKmsKeyId: undefined }) },
    good: (s) => db(s),
  },
  "AWS-0077": {
    bad: {
      "1 day of backups": (s) => db(s, { backupRetentionPeriod: 1 }),
      "backup retention unset": (s) => db(s, { backupRetentionPeriod: undefined }),
    },
    good: (s) => {
      const primary = db(s, { backupRetentionPeriod: 2 }, "primary");
      db(s, { replicateSourceDb: primary.identifier, backupRetentionPeriod: 0 }, "replica"); // replicas are skipped
    },
  },
  "AWS-0177": {
    env: prodEnv,
    bad: { "production instance without deletion protection": (s) => db(s, { deletionProtection: false }) },
    good: (s) => db(s),
  },
  "AWS-0343": {
    env: prodEnv,
    bad: { "production cluster without deletion protection": (s) => goodCluster(s, { deletionProtection: false }) },
    good: (s) => goodCluster(s),
  },
  "AWS-0065": {
    bad: { "rotation off": (s) => new KmsKey(s, "key", { enableKeyRotation: false }), "rotation unset": (s) => new KmsKey(s, "key", {}) },
    good: (s) => {
      cmk(s);
      new KmsKey(s, "signing", { keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "ECC_NIST_P256" }); // asymmetric keys cannot rotate
    },
  },
  "AWS-0017": {
    bad: { "log group without key": (s) => new CloudwatchLogGroup(s, "logs", { name: "/fixture", retentionInDays: 30 }) },
    good: (s) => new CloudwatchLogGroup(s, "logs", { name: "/fixture", retentionInDays: 30, kmsKeyId: cmk(s).arn }),
  },
  "AWS-0024": {
    bad: { "PITR off": (s) => table(s, { pointInTimeRecovery: { enabled: false } }), "PITR unset": (s) => table(s, { pointInTimeRecovery: undefined }) },
    good: (s) => table(s),
  },
  "AWS-0025": {
    bad: {
      "SSE unset": (s) => table(s, { serverSideEncryption: undefined }),
      "SSE with the AWS managed key": (s) => table(s, { serverSideEncryption: { enabled: true, kmsKeyArn: "alias/aws/dynamodb" } }),
    },
    good: (s) => table(s),
  },
  "AWS-0095": {
    bad: { "topic without key": (s) => new SnsTopic(s, "topic", { name: "fixture" }) },
    good: (s) => new SnsTopic(s, "topic", { name: "fixture", kmsMasterKeyId: cmk(s).arn }),
  },
  "AWS-0136": {
    bad: { "topic with alias/aws/sns": (s) => new SnsTopic(s, "topic", { name: "fixture", kmsMasterKeyId: "alias/aws/sns" }) },
    good: (s) => new SnsTopic(s, "topic", { name: "fixture", kmsMasterKeyId: cmk(s).arn }),
  },
  "AWS-0098": {
    bad: {
      "secret without key": (s) => new SecretsmanagerSecret(s, "secret", { name: "fixture" }),
      "secret with alias/aws/secretsmanager": (s) => new SecretsmanagerSecret(s, "secret", { name: "fixture", kmsKeyId: "alias/aws/secretsmanager" }),
    },
    good: (s) => new SecretsmanagerSecret(s, "secret", { name: "fixture", kmsKeyId: cmk(s).arn }),
  },
  ...s3PublicAccessFixtures(),
  "AWS-0092": {
    select: onBucket("aws_s3_bucket.data_bucket"),
    bad: {
      "canned public-read ACL": (s) => {
        const bucket = secureBucket(s);
        new S3BucketAcl(s, "acl", { bucket: bucket.bucket.id, acl: "public-read" });
      },
      "grant to AllUsers": (s) => {
        const bucket = secureBucket(s);
        new S3BucketAcl(s, "acl", {
          bucket: bucket.bucket.bucket,
          accessControlPolicy: { owner: { id: "owner" }, grant: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } }] },
        });
      },
    },
    good: (s) => secureBucket(s),
  },
  "AWS-0088": {
    select: onBucket("aws_s3_bucket.bare"),
    bad: { "bucket without SSE configuration": (s) => new S3Bucket(s, "bare", { bucket: "fixture-bare" }) },
    good: (s) => {
      const bucket = new S3Bucket(s, "bare", { bucket: "fixture-bare" });
      // Joined by the literal bucket name rather than a reference.
      new S3BucketServerSideEncryptionConfigurationA(s, "sse", { bucket: "fixture-bare", rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], dependsOn: [bucket] });
    },
  },
  "AWS-0132": {
    select: onBucket("aws_s3_bucket.data_bucket"),
    bad: {
      "SSE-S3 only": (s) => {
        const bucket = new S3Bucket(s, "data_bucket", { bucket: "fixture-data" });
        new S3BucketServerSideEncryptionConfigurationA(s, "sse", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
      },
      "SSE-KMS with alias/aws/s3": (s) => {
        const bucket = new S3Bucket(s, "data_bucket", { bucket: "fixture-data" });
        new S3BucketServerSideEncryptionConfigurationA(s, "sse", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" } }] });
      },
    },
    good: (s) => secureBucket(s),
  },
  "AWS-0089": {
    select: onBucket("aws_s3_bucket.data_bucket"),
    bad: { "bucket without access logging": (s) => secureBucket(s, false) },
    good: (s) => secureBucket(s),
  },
  "AWS-0090": {
    select: onBucket("aws_s3_bucket.data_bucket"),
    bad: {
      "no versioning resource": (s) => new S3Bucket(s, "data_bucket", { bucket: "fixture-data" }),
      "versioning suspended": (s) => {
        const bucket = new S3Bucket(s, "data_bucket", { bucket: "fixture-data" });
        new S3BucketVersioningA(s, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Suspended" } });
      },
    },
    good: (s) => secureBucket(s),
  },
  "PIPEOPS-0002": {
    bad: {
      "principal typed as an ARN nothing creates": (s) => accessEntry(s, "arn:aws:iam::111111111111:role/platform-admin"),
      "principal referencing a role of another stack": (s) => accessEntry(s, "${aws_iam_role.elsewhere.arn}"),
    },
    good: (s) => {
      const created = new IamRole(s, "admin", { assumeRolePolicy: TRUST });
      new EksAccessEntry(s, "created", { clusterName: "fixture", principalArn: created.arn });
      new EksAccessEntry(s, "looked-up", { clusterName: "fixture", principalArn: new DataAwsIamRole(s, "sso", { name: "AWSReservedSSO_Admin" }).arn });
    },
  },
  "PIPEOPS-0003": {
    bad: {
      "key policy without the logs service": (s) => logGroupWithKey(s, undefined),
      "logs service of another region": (s) => logGroupWithKey(s, logsService("us-east-1", ["arn:aws:logs:us-east-1:111111111111:log-group:/aws/fixture/app"])),
      "encryption context naming another log group": (s) => logGroupWithKey(s, logsService("us-west-2", ["arn:aws:logs:us-west-2:111111111111:log-group:/aws/other"])),
      "key from outside the stack": (s) => new CloudwatchLogGroup(s, "group", { name: "/aws/fixture/app", kmsKeyId: "arn:aws:kms:us-west-2:111111111111:key/abc" }),
    },
    good: (s) => logGroupWithKey(s, logsService("us-west-2", ["arn:aws:logs:us-west-2:${data.aws_caller_identity.me.account_id}:log-group:/aws/fixture/app"])),
  },
  "PIPEOPS-0004": {
    bad: { "flow log not waiting for its role policy": (s) => flowLogWithRole(s, false) },
    good: (s) => flowLogWithRole(s, true),
  },
  "PIPEOPS-0005": {
    bad: {
      "EKS version past the catalog's": (s) => cluster(s, { endpointPublicAccess: false }, { version: "1.33", upgradePolicy: { supportType: "STANDARD" } }),
      "EKS cluster left on extended support": (s) => cluster(s, { endpointPublicAccess: false }, { version: KUBERNETES.version }),
      "PostgreSQL minor typed in": (s) => db(s, { engineVersion: "16.8" }),
      "parameter group of another major": (s) => new DbParameterGroup(s, "pg", { family: "postgres16", name: "fixture" }),
      "chart version that is not the catalog's": (s) => release(s, "9.5.4"),
    },
    good: (s) => {
      cluster(s, { endpointPublicAccess: false }, { version: KUBERNETES.version, upgradePolicy: { supportType: "STANDARD" } });
      db(s, { engineVersion: POSTGRES.majorVersion });
      new DbParameterGroup(s, "pg", { family: POSTGRES.parameterGroupFamily, name: "fixture" });
      release(s, CHART_SOURCES.argoCd.version);
    },
  },
  "PIPEOPS-0006": {
    bad: {
      "EBS StorageClass without kmsKeyId": (s) => storageClass(s, { type: "gp3", encrypted: "true" }),
      "EBS StorageClass unencrypted": (s) => storageClass(s, { type: "gp3" }),
    },
    good: (s) => storageClass(s, { type: "gp3", encrypted: "true", kmsKeyId: "${aws_kms_key.ebs.arn}" }),
  },
  "PIPEOPS-0007": {
    bad: {
      "secret value in secret_string": (s) => new SecretsmanagerSecretVersion(s, "value", { secretId: "fixture", secretString: "hunter2" }),
      "database password in password": (s) => db(s, { password: "hunter22hunter22" }),
    },
    good: (s) => {
      const login = new GeneratedLogin(s, "login", { secret: { name: "fixture/login", kmsKeyId: "${aws_kms_key.secrets.arn}" }, username: "admin" });
      db(s, { passwordWo: `\${${login.passwordExpression}}`, passwordWoVersion: 1 });
    },
  },
  "PIPEOPS-0008": {
    bad: {
      "SecretStore, whose CRD the External Secrets release installs": (s) => manifest(s, "store", namespacedSecretStore("aws-secrets-manager", "monitoring", "us-west-2", "secrets-reader")),
      "NodePool on a cluster without Auto Mode": (s) => {
        cluster(s, { endpointPublicAccess: false });
        manifest(s, "pool", nodePool({ ...fixturePool, nodeClassName: "general" }));
      },
    },
    good: (s) => {
      autoModeCluster(s);
      manifest(s, "class", fixtureNodeClass({}));
      manifest(s, "pool", nodePool({ ...fixturePool, nodeClassName: "general" }));
      manifest(s, "limit-range", { apiVersion: "v1", kind: "LimitRange", metadata: { name: "fixture", namespace: "default" }, spec: { limits: [{ type: "Container", max: { cpu: "1" } }] } });
      // The same custom resource through the objects chart: no CRD needed at plan time.
      new ObjectsRelease(s, { chart: objectsChartAsset(s, "chart", PLATFORM_OBJECTS_CHART), name: "fixture-objects", namespace: "external-secrets" }).add(
        namespacedSecretStore("aws-secrets-manager", "monitoring", "us-west-2", "secrets-reader"),
      );
    },
  },
  "PIPEOPS-0009": {
    bad: {
      "NodePool with taints: []": (s) => {
        const pool = nodePool({ ...fixturePool, nodeClassName: "general" });
        manifest(s, "pool", { ...pool, spec: { ...pool.spec, template: { ...pool.spec.template, spec: { ...pool.spec.template.spec, taints: [] } } } });
      },
      "NetworkPolicy selecting every pod with podSelector: {}": (s) =>
        manifest(s, "deny", { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny-ingress", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }),
      "NodeClass with tags: {}": (s) => {
        const empty = fixtureNodeClass({});
        manifest(s, "class", { ...empty, spec: { ...empty.spec, tags: {} } });
      },
    },
    good: (s) => {
      manifest(s, "class", fixtureNodeClass({}));
      manifest(s, "pool", nodePool({ ...fixturePool, nodeClassName: "general" }));
      manifest(s, "tainted", nodePool({ ...fixturePool, name: "spot", nodeClassName: "general", taint: { key: "pipeops.io/non-critical", value: "true" } }));
    },
  },
  "PIPEOPS-0010": {
    bad: {
      "NodeClass tags, cluster role with the managed policies only": (s) => {
        clusterWithRole(s, undefined);
        manifest(s, "class", fixtureNodeClass(COST_TAGS));
      },
      "NodeClass tags, the custom-tag statements for another cluster only": (s) => {
        clusterWithRole(
          s,
          AUTO_MODE_CUSTOM_TAG_STATEMENTS.map((statement) => ({ ...statement, condition: [{ test: "StringEquals", variable: "aws:RequestTag/eks:eks-cluster-name", values: ["another-cluster"] }] })),
        );
        manifest(s, "class", fixtureNodeClass(COST_TAGS));
      },
      "NodeClass tags, no volumes or network interfaces allowed": (s) => {
        clusterWithRole(s, AUTO_MODE_CUSTOM_TAG_STATEMENTS.filter((statement) => statement.sid.endsWith("Compute")));
        manifest(s, "class", fixtureNodeClass(COST_TAGS));
      },
    },
    good: (s) => {
      clusterWithRole(s, AUTO_MODE_CUSTOM_TAG_STATEMENTS);
      manifest(s, "class", fixtureNodeClass(COST_TAGS));
    },
  },
  "PIPEOPS-0011": {
    bad: { "certificate validated through a zone the same stack creates": (s) => validatedCertificate(s, new Route53Zone(s, "zone", { name: "apps.example.org" }).zoneId) },
    good: (s) => validatedCertificate(s, new DataAwsRoute53Zone(s, "zone", { name: "apps.example.org", privateZone: false }).zoneId),
  },
  "PIPEOPS-0012": {
    bad: {
      "alarm action a typed topic ARN": (s) => alarmTo(s, { alarmActions: ["arn:aws:sns:us-east-1:111111111111:pipeops-dr-alerts"] }),
      "recovery action a typed topic ARN": (s) => alarmTo(s, { alarmActions: [new SnsTopic(s, "topic", { name: "fixture" }).arn], okActions: ["arn:aws:sns:us-east-1:111111111111:pipeops-dr-alerts"] }),
    },
    good: (s) => {
      const topic = new SnsTopic(s, "topic", { name: "fixture" });
      alarmTo(s, { alarmActions: [topic.arn], okActions: [new DataAwsSnsTopic(s, "existing", { name: "fixture-existing" }).arn] });
    },
  },
  "PIPEOPS-0013": {
    bad: { "tag activation in the apply of other resources": (s) => { new CeCostAllocationTag(s, "tag", { tagKey: "Environment", status: "Active" }); new SnsTopic(s, "topic", { name: "fixture" }); } },
    good: (s) => { new CeCostAllocationTag(s, "environment", { tagKey: "Environment", status: "Active" }); new CeCostAllocationTag(s, "project", { tagKey: "Project", status: "Active" }); },
  },
  "PIPEOPS-0001": {
    bad: {
      "Environment tag overridden with another environment": (s) => new S3Bucket(s, "data", { bucket: "fixture", tags: { Environment: "prod" } }),
      "ManagedBy blanked on the resource": (s) => new S3Bucket(s, "data", { bucket: "fixture", tags: { ManagedBy: "" } }),
    },
    good: (s) => {
      new S3Bucket(s, "data", { bucket: "fixture", tags: { Name: "fixture-data" } });
      cmk(s);
    },
  },
};

/** AWS-0094 and the four public access block settings share their fixtures. */
function s3PublicAccessFixtures(): Record<"AWS-0094" | "AWS-0086" | "AWS-0087" | "AWS-0091" | "AWS-0093", RuleFixture> {
  const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
  const withBlock = (patch: Partial<typeof all>) => (s: Construct) => {
    const bucket = new S3Bucket(s, "data_bucket", { bucket: "fixture-data" });
    new S3BucketPublicAccessBlock(s, "pab", { bucket: bucket.id, ...all, ...patch });
  };
  const noBlock = (s: Construct) => new S3Bucket(s, "data_bucket", { bucket: "fixture-data" });
  const setting = (name: keyof typeof all): RuleFixture => ({
    bad: { "no public access block": noBlock, [`${name} false`]: withBlock({ [name]: false }) },
    good: withBlock({}),
  });
  const fixtures = {
    "AWS-0086": setting("blockPublicAcls"),
    "AWS-0087": setting("blockPublicPolicy"),
    "AWS-0091": setting("ignorePublicAcls"),
    "AWS-0093": setting("restrictPublicBuckets"),
  };
  return { ...fixtures, "AWS-0094": { bad: { "no public access block": noBlock }, good: withBlock({ blockPublicPolicy: false }) } };
}

describe("guardrail rules: each fires on a bad construct and stays quiet on the good one", () => {
  it("has a fixture for every rule of the catalog", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual([...RULE_IDS].sort());
  });

  describe.each(RULE_IDS)("%s", (id) => {
    const fixture = FIXTURES[id];
    const select = fixture.select ?? ((v: FindingRecord[]) => v);

    it.each(Object.keys(fixture.bad))("fires: %s", (variant) => {
      const violations = select(violationsOf(id, fixture.bad[variant]!, fixture.env));
      expect(violations.length).toBeGreaterThan(0);
      for (const v of violations) {
        expect(v.rule).toBe(id);
        expect(v.stack).toMatch(/-fixture$/);
        expect(v.resource).toMatch(/^(aws|helm|kubernetes)_[a-z0-9_]+\.\S+$/);
        expect(v.remediation).toBe(RULE_CATALOG[id].remediation);
        expect(v.message.length).toBeGreaterThan(10);
      }
    });

    it("stays quiet on the good construct", () => {
      expect(select(violationsOf(id, fixture.good, fixture.env))).toEqual([]);
    });
  });
});

describe("guardrail rule details", () => {
  it("holds production databases to 7 days of backups, other tiers to more than the 1-day default", () => {
    const fiveDays: Build = (s) => db(s, { backupRetentionPeriod: 5 });
    expect(violationsOf("AWS-0077", fiveDays, devEnv)).toEqual([]);
    expect(violationsOf("AWS-0077", fiveDays, prodEnv)).toEqual([
      expect.objectContaining({ rule: "AWS-0077", message: expect.stringMatching(/5 day\(s\); the production tier needs at least 7/) }),
    ]);
  });

  it("asks for deletion protection on production tiers only", () => {
    const unprotected: Build = (s) => db(s, { deletionProtection: false });
    expect(violationsOf("AWS-0177", unprotected, devEnv)).toEqual([]);
    expect(violationsOf("AWS-0177", unprotected, prodEnv)).toHaveLength(1);
  });

  it("names the missing EKS log types and the open CIDR", () => {
    const logs = violationsOf("AWS-0038", (s) => cluster(s, { endpointPublicAccess: false }, { enabledClusterLogTypes: ["api", "audit"] }));
    expect(logs[0]!.message).toBe("enabled_cluster_log_types lacks authenticator, controllerManager, scheduler.");
    const open = violationsOf("AWS-0041", (s) => cluster(s, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] }));
    expect(open[0]!.message).toContain("0.0.0.0/0");
  });

  it("reports the construct path of a finding", () => {
    const [finding] = violationsOf("AWS-0017", (s) => new CloudwatchLogGroup(s, "flow-logs", { name: "/fixture" }));
    expect(finding).toMatchObject({ stack: "dev-fixture", path: "dev-fixture/flow-logs", resource: expect.stringMatching(/^aws_cloudwatch_log_group\.flow-logs/) });
  });

  it("sees tags the tagging aspect adds, and flags resources of stacks without it", () => {
    const app = new App({ outdir });
    const bare = new TerraformStack(app, "untagged");
    new AwsProvider(bare, "aws", { region: "us-west-2" });
    new S3Bucket(bare, "data", { bucket: "fixture" });
    const report = new Guardrails(app, { waivers: [], contextOf: environmentContext, rules: ALL_RULES.filter((r) => r.id === "PIPEOPS-0001") }).check();
    expect(report.violations).toEqual([expect.objectContaining({ message: "missing tag(s) Project, Environment, ManagedBy." })]);
  });

  it("accepts tags that come from the provider's default_tags", () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "default-tags");
    new AwsProvider(stack, "aws", { region: "us-west-2", defaultTags: [{ tags: { Project: "pipeops", Environment: "dev", ManagedBy: "cdktf" } }] });
    new S3Bucket(stack, "data", { bucket: "fixture" });
    const report = new Guardrails(app, { waivers: [], contextOf: () => undefined, rules: ALL_RULES.filter((r) => r.id === "PIPEOPS-0001") }).check();
    expect(report.violations).toEqual([]);
  });
});

describe("guardrail rules for the Kubernetes layer", () => {
  it("names what the cluster role may not do, evaluated with the IAM evaluator", () => {
    const [managedOnly] = violationsOf("PIPEOPS-0010", FIXTURES["PIPEOPS-0010"].bad["NodeClass tags, cluster role with the managed policies only"]!);
    expect(managedOnly!.message).toMatch(/may not ec2:RunInstances, ec2:CreateFleet, ec2:CreateLaunchTemplate, ec2:CreateVolume, ec2:CreateNetworkInterface with user-defined tags/);
    const [computeOnly] = violationsOf("PIPEOPS-0010", FIXTURES["PIPEOPS-0010"].bad["NodeClass tags, no volumes or network interfaces allowed"]!);
    expect(computeOnly!.message).toMatch(/may not ec2:CreateVolume, ec2:CreateNetworkInterface with/);
  });

  it("names the kind whose CRD is missing at plan time, and every empty list or map", () => {
    const [store] = violationsOf("PIPEOPS-0008", FIXTURES["PIPEOPS-0008"].bad["SecretStore, whose CRD the External Secrets release installs"]!);
    expect(store!.message).toMatch(/^SecretStore \(external-secrets\.io\/v1\): its CRD is installed by a release/);
    const [policy] = violationsOf("PIPEOPS-0009", FIXTURES["PIPEOPS-0009"].bad["NetworkPolicy selecting every pod with podSelector: {}"]!);
    expect(policy!.message).toMatch(/^empty list or map at manifest\.spec\.podSelector:/);
  });
});
