import { Construct, type IConstruct } from "constructs";
import { TerraformDataSource, TerraformResource, TerraformStack, type TerraformProvider } from "cdktf";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CustomerManagedKey } from "../kms/customer-managed-key";
import { GeneratedLogin } from "../secrets/generated-login";
import { databaseNames } from "./names";
import { addressOf, terraformData } from "../terraform/terraform-data";
import { DatabaseAlarms, ALARM_THRESHOLDS } from "./alarms";
import { estimatedMaxConnections } from "./instance-classes";

export const POSTGRES_PORT = 5432;
/** Log types exported to CloudWatch Logs; their log groups are created here, with KMS and retention. */
export const EXPORTED_LOGS = ["postgresql", "upgrade"] as const;
/** Server parameters set on every instance (primary and replicas). */
export const POSTGRES_PARAMETERS: Readonly<Record<string, string>> = {
  "rds.force_ssl": "1",
  log_min_duration_statement: "1000",
  log_connections: "1",
  log_disconnections: "1",
};
const ENHANCED_MONITORING_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

/**
 * How the master user's password is kept:
 *  - `rds-managed`: RDS generates and rotates it in Secrets Manager (manage_master_user_password).
 *    AWS refuses to create read replicas of such an instance (any engine but SQL Server), so this
 *    mode cannot have readReplicas and cannot be the source of a cross-region replica.
 *  - `module-secret`: a Secrets Manager secret made here, encrypted with the database key, holding
 *    {"username","password"}. The password is generated at apply time by an ephemeral resource and
 *    written with write-only arguments: it is in neither the plan nor the state. Bump
 *    masterPasswordVersion to rotate it. Works with read replicas.
 */
export type MasterPasswordMode = "rds-managed" | "module-secret";

export interface DatabaseProps {
  /** RDS identifier of the primary; replicas are `<identifier>-replica-<n>`. Lowercase letters, digits, dashes. */
  readonly identifier: string;
  /**
   * PostgreSQL version: a major ("17") lets RDS choose the current minor and auto minor upgrades
   * keep it current without drift; a pinned minor shows as drift once AWS has upgraded it.
   */
  readonly engineVersion: string;
  /** Parameter group family of that major, e.g. `postgres17`. */
  readonly parameterGroupFamily: string;
  /** e.g. db.r6g.large. */
  readonly instanceClass: string;
  /** Synchronous standby in a second AZ (primary only). */
  readonly multiAz: boolean;
  /** Number of same-region read replicas. */
  readonly readReplicas: number;
  /** One distinct AZ per replica, chosen by the caller (length must equal readReplicas). */
  readonly replicaAvailabilityZones: readonly string[];
  readonly allocatedStorageGib: number;
  /** Upper bound of storage autoscaling (max_allocated_storage). */
  readonly maxAllocatedStorageGib: number;
  /** Days of automated backups / point-in-time recovery (1-35). */
  readonly backupRetentionDays: number;
  /** Daily backup window, hh:mm-hh:mm UTC. */
  readonly backupWindow: string;
  /** Weekly maintenance window, ddd:hh:mm-ddd:hh:mm UTC. */
  readonly maintenanceWindow: string;
  readonly deletionProtection: boolean;
  /** Destroy without a final snapshot. Only for throw-away environments. */
  readonly skipFinalSnapshot: boolean;
  /** DB subnet group of the isolated database subnets. */
  readonly dbSubnetGroupName: string;
  readonly vpcId: string;
  /** Security groups (e.g. EKS cluster / node groups) that may connect on 5432. Nothing else may. */
  readonly allowedSecurityGroupIds: readonly string[];
  /** Days the exported PostgreSQL logs are kept (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /** Region of the database (the provider's region); used in the log key policy. */
  readonly region: string;
  /** Performance Insights retention: 7 (free tier) or 731 (two years, e.g. production). Default 7. */
  readonly performanceInsightsRetentionDays?: number;
  /** Default true. */
  readonly autoMinorVersionUpgrade?: boolean;
  /** Database created with the instance. Default: none (the `postgres` database exists). */
  readonly databaseName?: string;
  /** Master user name. Default `dbadmin`. */
  readonly masterUsername?: string;
  /** Default: `rds-managed` without read replicas, `module-secret` with them. See MasterPasswordMode. */
  readonly masterPassword?: MasterPasswordMode;
  /** `module-secret` only: change to generate and set a new master password. Default 1. */
  readonly masterPasswordVersion?: number;
  /**
   * Region that receives copies of the automated backups (aws_db_instance_automated_backups_replication),
   * encrypted with a key made there. Needs backupReplicationProvider for that region. With a
   * `module-secret` master password, the secret is replicated there too.
   */
  readonly backupReplicationRegion?: string;
  /** AWS provider (an alias) of backupReplicationRegion. */
  readonly backupReplicationProvider?: TerraformProvider;
  /** Where the alarms go (the environment's alert topic). */
  readonly alarmTopicArn: string;
  /** Replication lag (seconds) that alarms on a replica: at most the recovery point objective. */
  readonly replicaLagAlarmSeconds: number;
  /** DatabaseConnections alarm threshold. Default: 80% of the class's default max_connections. */
  readonly connectionsAlarmThreshold?: number;
  /**
   * Make the primary itself a cross-region read replica (disaster recovery). sourceArn is the ARN
   * of the source instance in the other region (a cross-region source must be given by ARN); the
   * replica is encrypted with this module's key, which lives in this (the replica's) region. No
   * master credentials are set: they come from the source. engineVersion must still name the
   * source's major version (parameter group family). Set promote to true to promote it to a
   * standalone primary in place (replicate_source_db is dropped; the provider promotes the
   * replica); RDS then manages a new master password in a Secrets Manager secret of this region.
   */
  readonly replicaOf?: { readonly sourceArn: string; readonly promote?: boolean };
}

/**
 * RDS for PostgreSQL in the spirit of terraform-aws-modules/rds: encrypted gp3 storage with
 * autoscaling under a customer managed key, master password in Secrets Manager, TLS forced,
 * slow-query and connection logging exported to KMS-encrypted log groups with retention,
 * Performance Insights and Enhanced Monitoring, IAM authentication, backups and final snapshot,
 * never public, reachable on 5432 only from the given security groups; optional same-region read
 * replicas (one per AZ), cross-region backup replication, and CloudWatch alarms to a given topic.
 */
export class Database extends Construct {
  /** The primary aws_db_instance (or, with replicaOf, the cross-region replica). */
  readonly instance: DbInstance;
  readonly identifier: string;
  readonly arn: string;
  /** host:port of the primary. */
  readonly endpoint: string;
  readonly address: string;
  readonly port: number;
  /** Secret holding the master credentials; undefined for a cross-region replica (see replicaOf). */
  readonly masterUserSecretArn: string | undefined;
  readonly masterPasswordMode: MasterPasswordMode | undefined;
  readonly securityGroupId: string;
  /** Key of storage, Performance Insights and the master secret. */
  readonly kmsKeyArn: string;
  /** Key of the log groups. */
  readonly telemetryKmsKeyArn: string;
  readonly parameterGroupName: string;
  readonly monitoringRoleArn: string;
  readonly replicas: DbInstance[];
  readonly logGroupNames: string[];
  readonly backupReplicationKmsKeyArn: string | undefined;
  readonly backupReplication: DbInstanceAutomatedBackupsReplication | undefined;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const settings = checkedSettings(props);
    const { identifier, region } = props;
    const replicaIds = Array.from({ length: props.readReplicas }, (_, i) => `${identifier}-replica-${i + 1}`);
    const instanceIds = [identifier, ...replicaIds];
    const account = new DataAwsCallerIdentity(this, "caller").accountId;

    const names = databaseNames(identifier);
    const dataKey = new CustomerManagedKey(this, "key", {
      alias: names.keyAlias,
      description: `Encrypts storage, Performance Insights and master credentials of RDS ${identifier}`,
    });
    const telemetryKey = new CustomerManagedKey(this, "telemetry-key", {
      alias: `${identifier}-rds-telemetry`,
      description: `Encrypts the log groups of RDS ${identifier}`,
      serviceStatements: [
        {
          sid: "CloudWatchLogsUseForTheDatabaseLogGroups",
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: instanceIds.map((instance) => `arn:aws:logs:${region}:${account}:log-group:/aws/rds/instance/${instance}/*`),
            },
          ],
        },
      ],
    });
    this.kmsKeyArn = dataKey.arn;
    this.telemetryKmsKeyArn = telemetryKey.arn;

    // Log groups exist before the instances so RDS writes into them (KMS, retention) instead of
    // creating its own that never expire.
    const logGroups = instanceIds.flatMap((instance, i) =>
      EXPORTED_LOGS.map(
        (log) =>
          new CloudwatchLogGroup(this, `log-group-${i}-${log}`, {
            name: `/aws/rds/instance/${instance}/${log}`,
            retentionInDays: props.logRetentionDays,
            kmsKeyId: telemetryKey.arn,
          }),
      ),
    );
    this.logGroupNames = logGroups.map((group) => group.name);

    const monitoringTrust = new DataAwsIamPolicyDocument(this, "monitoring-trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }] }],
    });
    const monitoringRole = new IamRole(this, "monitoring-role", {
      name: `${identifier}-rds-monitoring`,
      description: `Enhanced Monitoring of RDS ${identifier}`,
      assumeRolePolicy: monitoringTrust.json,
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: monitoringRole.name,
      policyArn: ENHANCED_MONITORING_POLICY_ARN,
    });
    this.monitoringRoleArn = monitoringRole.arn;

    const parameterGroup = new DbParameterGroup(this, "parameter-group", {
      name: `${identifier}-${settings.family}`,
      family: settings.family,
      description: `PostgreSQL ${settings.major} settings of ${identifier}: TLS only, slow-query and connection logging`,
      parameter: Object.entries(POSTGRES_PARAMETERS).map(([name, value]) => ({ name, value })),
      // A new family (major upgrade) gets a new group before the old one is deleted.
      lifecycle: { createBeforeDestroy: true },
    });
    this.parameterGroupName = parameterGroup.name;

    const securityGroup = new SecurityGroup(this, "security-group", {
      name: `${identifier}-db`,
      description: `PostgreSQL ${identifier}: 5432 from the allowed security groups only`,
      vpcId: props.vpcId,
      // No egress rules: the database starts no connections; replies to clients are stateful.
      tags: { Name: `${identifier}-db` },
    });
    props.allowedSecurityGroupIds.forEach(
      (source, i) =>
        new VpcSecurityGroupIngressRule(this, `ingress-${i}`, {
          securityGroupId: securityGroup.id,
          description: "PostgreSQL from an allowed security group",
          ipProtocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          referencedSecurityGroupId: source,
        }),
    );
    this.securityGroupId = securityGroup.id;

    // Cross-region backup copies: a key in the target region, made with that region's provider.
    let backupKey: CustomerManagedKey | undefined;
    if (settings.backupReplication) {
      backupKey = new CustomerManagedKey(this, "backup-replication-key", {
        alias: `${identifier}-rds-backups`,
        description: `Encrypts replicated automated backups of RDS ${identifier} (source region ${region})`,
      });
      onProvider(backupKey, settings.backupReplication.provider);
    }
    this.backupReplicationKmsKeyArn = backupKey?.arn;

    // Settings shared by the primary and its replicas.
    const common = {
      instanceClass: props.instanceClass,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: dataKey.arn,
      maxAllocatedStorage: props.maxAllocatedStorageGib,
      port: POSTGRES_PORT,
      vpcSecurityGroupIds: [securityGroup.id],
      parameterGroupName: parameterGroup.name,
      publiclyAccessible: false,
      iamDatabaseAuthenticationEnabled: true,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
      allowMajorVersionUpgrade: false,
      maintenanceWindow: props.maintenanceWindow,
      deletionProtection: props.deletionProtection,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: dataKey.arn,
      performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays ?? 7,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: [...EXPORTED_LOGS],
    } satisfies Partial<DbInstanceConfig>;
    // A final snapshot named after the time the instance was first planned: unique, so a second
    // destroy (after a rebuild) never clashes with the first one's snapshot. The time is kept by
    // a terraform_data whose input is never updated, so later plans show no change.
    let createdAt: TerraformResource | undefined;
    const finalSnapshot = (skip: boolean) => {
      if (skip) return { skipFinalSnapshot: true };
      createdAt ??= terraformData(this, "created-at", { ignoreChanges: ["input"] });
      createdAt.addOverride("input", "${plantimestamp()}");
      return { skipFinalSnapshot: false, finalSnapshotIdentifier: `${identifier}-final-\${formatdate("YYYYMMDDhhmmss", ${addressOf(createdAt)}.output)}` };
    };
    const logGroupsOf = (instanceIndex: number) => logGroups.slice(instanceIndex * EXPORTED_LOGS.length, (instanceIndex + 1) * EXPORTED_LOGS.length);

    // Master credentials.
    let credentials: Partial<DbInstanceConfig> = {};
    let login: GeneratedLogin | undefined;
    this.masterPasswordMode = settings.passwordMode;
    if (settings.passwordMode === "rds-managed") {
      credentials = { username: settings.username, manageMasterUserPassword: true, masterUserSecretKmsKeyId: dataKey.arn };
    } else if (settings.passwordMode === "module-secret") {
      login = new GeneratedLogin(this, "master", {
        secret: {
          namePrefix: names.masterSecretPrefix,
          description: `Master user of RDS ${identifier}`,
          kmsKeyId: dataKey.arn,
          replica: settings.backupReplication && backupKey ? [{ region: settings.backupReplication.region, kmsKeyId: backupKey.arn }] : undefined,
        },
        username: settings.username,
        version: props.masterPasswordVersion,
      });
      const password = login.passwordExpression;
      const version = login.version;
      credentials = { username: settings.username, passwordWo: `\${${password}}`, passwordWoVersion: version };
    }

    const replicaOf = props.replicaOf;
    const source: Partial<DbInstanceConfig> = replicaOf
      ? {
          // Cross-region replica: engine, version and credentials come from the source.
          replicateSourceDb: replicaOf.promote ? undefined : replicaOf.sourceArn,
          // Once promoted, RDS sets a new master password and keeps it in a secret of this region,
          // so the database never depends on the source region's secrets again.
          // The provider needs engine and username on any instance that is not a replica; they equal
          // what the replica inherited, so promotion does not replace the instance.
          ...(replicaOf.promote
            ? { engine: "postgres", username: settings.username, manageMasterUserPassword: true, masterUserSecretKmsKeyId: dataKey.arn }
            : {}),
          ...finalSnapshot(replicaOf.promote ? props.skipFinalSnapshot : true),
        }
      : {
          engine: "postgres",
          engineVersion: props.engineVersion,
          dbName: props.databaseName,
          ...credentials,
          ...finalSnapshot(props.skipFinalSnapshot),
        };

    this.instance = new DbInstance(this, "primary", {
      identifier,
      ...common,
      ...source,
      allocatedStorage: props.allocatedStorageGib,
      multiAz: props.multiAz,
      dbSubnetGroupName: props.dbSubnetGroupName,
      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: props.backupWindow,
      deleteAutomatedBackups: props.skipFinalSnapshot,
      tags: { Name: identifier },
      dependsOn: [...logGroupsOf(0), monitoringPolicy],
    });
    this.identifier = this.instance.identifier;
    this.arn = this.instance.arn;
    this.endpoint = this.instance.endpoint;
    this.address = this.instance.address;
    this.port = POSTGRES_PORT;
    this.masterUserSecretArn =
      settings.passwordMode === "rds-managed" || replicaOf?.promote ? this.instance.masterUserSecret.get(0).secretArn : login?.secret.arn;

    // Same-region read replicas, one per AZ; subnet group and encryption follow the source.
    this.replicas = replicaIds.map(
      (replicaId, i) =>
        new DbInstance(this, `replica-${i + 1}`, {
          identifier: replicaId,
          ...common,
          replicateSourceDb: this.instance.identifier,
          availabilityZone: props.replicaAvailabilityZones[i],
          multiAz: false,
          backupRetentionPeriod: 0,
          ...finalSnapshot(true),
          tags: { Name: replicaId },
          dependsOn: [...logGroupsOf(i + 1), monitoringPolicy],
        }),
    );

    if (this.replicas.length > 0) {
      // AWS refuses an AvailabilityZone on a Multi-AZ primary (CreateDBInstance: "can't be specified
      // if the DB instance is a Multi-AZ deployment"), so RDS picks it; the plan warns when that
      // puts the primary next to a replica, which a loss of that AZ would then take both of.
      TerraformStack.of(this).addOverride(`check.${this.instance.friendlyUniqueId}_replicas_in_other_azs`, {
        assert: [
          {
            condition: `\${!contains(${JSON.stringify(props.replicaAvailabilityZones)}, ${addressOf(this.instance)}.availability_zone)}`,
            error_message: `RDS placed the primary ${identifier} in the AZ of one of its read replicas (${props.replicaAvailabilityZones.join(", ")}). Fix: fail the primary over (reboot with failover) so it moves to its standby's AZ, or move the replica.`,
          },
        ],
      });
    }

    if (settings.backupReplication && backupKey) {
      this.backupReplication = new DbInstanceAutomatedBackupsReplication(this, "backup-replication", {
        provider: settings.backupReplication.provider,
        sourceDbInstanceArn: this.instance.arn,
        kmsKeyId: backupKey.arn,
        retentionPeriod: props.backupRetentionDays,
      });
    }

    new DatabaseAlarms(this, "alarms", {
      topicArn: props.alarmTopicArn,
      primaryIdentifier: identifier,
      allocatedStorageGib: props.allocatedStorageGib,
      connectionsThreshold: settings.connectionsThreshold,
      laggingInstanceIdentifiers: replicaOf && !replicaOf.promote ? [identifier, ...replicaIds] : replicaIds,
      replicaLagSeconds: props.replicaLagAlarmSeconds,
    });
  }
}

interface CheckedSettings {
  readonly major: string;
  readonly family: string;
  readonly username: string;
  readonly passwordMode: MasterPasswordMode | undefined;
  readonly connectionsThreshold: number;
  readonly backupReplication: { readonly region: string; readonly provider: TerraformProvider } | undefined;
}

/** Checks props that only make sense together; each error names the prop and the fix. */
function checkedSettings(props: DatabaseProps): CheckedSettings {
  const fail = (message: string): never => {
    throw new Error(`database ${props.identifier}: ${message}`);
  };
  if (!/^[a-z][a-z0-9-]{0,50}[a-z0-9]$/.test(props.identifier) || props.identifier.includes("--")) {
    fail("identifier must be lowercase letters, digits and single dashes, start with a letter and be at most 52 characters (replica ids add a suffix). Fix: rename it, e.g. \"pipeops-dev\".");
  }
  const version = /^(\d+)(\.\d+)?$/.exec(props.engineVersion);
  if (!version) fail(`engineVersion ${JSON.stringify(props.engineVersion)} is not a PostgreSQL version. Fix: use e.g. "16.8" or "16".`);
  const major = version![1]!;
  if (props.parameterGroupFamily !== `postgres${major}`) {
    fail(`parameterGroupFamily ${JSON.stringify(props.parameterGroupFamily)} does not belong to PostgreSQL ${major}. Fix: use "postgres${major}".`);
  }
  if (props.replicaAvailabilityZones.length !== props.readReplicas) {
    fail(`readReplicas is ${props.readReplicas} but replicaAvailabilityZones lists ${props.replicaAvailabilityZones.length} AZ(s). Fix: give exactly one AZ per replica.`);
  }
  if (new Set(props.replicaAvailabilityZones).size !== props.replicaAvailabilityZones.length) {
    fail(`replicaAvailabilityZones ${JSON.stringify(props.replicaAvailabilityZones)} repeats an AZ. Fix: put each replica in its own AZ.`);
  }
  if (props.maxAllocatedStorageGib < props.allocatedStorageGib) {
    fail(`maxAllocatedStorageGib ${props.maxAllocatedStorageGib} is below allocatedStorageGib ${props.allocatedStorageGib}. Fix: raise maxAllocatedStorageGib.`);
  }
  if (props.replicaOf && props.readReplicas > 0) {
    fail("a cross-region replica (replicaOf) with its own read replicas is not supported. Fix: set readReplicas to 0.");
  }
  if (!props.replicaOf && props.readReplicas > 0 && props.masterPassword === "rds-managed") {
    fail('AWS cannot create read replicas of an instance whose master password RDS manages (masterPassword "rds-managed"). Fix: set masterPassword to "module-secret", or readReplicas to 0.');
  }
  if ((props.backupReplicationRegion === undefined) !== (props.backupReplicationProvider === undefined)) {
    fail("backupReplicationRegion and backupReplicationProvider go together. Fix: pass both (the provider aliased to that region) or neither.");
  }
  if (props.backupReplicationRegion === props.region) {
    fail(`backupReplicationRegion is ${props.region}, the database's own region. Fix: name another region, or leave it out.`);
  }
  const connectionsThreshold =
    props.connectionsAlarmThreshold ??
    Math.floor((estimatedMaxConnections(props.instanceClass) ?? fail(`cannot estimate max_connections of ${props.instanceClass}. Fix: set connectionsAlarmThreshold.`)) * ALARM_THRESHOLDS.connectionsFraction);
  return {
    major,
    family: props.parameterGroupFamily,
    username: props.masterUsername ?? "dbadmin",
    passwordMode: props.replicaOf ? undefined : (props.masterPassword ?? (props.readReplicas > 0 ? "module-secret" : "rds-managed")),
    connectionsThreshold,
    backupReplication:
      props.backupReplicationRegion && props.backupReplicationProvider
        ? { region: props.backupReplicationRegion, provider: props.backupReplicationProvider }
        : undefined,
  };
}

/** Sends every resource and data source inside `scope` through `provider` (another region). */
function onProvider(scope: IConstruct, provider: TerraformProvider): void {
  for (const node of scope.node.findAll()) {
    if (node instanceof TerraformResource || node instanceof TerraformDataSource) node.provider = provider;
  }
}

