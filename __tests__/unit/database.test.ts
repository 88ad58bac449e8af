import { describe, expect, it } from "vitest";
import { POSTGRES } from "../../src/config/versions";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Database, type DatabaseProps } from "../../modules/database/database";
import { estimatedMaxConnections } from "../../modules/database/instance-classes";
import { addressOf, moduleTestStack, policyStatements, ref, synthModuleStack } from "../support/module-test-stack";
import { resourcesOf, onlyResource, type SynthesizedStack } from "../support/synth";

const GIB = 1024 ** 3;
const EKS_NODE_SG = "sg-0aaaaaaaaaaaaaaaa";
const EKS_CLUSTER_SG = "sg-0bbbbbbbbbbbbbbbb";
const DR_SOURCE_ARN = "arn:aws:rds:us-west-2:333333333333:db:pipeops-prod";
const ALERT_TOPIC = "arn:aws:sns:us-west-2:333333333333:pipeops-prod-alerts";

const prodProps: DatabaseProps = {
  identifier: "pipeops-prod",
  engineVersion: POSTGRES.majorVersion,
  parameterGroupFamily: POSTGRES.parameterGroupFamily,
  instanceClass: "db.r6g.xlarge",
  multiAz: true,
  readReplicas: 2,
  replicaAvailabilityZones: ["us-west-2b", "us-west-2c"],
  allocatedStorageGib: 100,
  maxAllocatedStorageGib: 1000,
  backupRetentionDays: 30,
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:04:30-sun:05:30",
  deletionProtection: true,
  skipFinalSnapshot: false,
  dbSubnetGroupName: "pipeops-prod-database",
  vpcId: "vpc-0123456789abcdef0",
  allowedSecurityGroupIds: [EKS_NODE_SG, EKS_CLUSTER_SG],
  logRetentionDays: 365,
  region: "us-west-2",
  performanceInsightsRetentionDays: 731,
  backupReplicationRegion: "us-east-1",
  alarmTopicArn: ALERT_TOPIC,
  replicaLagAlarmSeconds: 5,
};

const devProps: DatabaseProps = {
  ...prodProps,
  identifier: "pipeops-dev",
  instanceClass: "db.t3.medium",
  multiAz: false,
  readReplicas: 0,
  replicaAvailabilityZones: [],
  allocatedStorageGib: 20,
  maxAllocatedStorageGib: 100,
  backupRetentionDays: 7,
  deletionProtection: false,
  skipFinalSnapshot: true,
  allowedSecurityGroupIds: [EKS_NODE_SG],
  logRetentionDays: 30,
  performanceInsightsRetentionDays: undefined,
  backupReplicationRegion: undefined,
  alarmTopicArn: ALERT_TOPIC,
};

const drProps: DatabaseProps = {
  ...prodProps,
  identifier: "pipeops-dr",
  region: "us-east-1",
  readReplicas: 0,
  replicaAvailabilityZones: [],
  backupReplicationRegion: undefined,
  replicaOf: { sourceArn: DR_SOURCE_ARN },
};

interface Synthesized {
  readonly stack: SynthesizedStack;
  readonly database: Database;
  readonly outputs: Record<string, unknown>;
}

function synthDatabase(props: DatabaseProps, withBackupProvider = props.backupReplicationRegion !== undefined): Synthesized {
  const { stack } = moduleTestStack({ region: props.region });
  const backupReplicationProvider = withBackupProvider
    ? new AwsProvider(stack, "aws-backup-region", { region: props.backupReplicationRegion!, alias: "backup_region" })
    : undefined;
  const database = new Database(stack, "database", { ...props, backupReplicationProvider });
  new TerraformOutput(stack, "master_secret_arn", { value: database.masterUserSecretArn ?? "none" });
  new TerraformOutput(stack, "endpoint", { value: database.endpoint });
  const synthesized = synthModuleStack(stack);
  const outputs = Object.fromEntries(Object.entries(synthesized.json.output ?? {}).map(([k, v]) => [k, v.value]));
  return { stack: synthesized, database, outputs };
}

const keyByAlias = (stack: SynthesizedStack, alias: string): string => {
  const aliasBody = resourcesOf(stack, "aws_kms_alias").find(([, a]) => a.name === `alias/${alias}`)?.[1];
  if (!aliasBody) throw new Error(`no key alias ${alias}`);
  const match = /^\$\{(aws_kms_key\.[^.]+)\.key_id\}$/.exec(String(aliasBody.target_key_id));
  return match![1]!;
};
const instance = (stack: SynthesizedStack, identifier: string) => addressOf(stack, "aws_db_instance", (db) => db.identifier === identifier);
const body = (stack: SynthesizedStack, address: string): Record<string, unknown> => {
  const [type, key] = address.split(".") as [string, string];
  return stack.json.resource![type]![key]!;
};

describe("Database, production shape (Multi-AZ, two replicas, backups replicated)", () => {
  const { stack, database, outputs } = synthDatabase(prodProps);
  const primary = instance(stack, "pipeops-prod");
  const db = body(stack, primary);
  const dataKey = keyByAlias(stack, "pipeops-prod-rds");
  const telemetryKey = keyByAlias(stack, "pipeops-prod-rds-telemetry");
  const replicaIds = ["pipeops-prod-replica-1", "pipeops-prod-replica-2"];

  it("runs PostgreSQL of the given version and class, Multi-AZ, on autoscaling gp3 storage", () => {
    expect(db).toMatchObject({
      engine: "postgres",
      engine_version: POSTGRES.majorVersion,
      instance_class: "db.r6g.xlarge",
      multi_az: true,
      storage_type: "gp3",
      allocated_storage: 100,
      max_allocated_storage: 1000,
      db_subnet_group_name: "pipeops-prod-database",
      port: 5432,
    });
  });

  it("encrypts storage and Performance Insights with its own rotating customer managed key", () => {
    expect(db).toMatchObject({
      storage_encrypted: true,
      kms_key_id: ref(dataKey, "arn"),
      performance_insights_enabled: true,
      performance_insights_kms_key_id: ref(dataKey, "arn"),
      performance_insights_retention_period: 731,
    });
    expect(body(stack, dataKey)).toMatchObject({ enable_key_rotation: true });
    expect(database.kmsKeyArn).toBeDefined();
  });

  it("is never publicly accessible and accepts IAM database authentication", () => {
    for (const [, instanceBody] of resourcesOf(stack, "aws_db_instance")) {
      expect(instanceBody).toMatchObject({ publicly_accessible: false, iam_database_authentication_enabled: true });
    }
  });

  it("forces TLS and logs slow queries, connections and disconnections (parameter group of the major version)", () => {
    expect(stack.text).toHaveResourceWithProperties(DbParameterGroup, {
      name: `pipeops-prod-${POSTGRES.parameterGroupFamily}`,
      family: POSTGRES.parameterGroupFamily,
      lifecycle: { create_before_destroy: true },
    });
    const group = onlyResource(stack, "aws_db_parameter_group");
    const parameters = Object.fromEntries((group.parameter as { name: string; value: string }[]).map((p) => [p.name, p.value]));
    expect(parameters).toEqual({ "rds.force_ssl": "1", log_min_duration_statement: "1000", log_connections: "1", log_disconnections: "1" });
    const groupName = ref(addressOf(stack, "aws_db_parameter_group"), "name");
    for (const [, instanceBody] of resourcesOf(stack, "aws_db_instance")) expect(instanceBody.parameter_group_name).toBe(groupName);
  });

  it("keeps 30 days of backups in the given windows, copies tags to snapshots and is protected from deletion", () => {
    expect(db).toMatchObject({
      backup_retention_period: 30,
      backup_window: "03:00-04:00",
      maintenance_window: "sun:04:30-sun:05:30",
      copy_tags_to_snapshot: true,
      deletion_protection: true,
      auto_minor_version_upgrade: true,
      allow_major_version_upgrade: false,
      delete_automated_backups: false,
    });
  });

  it("takes a final snapshot when destroyed, named after the instance's first plan so a second destroy never clashes", () => {
    expect(db.skip_final_snapshot).toBe(false);
    const [[id, createdAt]] = resourcesOf(stack, "terraform_data") as [[string, Record<string, unknown>]];
    expect(db.final_snapshot_identifier).toBe(`pipeops-prod-final-\${formatdate("YYYYMMDDhhmmss", terraform_data.${id}.output)}`);
    // The time is taken once: later plans leave it (and so the identifier) unchanged.
    expect(createdAt).toMatchObject({ input: "${plantimestamp()}", lifecycle: { ignore_changes: ["input"] } });
  });

  it("turns on Enhanced Monitoring every 60 s with a role only RDS monitoring can assume", () => {
    const role = addressOf(stack, "aws_iam_role", (r) => r.name === "pipeops-prod-rds-monitoring");
    for (const [, instanceBody] of resourcesOf(stack, "aws_db_instance")) {
      expect(instanceBody).toMatchObject({ monitoring_interval: 60, monitoring_role_arn: ref(role, "arn") });
    }
    expect(policyStatements(stack, body(stack, role).assume_role_policy)).toEqual([
      expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }] }),
    ]);
    expect(stack.text).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      role: ref(role, "name"),
      policy_arn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
  });

  it("exports postgresql and upgrade logs into log groups it creates first, with KMS and retention", () => {
    expect(db.enabled_cloudwatch_logs_exports).toEqual(["postgresql", "upgrade"]);
    const groups = resourcesOf(stack, "aws_cloudwatch_log_group");
    expect(groups.map(([, g]) => g.name).sort()).toEqual(
      ["pipeops-prod", ...replicaIds].flatMap((id) => [`/aws/rds/instance/${id}/postgresql`, `/aws/rds/instance/${id}/upgrade`]).sort(),
    );
    for (const [, g] of groups) expect(g).toMatchObject({ retention_in_days: 365, kms_key_id: ref(telemetryKey, "arn") });
    const primaryGroups = groups.filter(([, g]) => String(g.name).startsWith("/aws/rds/instance/pipeops-prod/")).map(([key]) => `aws_cloudwatch_log_group.${key}`);
    expect(db.depends_on).toEqual(expect.arrayContaining(primaryGroups));
  });

  it("lets CloudWatch Logs use the telemetry key, only for this database's log groups", () => {
    const statements = policyStatements(stack, body(stack, telemetryKey).policy);
    const logs = statements.find((s) => s.sid === "CloudWatchLogsUseForTheDatabaseLogGroups")!;
    expect(logs).toMatchObject({
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      principals: [{ type: "Service", identifiers: ["logs.us-west-2.amazonaws.com"] }],
    });
    const [condition] = logs.condition as { test: string; variable: string; values: string[] }[];
    expect(condition).toMatchObject({ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn" });
    expect(condition!.values.map((v) => v.replace(/\$\{[^}]+\}/, "ACCOUNT"))).toEqual(
      ["pipeops-prod", ...replicaIds].map((id) => `arn:aws:logs:us-west-2:ACCOUNT:log-group:/aws/rds/instance/${id}/*`),
    );
    expect(statements.map((s) => s.sid)).toEqual(["AccountAdministersKeyThroughIam", "CloudWatchLogsUseForTheDatabaseLogGroups"]);
  });

  it("admits 5432 only from the given security groups, with no egress", () => {
    const sg = addressOf(stack, "aws_security_group");
    expect(body(stack, sg)).toMatchObject({ vpc_id: "vpc-0123456789abcdef0" });
    expect(body(stack, sg).ingress).toBeUndefined();
    expect(body(stack, sg).egress).toBeUndefined();
    const rules = resourcesOf(stack, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(rules).toEqual(
      [EKS_NODE_SG, EKS_CLUSTER_SG].map((source) =>
        expect.objectContaining({ security_group_id: ref(sg, "id"), ip_protocol: "tcp", from_port: 5432, to_port: 5432, referenced_security_group_id: source }),
      ),
    );
    for (const rule of rules) expect(rule).not.toHaveProperty("cidr_ipv4");
    expect(resourcesOf(stack, "aws_vpc_security_group_egress_rule")).toEqual([]);
    for (const [, instanceBody] of resourcesOf(stack, "aws_db_instance")) expect(instanceBody.vpc_security_group_ids).toEqual([ref(sg, "id")]);
  });

  it("never names the Multi-AZ primary's AZ (AWS refuses it), and warns in the plan when RDS puts it next to a replica", () => {
    expect(db).not.toHaveProperty("availability_zone");
    const checks = (stack.json as unknown as { check?: Record<string, { assert: { condition: string; error_message: string }[] }> }).check ?? {};
    const [check] = Object.entries(checks).filter(([name]) => name.endsWith("_replicas_in_other_azs"));
    expect(check![1].assert[0]!.condition).toBe(`\${!contains(["us-west-2b","us-west-2c"], ${primary}.availability_zone)}`);
    expect(check![1].assert[0]!.error_message).toMatch(/in the AZ of one of its read replicas.*Fix: /);
  });

  it("creates one read replica per given AZ, replicating the primary, with the same key, PI and monitoring", () => {
    expect(database.replicas).toHaveLength(2);
    replicaIds.forEach((id, i) => {
      const replica = body(stack, instance(stack, id));
      expect(replica).toMatchObject({
        replicate_source_db: ref(primary, "identifier"),
        availability_zone: prodProps.replicaAvailabilityZones[i],
        multi_az: false,
        instance_class: "db.r6g.xlarge",
        storage_encrypted: true,
        kms_key_id: ref(dataKey, "arn"),
        performance_insights_enabled: true,
        performance_insights_kms_key_id: ref(dataKey, "arn"),
        backup_retention_period: 0,
        skip_final_snapshot: true,
        enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      });
      for (const credential of ["username", "password", "password_wo", "manage_master_user_password", "engine_version"]) {
        expect(replica).not.toHaveProperty(credential);
      }
    });
    const zones = replicaIds.map((id) => body(stack, instance(stack, id)).availability_zone);
    expect(new Set(zones).size).toBe(2);
  });

  it("keeps the master password in a KMS-encrypted secret, never in plan or state (replicas rule out RDS-managed passwords)", () => {
    expect(database.masterPasswordMode).toBe("module-secret");
    expect(db).not.toHaveProperty("manage_master_user_password");
    expect(db).not.toHaveProperty("password");
    const ephemeral = (stack.json as unknown as { ephemeral: Record<string, Record<string, Record<string, unknown>>> }).ephemeral;
    expect(ephemeral.aws_secretsmanager_random_password).toEqual({ database_master_password: { password_length: 40, exclude_punctuation: true } });
    const password = "ephemeral.aws_secretsmanager_random_password.database_master_password.random_password";
    expect(db).toMatchObject({ username: "dbadmin", password_wo: `\${${password}}`, password_wo_version: 1 });
    const secret = addressOf(stack, "aws_secretsmanager_secret");
    expect(body(stack, secret)).toMatchObject({ kms_key_id: ref(dataKey, "arn"), name_prefix: "pipeops-prod-master-" });
    const version = onlyResource(stack, "aws_secretsmanager_secret_version");
    expect(version).toMatchObject({ secret_id: ref(secret, "id"), secret_string_wo_version: 1 });
    expect(version.secret_string_wo).toBe(`\${jsonencode({ username = "dbadmin", password = ${password} })}`);
    expect(version).not.toHaveProperty("secret_string");
    expect(outputs.master_secret_arn).toBe(ref(secret, "arn"));
  });

  it("replicates automated backups and the master secret to the backup region with a key made there", () => {
    const backupKey = keyByAlias(stack, "pipeops-prod-rds-backups");
    expect(body(stack, backupKey)).toMatchObject({ provider: "aws.backup_region", enable_key_rotation: true });
    expect(onlyResource(stack, "aws_db_instance_automated_backups_replication")).toEqual({
      provider: "aws.backup_region",
      source_db_instance_arn: ref(primary, "arn"),
      kms_key_id: ref(backupKey, "arn"),
      retention_period: 30,
    });
    const backupAlias = resourcesOf(stack, "aws_kms_alias").find(([, a]) => a.name === "alias/pipeops-prod-rds-backups")![1];
    expect(backupAlias.provider).toBe("aws.backup_region");
    const regionalData = Object.entries(stack.json.data?.aws_caller_identity ?? {}).filter(([key]) => key.includes("backup-replication-key"));
    expect(regionalData.map(([, d]) => d.provider)).toEqual(["aws.backup_region"]);
    expect(body(stack, addressOf(stack, "aws_secretsmanager_secret")).replica).toEqual([{ region: "us-east-1", kms_key_id: ref(backupKey, "arn") }]);
    // Everything else stays in the database's own region.
    for (const [, key] of resourcesOf(stack, "aws_kms_key").filter(([k]) => !k.includes("backup-replication"))) expect(key).not.toHaveProperty("provider");
  });

  it("alarms on CPU, free storage, connections and each replica's lag beyond the RPO, to the given topic", () => {
    expect(resourcesOf(stack, "aws_sns_topic")).toEqual([]);
    const alarms = resourcesOf(stack, "aws_cloudwatch_metric_alarm").map(([, a]) => a);
    const summary = alarms.map((a) => [a.metric_name, (a.dimensions as Record<string, string>).DBInstanceIdentifier, a.comparison_operator, a.threshold]);
    expect(summary.sort()).toEqual([
      ["CPUUtilization", "pipeops-prod", "GreaterThanThreshold", 80],
      ["DatabaseConnections", "pipeops-prod", "GreaterThanThreshold", Math.floor(3604 * 0.8)],
      ["FreeStorageSpace", "pipeops-prod", "LessThanThreshold", Math.round(100 * GIB * 0.1)],
      ["ReplicaLag", "pipeops-prod-replica-1", "GreaterThanThreshold", 5],
      ["ReplicaLag", "pipeops-prod-replica-2", "GreaterThanThreshold", 5],
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ namespace: "AWS/RDS", period: 60, alarm_actions: [ALERT_TOPIC], ok_actions: [ALERT_TOPIC] });
    }
  });

  it("publishes the endpoint of the primary", () => {
    expect(outputs.endpoint).toBe(ref(primary, "endpoint"));
  });
});

describe("Database, development shape (single-AZ, no replicas, disposable)", () => {
  const { stack, database, outputs } = synthDatabase(devProps);
  const db = body(stack, instance(stack, "pipeops-dev"));
  const dataKey = keyByAlias(stack, "pipeops-dev-rds");

  it("lets RDS manage and rotate the master password in Secrets Manager under the database key", () => {
    expect(database.masterPasswordMode).toBe("rds-managed");
    expect(db).toMatchObject({ username: "dbadmin", manage_master_user_password: true, master_user_secret_kms_key_id: ref(dataKey, "arn") });
    expect(db).not.toHaveProperty("password");
    expect(db).not.toHaveProperty("password_wo");
    expect(resourcesOf(stack, "aws_secretsmanager_secret")).toEqual([]);
    expect(stack.json).not.toHaveProperty("ephemeral");
    expect(outputs.master_secret_arn).toBe(`\${${instance(stack, "pipeops-dev")}.master_user_secret[0].secret_arn}`);
  });

  it("skips the final snapshot only because the caller said so, and is single-AZ without deletion protection", () => {
    expect(db).toMatchObject({ skip_final_snapshot: true, multi_az: false, deletion_protection: false, delete_automated_backups: true, backup_retention_period: 7 });
    expect(db).not.toHaveProperty("final_snapshot_identifier");
  });

  it("keeps the free 7 days of Performance Insights by default, still with the customer key", () => {
    expect(db).toMatchObject({ performance_insights_enabled: true, performance_insights_retention_period: 7, performance_insights_kms_key_id: ref(dataKey, "arn") });
  });

  it("has no replicas, no replica-lag alarm and no backup replication", () => {
    expect(resourcesOf(stack, "aws_db_instance")).toHaveLength(1);
    expect(resourcesOf(stack, "aws_db_instance_automated_backups_replication")).toEqual([]);
    const metrics = resourcesOf(stack, "aws_cloudwatch_metric_alarm").map(([, a]) => a.metric_name);
    expect(metrics.sort()).toEqual(["CPUUtilization", "DatabaseConnections", "FreeStorageSpace"]);
    expect(resourcesOf(stack, "aws_vpc_security_group_ingress_rule").map(([, r]) => r.referenced_security_group_id)).toEqual([EKS_NODE_SG]);
  });
});

describe("Database as a cross-region read replica (disaster recovery)", () => {
  const { stack, database, outputs } = synthDatabase(drProps);
  const db = body(stack, instance(stack, "pipeops-dr"));
  const dataKey = keyByAlias(stack, "pipeops-dr-rds");

  it("replicates the source by ARN, encrypted with a key of its own region", () => {
    expect(db).toMatchObject({
      replicate_source_db: DR_SOURCE_ARN,
      storage_encrypted: true,
      kms_key_id: ref(dataKey, "arn"),
      db_subnet_group_name: "pipeops-prod-database",
      multi_az: true,
      backup_retention_period: 30,
    });
    expect(resourcesOf(stack, "aws_kms_key").every(([, k]) => k.provider === undefined)).toBe(true);
  });

  it("sets no master credentials, engine or version (they come from the source)", () => {
    for (const field of ["username", "password", "password_wo", "manage_master_user_password", "master_user_secret_kms_key_id", "engine", "engine_version", "db_name"]) {
      expect(db).not.toHaveProperty(field);
    }
    expect(resourcesOf(stack, "aws_secretsmanager_secret")).toEqual([]);
    expect(stack.json).not.toHaveProperty("ephemeral");
    expect(database.masterUserSecretArn).toBeUndefined();
    expect(outputs.master_secret_arn).toBe("none");
  });

  it("keeps the same hardening: TLS, PI with the key, monitoring, logs, IAM auth, not public, no final snapshot of a replica", () => {
    expect(db).toMatchObject({
      performance_insights_enabled: true,
      performance_insights_kms_key_id: ref(dataKey, "arn"),
      monitoring_interval: 60,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
      iam_database_authentication_enabled: true,
      publicly_accessible: false,
      deletion_protection: true,
      skip_final_snapshot: true,
    });
    expect(onlyResource(stack, "aws_db_parameter_group")).toMatchObject({ family: POSTGRES.parameterGroupFamily });
  });

  it("alarms on its own replication lag", () => {
    const lag = resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter(([, a]) => a.metric_name === "ReplicaLag");
    expect(lag.map(([, a]) => (a.dimensions as Record<string, string>).DBInstanceIdentifier)).toEqual(["pipeops-dr"]);
  });

  it("once promoted, drops replicate_source_db, lets RDS manage a new master secret here and takes a final snapshot again", () => {
    const promoted = synthDatabase({ ...drProps, replicaOf: { sourceArn: DR_SOURCE_ARN, promote: true } });
    const body = onlyResource(promoted.stack, "aws_db_instance");
    expect(body).not.toHaveProperty("replicate_source_db");
    expect(body).toMatchObject({ engine: "postgres", username: "dbadmin", manage_master_user_password: true });
    expect(body).not.toHaveProperty("password");
    expect(String(body.master_user_secret_kms_key_id)).toMatch(/^\$\{aws_kms_key\.database_key_/);
    expect(body.skip_final_snapshot).toBe(false);
    expect(body.final_snapshot_identifier).toMatch(/^pipeops-dr-final-\$\{formatdate\("YYYYMMDDhhmmss", terraform_data\.\S+\.output\)\}$/);
    expect(resourcesOf(promoted.stack, "aws_cloudwatch_metric_alarm").map(([, a]) => a.metric_name)).not.toContain("ReplicaLag");
  });
});

describe("Database props that cannot work together stop synth, naming the fix", () => {
  const attempt = (props: DatabaseProps, withBackupProvider?: boolean) => () => synthDatabase(props, withBackupProvider);

  it("needs exactly one distinct AZ per replica", () => {
    expect(attempt({ ...prodProps, replicaAvailabilityZones: ["us-west-2b"] })).toThrow(/readReplicas is 2 but replicaAvailabilityZones lists 1 AZ\(s\)\. Fix:/);
    expect(attempt({ ...prodProps, replicaAvailabilityZones: ["us-west-2b", "us-west-2b"] })).toThrow(/repeats an AZ\. Fix:/);
  });

  it("refuses RDS-managed master passwords with read replicas (AWS does)", () => {
    expect(attempt({ ...prodProps, masterPassword: "rds-managed" })).toThrow(/Fix: set masterPassword to "module-secret"/);
  });

  it("needs the provider of the backup region, and another region", () => {
    expect(attempt(prodProps, false)).toThrow(/backupReplicationRegion and backupReplicationProvider go together/);
    expect(attempt({ ...prodProps, backupReplicationRegion: "us-west-2" })).toThrow(/the database's own region/);
  });

  it("asks for a connections threshold when it cannot estimate max_connections", () => {
    expect(attempt({ ...devProps, instanceClass: "db.x2g.large" })).toThrow(/Fix: set connectionsAlarmThreshold/);
    expect(attempt({ ...devProps, instanceClass: "db.x2g.large", connectionsAlarmThreshold: 900 })).not.toThrow();
  });

  it("rejects a bad engine version and storage autoscaling below the allocation", () => {
    expect(attempt({ ...devProps, engineVersion: "sixteen" })).toThrow(/engineVersion "sixteen"/);
    expect(attempt({ ...devProps, parameterGroupFamily: "postgres9" })).toThrow(/parameterGroupFamily "postgres9" does not belong to PostgreSQL \d+\. Fix: use "postgres\d+"/);
    expect(attempt({ ...devProps, maxAllocatedStorageGib: 10 })).toThrow(/maxAllocatedStorageGib 10 is below allocatedStorageGib 20/);
  });
});

describe("estimatedMaxConnections", () => {
  it("follows RDS's LEAST(DBInstanceClassMemory/9531392, 5000)", () => {
    expect(estimatedMaxConnections("db.t3.medium")).toBe(450);
    expect(estimatedMaxConnections("db.r6g.large")).toBe(1802);
    expect(estimatedMaxConnections("db.m5.4xlarge")).toBe(5000);
    expect(estimatedMaxConnections("db.x2g.large")).toBeUndefined();
  });
});
