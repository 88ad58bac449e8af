import { TerraformOutput, type TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicy } from "@cdktf/provider-aws/lib/data-aws-iam-policy";
import { boundEveryRole } from "../aspects/permissions-boundary";
import { preventDestroyOfWhatCannotBeRebuilt } from "../aspects/prevent-destroy";
import type { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import type { EnvironmentConfig } from "../config/types";
import { EKS_UNSUPPORTED_ZONE_IDS, KUBERNETES, POSTGRES } from "../config/versions";
import { TIER_SETTINGS } from "../config/schema";
import { awsProviderConfig, type DeploymentTarget } from "../target";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { CORE_OUTPUT } from "./core-outputs";
import { alertTopicName, corePrefix, grafanaAdminSecretName, secretsKeyAlias, secretStoreGrants, stackNames } from "./names";
import { useStateBackend, type StackStateLocation } from "../../backend/state-backend";
import { stackStateLocation } from "./state-location";
import { Network } from "../../modules/network/network";
import { EksCluster } from "../../modules/eks/eks-cluster";
import { PlatformIrsaRoles } from "../../modules/eks/platform-roles";
import { Database, POSTGRES_PORT, type DatabaseProps } from "../../modules/database/database";
import { MonthlyBudget } from "../../modules/cost/monthly-budget";
import { AlertTopic } from "../../modules/monitoring/alert-topic";
import { EnvironmentAlarms } from "../../modules/monitoring/environment-alarms";
import { RECOVERY_OBJECTIVES } from "../config/recovery-objectives";
import { DatabaseOffHours } from "../../modules/cost/database-off-hours";
import { ENVIRONMENT_TAG } from "../aspects/tags";
import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { CustomerManagedKey } from "../../modules/kms/customer-managed-key";
import { GeneratedLogin } from "../../modules/secrets/generated-login";
import { githubRoleNames } from "../../backend/github-oidc";

/**
 * What makes a core stack's database a replica of another environment's primary (DR of prod).
 * The composition root passes DR's implementation (dr/replication.ts); the core stack knows only
 * this shape, never DR's code.
 */
export interface ReplicaWiring {
  /** The replica's source (or its promotion) and a check that the source exists; undefined without env.replication. */
  replicationOf(scope: Construct, replica: ReplicaOfSource): Replication | undefined;
  /** Marks every plan of a promoted replica as irreversible. */
  warnOfPromotion(scope: Construct, env: EnvironmentConfig, database: TerraformResource): void;
}

/** A replica environment and where its source publishes the primary's ARN. */
export interface ReplicaOfSource {
  readonly env: EnvironmentConfig;
  readonly target: DeploymentTarget;
  readonly accountId: string;
  /** The source environment, its core stack and that stack's state, and the output with its primary's ARN. */
  readonly source?: { readonly env: EnvironmentConfig; readonly stackName: string; readonly state: StackStateLocation; readonly arnOutput: string };
}

export interface Replication {
  /** What the database module needs: the source ARN (a Terraform reference), or promotion. */
  readonly replicaOf: NonNullable<DatabaseProps["replicaOf"]>;
  /** A precondition for the database: the source's state exists and publishes the ARN. */
  readonly sourceCheck?: { readonly condition: string; readonly error_message: string };
}

export interface CoreStackProps extends EnvironmentStackProps {
  /**
   * The environment whose primary database this one replicates (DR); required when
   * env.replication is set. Only its state location is used, and only while not promoted.
   */
  readonly replicationSource?: EnvironmentConfig;
  /** How a replica is wired to its source; required when env.replication is set. */
  readonly replicaWiring?: ReplicaWiring;
}

/**
 * `<env>` (and `dr`): the AWS core of one environment — network, EKS with the platform services'
 * IRSA roles, RDS PostgreSQL, KMS keys and the secrets the platform reads. Publishes the outputs
 * in CORE_OUTPUT for the platform and DR stacks.
 */
export class CoreStack extends EnvironmentStack {
  readonly network: Network;
  readonly cluster: EksCluster;
  readonly database: Database;
  readonly platformRoles: PlatformIrsaRoles;
  readonly alerts: AlertTopic;
  /** The region's ACM certificate of the environment's zone ("" without dns). */
  readonly certificateArn: string;

  constructor(scope: Construct, stackName: string, props: CoreStackProps) {
    super(scope, stackName, props);
    const { env, target } = props;
    useStateBackend(this, stackStateLocation(env, target, stackName));
    const name = corePrefix(env);
    // The CI deploy role creates roles only with its own boundary, which its bootstrap stack made:
    // looked up by name, so a missing bootstrap stops the plan instead of the apply.
    boundEveryRole(this, new DataAwsIamPolicy(this, "deploy-boundary", { name: githubRoleNames(env).deployBoundary }).arn);
    const tier = TIER_SETTINGS[env.tier];
    if (env.protectCoreFromDestroy) preventDestroyOfWhatCannotBeRebuilt(this);

    // Every alarm, budget alert and Alertmanager alert of the environment goes here.
    this.alerts = new AlertTopic(this, "alerts", { name: alertTopicName(env), region: env.region, accountId: this.accountId, ...env.alerts });

    this.network = new Network(this, "network", {
      name,
      region: env.region,
      vpcCidr: env.network.vpcCidr,
      availabilityZones: env.network.availabilityZones,
      natGateways: env.network.natGateways,
      interfaceEndpoints: env.network.interfaceEndpoints,
      flowLogRetentionDays: env.network.flowLogRetentionDays,
      clusterName: name,
      databasePort: POSTGRES_PORT,
      // EKS refuses cluster subnets in these zones; the plan checks this account's AZ mapping.
      excludedZoneIds: EKS_UNSUPPORTED_ZONE_IDS.zoneIds,
    });

    this.cluster = new EksCluster(this, "eks", {
      name,
      region: env.region,
      kubernetesVersion: KUBERNETES.version,
      supportType: KUBERNETES.supportType,
      vpcId: this.network.vpcId,
      // The control plane's ENIs apart from every node and pod: NetworkPolicies admit its webhook
      // calls by this range without admitting any pod.
      subnetIds: this.network.controlPlaneSubnetIds,
      nodeSubnetIds: this.network.privateSubnetIds,
      publicAccessCidrs: env.eks.publicAccessCidrs,
      // The runner that plans and applies the platform stack reaches the private endpoint from here (docs/ci.md).
      privateAccessCidrs: env.eks.privateAccessCidrs,
      clusterAdmins: clusterAdminsOf(env),
      logRetentionDays: env.eks.logRetentionDays,
      computeMode: env.eks.computeMode,
      // In Auto Mode the same capacity becomes NodePools, in the platform stack.
      nodeGroups: env.eks.computeMode === "managed-node-groups" ? env.eks.nodeGroups : [],
    });

    new EnvironmentAlarms(this, "alarms", { name, topicArn: this.alerts.arn, natGatewayIds: this.network.natGatewayIds, clusterName: this.cluster.clusterName });

    const replication = this.replicationOf(props);
    this.database = new Database(this, "database", {
      identifier: name,
      region: env.region,
      engineVersion: POSTGRES.majorVersion,
      parameterGroupFamily: POSTGRES.parameterGroupFamily,
      instanceClass: env.database.instanceClass,
      multiAz: env.database.multiAz,
      readReplicas: env.database.readReplicas,
      // One replica per AZ after the first; RDS picks a Multi-AZ primary's AZ itself (a check warns when it shares one with a replica).
      replicaAvailabilityZones: env.network.availabilityZones.slice(1, 1 + env.database.readReplicas),
      allocatedStorageGib: env.database.allocatedStorageGib,
      maxAllocatedStorageGib: env.database.maxAllocatedStorageGib,
      backupRetentionDays: env.database.backupRetentionDays,
      backupWindow: env.database.backupWindow,
      maintenanceWindow: env.database.maintenanceWindow,
      deletionProtection: env.database.deletionProtection,
      skipFinalSnapshot: tier.skipFinalSnapshot,
      performanceInsightsRetentionDays: tier.performanceInsightsRetentionDays,
      dbSubnetGroupName: this.network.databaseSubnetGroupName,
      vpcId: this.network.vpcId,
      allowedSecurityGroupIds: [this.cluster.nodeSecurityGroupId],
      logRetentionDays: env.database.logRetentionDays,
      alarmTopicArn: this.alerts.arn,
      replicaLagAlarmSeconds: RECOVERY_OBJECTIVES.rpoSeconds.min,
      ...this.backupReplication(env),
      replicaOf: replication?.replicaOf,
    });
    if (replication?.sourceCheck) this.database.instance.addOverride("lifecycle.precondition", [replication.sourceCheck]);
    props.replicaWiring?.warnOfPromotion(this, env, this.database.instance);
    this.costControls(env, name);

    // Secrets of this environment live under <project>/<env>/, encrypted with their own key.
    const secretsKey = new CustomerManagedKey(this, "secrets-key", {
      alias: secretsKeyAlias(env),
      description: `Encrypts the Secrets Manager secrets of ${name}`,
    });
    const grafanaAdmin = this.grafanaAdminSecret(env, secretsKey, tier.secretRecoveryWindowDays);

    this.platformRoles = new PlatformIrsaRoles(this, "platform-roles", {
      namePrefix: name,
      region: env.region,
      oidcProviderArn: this.cluster.oidcProviderArn,
      oidcIssuerUrl: this.cluster.oidcProvider,
      // Each reading namespace gets its own secrets only; the database's master secret none of them.
      secretStores: secretStoreGrants(env, this.accountId),
      secretKmsKeyArns: [secretsKey.arn],
      loadBalancerController: env.platform.loadBalancerController.enabled ?? false,
      alertmanager: env.platform.monitoring.enabled ? { topicArn: this.alerts.arn, topicKeyArn: this.alerts.key.arn } : undefined,
      externalDns: env.dns ? { zoneName: env.dns.zoneName } : undefined,
    });
    // The region's certificate of the zone, issued by the global stack (this stack deploys after it).
    this.certificateArn = env.dns
      ? new DataAwsAcmCertificate(this, "certificate", { domain: env.dns.zoneName, statuses: ["ISSUED"], types: ["AMAZON_ISSUED"], mostRecent: true }).arn
      : "";

    this.publishOutputs(grafanaAdmin.name);
  }

  /** Prod copies its automated backups to another region with a provider of that region. */
  private replicationOf({ env, target, replicationSource: source, replicaWiring }: CoreStackProps): Replication | undefined {
    if (!env.replication) return undefined;
    if (!replicaWiring) throw new Error(`${env.name}: replication is set, but the app was built without the replica wiring (main.ts passes dr/replication.ts).`);
    const published = (from: EnvironmentConfig, stackName = stackNames(from.name).core) =>
      ({ env: from, stackName, state: stackStateLocation(from, target, stackName), arnOutput: CORE_OUTPUT.databaseArn });
    return replicaWiring.replicationOf(this, { env, target, accountId: this.accountId, source: source && published(source) });
  }

  private backupReplication(env: EnvironmentConfig) {
    const region = env.database.backupReplicationRegion;
    if (!region) return {};
    const provider = new AwsProvider(this, "aws-backup-region", awsProviderConfig(this.target, region, this.accountId, "backup_region"));
    return { backupReplicationRegion: region, backupReplicationProvider: provider };
  }

  /** Grafana's admin login, generated at apply and never stored (GeneratedLogin); External Secrets syncs it. */
  private grafanaAdminSecret(env: EnvironmentConfig, key: CustomerManagedKey, recoveryWindowInDays: number): SecretsmanagerSecret {
    return new GeneratedLogin(this, "grafana-admin", {
      secret: {
        name: grafanaAdminSecretName(env),
        description: "Grafana admin login, synced into the monitoring namespace by External Secrets",
        kmsKeyId: key.arn,
        recoveryWindowInDays,
      },
      username: "admin",
      passwordLength: 32,
    }).secret;
  }

  /** The environment's monthly budget, and in development the database's off-hours schedule (cost allocation tags: CostTagsStack). */
  private costControls(env: EnvironmentConfig, name: string): void {
    new MonthlyBudget(this, "budget", {
      name: `${name}-monthly`,
      accountId: this.accountId,
      limitUsd: env.costs.monthlyBudgetUsd,
      costAllocationTag: { key: ENVIRONMENT_TAG, value: env.name },
      alertTopicArn: this.alerts.arn,
    });
    const offHours = env.costs.offHours;
    if (offHours?.enabled) {
      new DatabaseOffHours(this, "database-off-hours", {
        name,
        accountId: this.accountId,
        region: env.region,
        // The database's identifier is the environment's name prefix (see the Database above).
        dbInstanceIdentifier: name,
        dbInstanceArn: this.database.arn,
        timezone: offHours.timezone,
        workdayStart: offHours.workdayStart,
        workdayEnd: offHours.workdayEnd,
        workdays: offHours.workdays,
      });
    }
  }

  private publishOutputs(grafanaAdminSecretName: string): void {
    const outputs: Record<string, { value: unknown; sensitive?: boolean; description: string }> = {
      [CORE_OUTPUT.vpcId]: { value: this.network.vpcId, description: "VPC ID" },
      [CORE_OUTPUT.vpcCidr]: { value: this.network.vpcCidr, description: "VPC CIDR block" },
      [CORE_OUTPUT.publicSubnetIds]: { value: this.network.publicSubnetIds, description: "Public subnet IDs, one per AZ" },
      [CORE_OUTPUT.privateSubnetIds]: { value: this.network.privateSubnetIds, description: "Private subnet IDs, one per AZ" },
      [CORE_OUTPUT.databaseSubnetIds]: { value: this.network.databaseSubnetIds, description: "Database subnet IDs, one per AZ" },
      [CORE_OUTPUT.clusterName]: { value: this.cluster.clusterName, description: "EKS cluster name" },
      [CORE_OUTPUT.clusterEndpoint]: { value: this.cluster.clusterEndpoint, description: "EKS API endpoint" },
      [CORE_OUTPUT.clusterCertificateAuthorityData]: { value: this.cluster.clusterCertificateAuthorityData, description: "EKS cluster CA (base64)" },
      [CORE_OUTPUT.clusterOidcIssuerUrl]: { value: this.cluster.oidcIssuerUrl, description: "OIDC issuer URL of the cluster" },
      [CORE_OUTPUT.oidcProviderArn]: { value: this.cluster.oidcProviderArn, description: "IAM OIDC provider ARN (IRSA)" },
      [CORE_OUTPUT.secretStoreRoleArns]: { value: this.platformRoles.secretStoreRoleArns, description: "Namespace → IRSA role of its SecretStore (reads only that namespace's secrets)" },
      [CORE_OUTPUT.loadBalancerControllerRoleArn]: { value: this.platformRoles.loadBalancerControllerRoleArn, description: "IRSA role of the AWS Load Balancer Controller (empty in Auto Mode)" },
      [CORE_OUTPUT.alertTopicArn]: { value: this.alerts.arn, description: "SNS topic of every alert of the environment (alarms, budgets, Alertmanager)" },
      [CORE_OUTPUT.alertmanagerRoleArn]: { value: this.platformRoles.alertmanager?.arn ?? "", description: "IRSA role Alertmanager publishes to the alert topic with (empty without monitoring)" },
      [CORE_OUTPUT.externalDnsRoleArn]: { value: this.platformRoles.externalDns?.arn ?? "", description: "IRSA role external-dns writes the zone's records with (empty without dns)" },
      [CORE_OUTPUT.certificateArn]: { value: this.certificateArn, description: "ACM certificate of the zone and its wildcard in this region (empty without dns)" },
      [CORE_OUTPUT.nodeRoleName]: { value: this.cluster.nodeRoleName, description: "IAM role of the nodes (Auto Mode NodeClass spec.role)" },
      [CORE_OUTPUT.nodeSecurityGroupId]: { value: this.cluster.nodeSecurityGroupId, description: "The cluster's primary security group, which the nodes use" },
      [CORE_OUTPUT.cloudwatchAgentRoleArn]: { value: this.cluster.cloudwatchAgentRoleArn, description: "IRSA role of the CloudWatch agent" },
      [CORE_OUTPUT.ebsKmsKeyArn]: { value: this.cluster.ebsKmsKeyArn, description: "KMS key of node and persistent volumes (gp3 StorageClass)" },
      [CORE_OUTPUT.ebsCsiDriverRoleArn]: { value: this.cluster.ebsCsiDriverRoleArn ?? "", description: "IRSA role of the EBS CSI driver (empty in Auto Mode)" },
      [CORE_OUTPUT.grafanaAdminSecretName]: { value: grafanaAdminSecretName, description: "Secrets Manager secret with Grafana's admin login" },
      [CORE_OUTPUT.databaseArn]: { value: this.database.arn, description: "ARN of the primary database instance" },
      [CORE_OUTPUT.databaseEndpoint]: { value: this.database.endpoint, description: "Endpoint (host:port) of the primary database" },
      [CORE_OUTPUT.databaseMasterSecretArn]: { value: this.database.masterUserSecretArn ?? "", description: "Secrets Manager secret with the master credentials" },
    };
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, { ...output, staticId: true });
  }
}

/**
 * Cluster admins: the role the EKS module creates for people, the CI deploy role the bootstrap
 * stack made (it applies the platform stack), and the configured principals of the account — all
 * looked up by name, so a principal that does not exist stops the plan instead of the apply.
 */
function clusterAdminsOf(env: EnvironmentConfig) {
  const byKind = (kind: "role" | "user") =>
    env.eks.adminPrincipalArns.filter((arn) => arn.split(":")[5]!.startsWith(`${kind}/`)).map((arn) => arn.split("/").pop()!);
  return {
    createAdminRole: true,
    existingRoleNames: [githubRoleNames(env).deploy, ...byKind("role")],
    existingUserNames: byKind("user"),
    // The CI plan role reads the cluster to plan the platform stack (deploys, drift). The
    // pull-request plan role gets no access entry: a platform plan reads Helm's release Secrets.
    viewerRoleNames: [githubRoleNames(env).plan],
  };
}
