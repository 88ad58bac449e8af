import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Aspects, DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformResource, Tokenization, type IAspect, type S3BackendConfig, type DataTerraformRemoteStateS3Config } from "cdktf";
import type { IConstruct } from "constructs";
import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * The one switch between real AWS (the default) and a local AWS emulator on loopback.
 * Every provider, backend and remote-state block asks this module for its connection settings;
 * no other file knows the emulator exists.
 */
export type DeploymentTarget =
  | { readonly kind: "aws" }
  | { readonly kind: "local"; readonly endpoint: string };

/** The account the emulator reports for every request. */
export const EMULATOR_ACCOUNT_ID = "123456789012";

/** Where `npm run local:up` records the emulator it started (git-ignored). */
export const LOCAL_EMULATOR_STATE_FILE = join(".local", "emulator.json");

const EMULATOR_CREDENTIALS = { accessKey: "test", secretKey: "test" } as const;
/**
 * The emulator serves HTTPS with a throw-away certificate (the state bucket policy refuses plain
 * HTTP, on the emulator as on AWS), so certificate checks are off — loopback only.
 */
const EMULATOR_TLS = { insecure: true } as const;
const SKIP_AWS_ACCOUNT_CHECKS = {
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: true,
} as const;

/** AWS services the stacks use; with the local target each is pointed at the emulator. */
const EMULATED_SERVICES = ["s3", "dynamodb", "ec2", "rds", "eks", "iam", "kms", "sts", "secretsmanager", "logs", "sns", "cloudwatch", "budgets", "scheduler", "route53", "acm"] as const;

export function assertLoopbackEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`PIPEOPS_LOCAL_ENDPOINT=${JSON.stringify(endpoint)} is not a URL. Fix: use https://127.0.0.1:<port>.`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || !["http:", "https:"].includes(url.protocol)) {
    throw new Error(
      `PIPEOPS_LOCAL_ENDPOINT=${endpoint} is not a loopback address; the local target sends dummy credentials and must stay on this machine. Fix: use https://127.0.0.1:<port>.`,
    );
  }
  return endpoint.replace(/\/$/, "");
}

/**
 * Reads the target from the environment: PIPEOPS_TARGET=aws|local (default aws). The local
 * endpoint comes from PIPEOPS_LOCAL_ENDPOINT or from the file `npm run local:up` writes.
 */
export function deploymentTargetFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DeploymentTarget {
  const kind = env.PIPEOPS_TARGET ?? "aws";
  if (kind === "aws") return { kind: "aws" };
  if (kind !== "local") {
    throw new Error(`PIPEOPS_TARGET=${JSON.stringify(kind)} is not a deployment target. Fix: use "aws" (default) or "local".`);
  }
  let endpoint = env.PIPEOPS_LOCAL_ENDPOINT;
  const stateFile = join(cwd, LOCAL_EMULATOR_STATE_FILE);
  if (!endpoint && existsSync(stateFile)) {
    endpoint = (JSON.parse(readFileSync(stateFile, "utf8")) as { endpoint: string }).endpoint;
  }
  if (!endpoint) {
    throw new Error("PIPEOPS_TARGET=local but no emulator is known. Fix: run `npm run local:up`, or set PIPEOPS_LOCAL_ENDPOINT.");
  }
  return { kind: "local", endpoint: assertLoopbackEndpoint(endpoint) };
}

/** The account resources land in: the configured one on AWS, the emulator's locally. */
export function effectiveAccountId(target: DeploymentTarget, configuredAccountId: string): string {
  return target.kind === "local" ? EMULATOR_ACCOUNT_ID : configuredAccountId;
}

export function awsProviderConfig(target: DeploymentTarget, region: string, accountId: string, alias?: string): AwsProviderConfig {
  if (target.kind === "aws") {
    // allowed_account_ids stops a stack from ever applying into the wrong account.
    return { region, alias, allowedAccountIds: [accountId] };
  }
  const endpoints = Object.fromEntries(EMULATED_SERVICES.map((service) => [service, target.endpoint]));
  return {
    region,
    alias,
    ...EMULATOR_CREDENTIALS,
    ...EMULATOR_TLS,
    ...SKIP_AWS_ACCOUNT_CHECKS,
    skipMetadataApiCheck: "true", // a string in the AWS provider's schema, a boolean in the backend's
    s3UsePathStyle: true,
    endpoints: [endpoints],
  };
}

export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly dynamodbTable?: string;
  readonly kmsKeyId?: string;
}

function localStateAccess(target: Extract<DeploymentTarget, { kind: "local" }>) {
  return {
    ...EMULATOR_CREDENTIALS,
    ...EMULATOR_TLS,
    ...SKIP_AWS_ACCOUNT_CHECKS,
    usePathStyle: true,
    endpoints: { s3: target.endpoint, dynamodb: target.endpoint, sts: target.endpoint, iam: target.endpoint },
  };
}

export function s3BackendConfig(target: DeploymentTarget, location: StateLocation): S3BackendConfig {
  const base: S3BackendConfig = { ...location, encrypt: true };
  return target.kind === "aws" ? base : { ...base, ...localStateAccess(target) };
}

export function remoteStateConfig(target: DeploymentTarget, location: StateLocation): DataTerraformRemoteStateS3Config {
  const { dynamodbTable: _lockTableIsNotNeededToRead, kmsKeyId: _decryptionNeedsNoKeyId, ...readOnly } = location;
  return target.kind === "aws" ? readOnly : { ...readOnly, ...localStateAccess(target) };
}

/**
 * Where a bootstrap stack keeps its state before it is migrated into its own bucket. Kept apart
 * per target so an emulator run never touches the state of real AWS.
 */
export function bootstrapLocalStatePath(target: DeploymentTarget, stackName: string, stateDir: string): string {
  const suffix = target.kind === "local" ? ".local" : "";
  return join(stateDir, `${stackName}${suffix}.tfstate`);
}

/**
 * Emulator quirk "conditional Deny applied unconditionally": moto evaluates bucket policies but
 * skips condition keys it does not know, so `Deny s3:* if aws:SecureTransport = false` denies every
 * request, TLS or not. With the local target only, that one statement is left out of policy
 * documents; real AWS always gets it (see the unit test named after this quirk). A document left
 * empty gets the account's own access spelt out instead, since moto cannot read a policy with no
 * statements (an empty policy is invalid on AWS as well).
 */
class DropTransportDenyOnEmulator implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof DataAwsIamPolicyDocument)) return;
    const statements = node.statementInput;
    if (!Array.isArray(statements)) return;
    const dropped = statements.filter(isTransportDeny);
    if (dropped.length === 0) return;
    const kept = statements.filter((statement: DataAwsIamPolicyDocumentStatement) => !isTransportDeny(statement));
    node.putStatement(kept.length > 0 ? kept : [
      {
        sid: "EmulatorAccountAccess",
        effect: "Allow",
        actions: ["s3:*"],
        resources: dropped.flatMap((statement) => statement.resources ?? []),
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${EMULATOR_ACCOUNT_ID}:root`] }],
      },
    ]);
  }
}

function isTransportDeny(statement: DataAwsIamPolicyDocumentStatement): boolean {
  const conditions = Array.isArray(statement.condition) ? statement.condition : [];
  return statement.effect === "Deny" && conditions.some((c) => c.variable === "aws:SecureTransport");
}

/**
 * Emulator quirks "EKS add-ons and access entries not emulated" (moto answers 404; what they
 * configure lives inside a cluster the emulator does not run anyway) and "RDS automated backups
 * replication not implemented" (moto answers 500 to StartDBInstanceAutomatedBackupsReplication)
 * and "no cost allocation tags" (moto's Cost Explorer serves cost categories and usage only, no
 * UpdateCostAllocationTagsStatus) and "budgets not readable" (moto's Budgets has neither
 * ListTagsForResource nor DescribeSubscribersForNotification, which the provider calls to read
 * every budget, retrying the 500 answers until it times out):
 * with the local target only, these resources are created zero times.
 */
export const UNEMULATED_RESOURCE_TYPES = [
  "aws_eks_addon",
  "aws_eks_access_entry",
  "aws_eks_access_policy_association",
  "aws_db_instance_automated_backups_replication",
  "aws_ce_cost_allocation_tag",
  "aws_budgets_budget",
] as const;

/** Data sources of APIs the emulator does not serve (moto has no DescribeAddonVersions); read zero times locally. */
export const UNEMULATED_DATA_SOURCE_TYPES = ["aws_eks_addon_version"] as const;

class SkipUnemulatedResources implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof TerraformDataSource && (UNEMULATED_DATA_SOURCE_TYPES as readonly string[]).includes(node.terraformResourceType)) {
      node.count = 0;
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    if ((UNEMULATED_RESOURCE_TYPES as readonly string[]).includes(node.terraformResourceType) || referencesClusterSecurityGroup(node)) {
      node.count = 0;
    }
  }
}

/**
 * Emulator quirk "no EKS cluster security group": moto returns no
 * vpc_config.cluster_security_group_id, so a rule admitting the cluster's nodes (the database's
 * 5432 ingress) has no source to name and is left out with the local target.
 */
function referencesClusterSecurityGroup(node: TerraformResource): boolean {
  if (node.terraformResourceType !== "aws_vpc_security_group_ingress_rule") return false;
  const source = (node as TerraformResource & { referencedSecurityGroupIdInput?: string }).referencedSecurityGroupIdInput;
  if (source === undefined) return false;
  const resolved = Tokenization.resolve(source, { scope: node, resolver: new DefaultTokenResolver(new StringConcat()) });
  return String(resolved).includes(".cluster_security_group_id");
}

/**
 * Emulator quirk "EKS attributes not read back": moto omits a cluster's access_config and a node
 * group's update_config / node_repair_config, reports every node group with
 * remote_access.ec2_ssh_key = "eksKeypair", and plans a node group's launch-template version as
 * unknown again after an apply, which leads to UpdateNodegroupVersion, an API it does not serve.
 * The next plan would replace the cluster and update the node groups. moto also drops a cluster's
 * upgrade_policy (it stores no support type), and answers UpdateClusterConfig with a cluster
 * instead of an update, on which the provider crashes (nil pointer in resourceClusterUpdate). Its
 * CreateCluster ignores EKS Auto Mode's computeConfig and storageConfig (moto/eks/responses.py reads
 * neither), so they come back empty and the next plan would change them. With
 * the local target only, those attributes are ignored after creation.
 */
export const EMULATOR_UNREAD_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_eks_cluster: ["access_config", "upgrade_policy", "compute_config", "storage_config"],
  aws_eks_node_group: ["remote_access", "update_config", "node_repair_config", "launch_template"],
  // moto reports a launch template's own tags as an extra `launch-template` tag specification.
  aws_launch_template: ["tag_specifications"],
};

class IgnoreUnreadAttributes implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const unread = EMULATOR_UNREAD_ATTRIBUTES[node.terraformResourceType];
    if (!unread) return;
    const lifecycle = node.lifecycle ?? {};
    const ignored = Array.isArray(lifecycle.ignoreChanges) ? lifecycle.ignoreChanges : [];
    node.lifecycle = { ...lifecycle, ignoreChanges: [...new Set([...ignored, ...unread])] };
  }
}

/** Adjustments a target needs on every stack; none for real AWS. */
export function adaptStackToTarget(stack: IConstruct, target: DeploymentTarget): void {
  if (target.kind !== "local") return;
  Aspects.of(stack).add(new DropTransportDenyOnEmulator());
  Aspects.of(stack).add(new SkipUnemulatedResources());
  Aspects.of(stack).add(new IgnoreUnreadAttributes());
}
