/**
 * How to find, for a resource Terraform plans to create, the object a killed apply already created
 * (and never recorded in the state), so that recovery imports it instead of creating a duplicate
 * or failing with "already exists".
 *
 * One entry per resource type the project's AWS stacks use (a unit test keeps the table complete).
 * Each entry either derives the import ID from the planned values — Terraform then checks that the
 * object exists, and recovery drops the import when it does not — or looks the object up through
 * the AWS API, or says why creating it again is harmless. Import ID formats: the "Import" section
 * of each resource's page in the hashicorp/aws provider documentation.
 */

export type AwsCall = (service: string, operation: string, params?: Record<string, unknown>) => Record<string, unknown>;

export interface LookupContext {
  /** The AWS API in the region of the resource's own provider (the stack's, or an aliased one's). */
  readonly aws: AwsCall;
  readonly awsIn: (region: string) => AwsCall;
  /** That provider's region. */
  readonly region: string;
  readonly accountId: string;
  /** The stack's synthesized configuration (cdk.tf.json), for links between resources. */
  readonly config: { resource?: Record<string, Record<string, Record<string, unknown>>>; provider?: { aws?: { region?: string; alias?: string }[] } };
}

export interface PlannedCreate {
  readonly address: string;
  readonly type: string;
  /** Planned values; attributes known only after apply are absent. */
  readonly after: Readonly<Record<string, unknown>>;
}

export type ExistingObjectFinder =
  /** The import ID of the object this create would clash with, or undefined when none can exist yet or none was found. */
  | {
      readonly kind: "import";
      readonly id: (create: PlannedCreate, context: LookupContext) => string | undefined;
      /** The lookup finds the object by its Name tag: every resource of the type must set one. */
      readonly byNameTag?: true;
    }
  | { readonly kind: "create-again"; readonly why: string };

/** Two objects answer one lookup: recovery cannot choose, an operator must remove the extra one. */
export class AmbiguousObjectError extends Error {}

const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/** The import ID is one planned attribute (a name). */
const attribute = (name: string): ExistingObjectFinder => ({ kind: "import", id: ({ after }) => text(after[name]) });

/** The import ID joins planned attributes; undefined while any of them is known only after apply. */
function joined(separator: string, ...names: string[]): ExistingObjectFinder {
  return {
    kind: "import",
    id: ({ after }) => {
      const parts = names.map((name) => text(after[name]));
      return parts.every((part) => part !== undefined) ? parts.join(separator) : undefined;
    },
  };
}

function single(found: readonly string[], what: string): string | undefined {
  if (found.length > 1) throw new AmbiguousObjectError(`${what}: ${found.length} objects match (${found.join(", ")}); delete the extra ones, then run recovery again`);
  return found[0];
}

/** EC2 objects carry a Name tag: find the one with this stack's Name by its ID prefix (vpc-, subnet-, …). */
function byNameTag(idPrefix: string): ExistingObjectFinder {
  return {
    kind: "import",
    byNameTag: true,
    id: ({ address, after }, { aws }) => {
      const name = text((after.tags as Record<string, unknown> | undefined)?.Name);
      if (!name) return undefined;
      const answer = aws("ec2", "describe_tags", { Filters: [{ Name: "key", Values: ["Name"] }, { Name: "value", Values: [name] }] }) as { Tags?: { ResourceId: string }[] };
      const ids = [...new Set((answer.Tags ?? []).map((tag) => tag.ResourceId).filter((id) => id.startsWith(`${idPrefix}-`)))];
      return single(ids, `${address} (Name tag ${name})`);
    },
  };
}

/** A customer key: through the alias the configuration gives it, or else the one enabled key with its description and no alias. */
const kmsKey: ExistingObjectFinder = {
  kind: "import",
  id: ({ address, after }, { aws, config }) => {
    const aliases = Object.values(config.resource?.aws_kms_alias ?? {});
    const alias = aliases.find((candidate) => String(candidate.target_key_id).startsWith(`\${${address}.`));
    const aliasList = (aws("kms", "list_aliases") as { Aliases?: { AliasName: string; TargetKeyId?: string }[] }).Aliases ?? [];
    const byAlias = alias && aliasList.find((entry) => entry.AliasName === alias.name)?.TargetKeyId;
    if (byAlias) return byAlias;
    const description = text(after.description);
    if (!description) return undefined;
    const aliased = new Set(aliasList.map((entry) => entry.TargetKeyId));
    const keys = ((aws("kms", "list_keys") as { Keys?: { KeyId: string }[] }).Keys ?? []).map((key) => key.KeyId).filter((id) => !aliased.has(id));
    const orphans = keys.filter((id) => {
      const metadata = (aws("kms", "describe_key", { KeyId: id }) as { KeyMetadata: { Description?: string; KeyState?: string } }).KeyMetadata;
      return metadata.Description === description && metadata.KeyState === "Enabled";
    });
    return single(orphans, `${address} (description "${description}", no alias)`);
  },
};

const secretArn: ExistingObjectFinder = {
  kind: "import",
  id: ({ after }, { aws }) => {
    const name = text(after.name);
    if (!name) return undefined;
    const found = (aws("secretsmanager", "list_secrets", { Filters: [{ Key: "name", Values: [name] }] }) as { SecretList?: { ARN: string; Name: string }[] }).SecretList ?? [];
    return single(found.filter((secret) => secret.Name === name).map((secret) => secret.ARN), `secret ${name}`);
  },
};

const launchTemplate: ExistingObjectFinder = {
  kind: "import",
  byNameTag: true,
  id: ({ address, after }, { aws }) => {
    const name = text((after.tags as Record<string, unknown> | undefined)?.Name);
    if (!name) return undefined;
    const found = (aws("ec2", "describe_launch_templates", { Filters: [{ Name: "tag:Name", Values: [name] }] }) as { LaunchTemplates?: { LaunchTemplateId: string }[] }).LaunchTemplates ?? [];
    return single(found.map((template) => template.LaunchTemplateId), `${address} (Name tag ${name})`);
  },
};

/** A node group named from a prefix: the cluster's node group with this Name tag. */
const eksNodeGroup: ExistingObjectFinder = {
  kind: "import",
  byNameTag: true,
  id: ({ address, after }, { aws }) => {
    const cluster = text(after.cluster_name);
    const name = text((after.tags as Record<string, unknown> | undefined)?.Name);
    if (!cluster || !name) return undefined;
    const groups = (aws("eks", "list_nodegroups", { clusterName: cluster }) as { nodegroups?: string[] }).nodegroups ?? [];
    const tagged = groups.filter((group) => {
      const described = aws("eks", "describe_nodegroup", { clusterName: cluster, nodegroupName: group }) as { nodegroup: { tags?: Record<string, string> } };
      return described.nodegroup.tags?.Name === name;
    });
    return single(tagged.map((group) => `${cluster}:${group}`), `${address} (Name tag ${name})`);
  },
};

/** A security group rule: the rule of that group with the same protocol, ports and source. */
const ingressRule: ExistingObjectFinder = {
  kind: "import",
  id: ({ address, after }, { aws }) => {
    const group = text(after.security_group_id);
    const source = text(after.cidr_ipv4) ?? text(after.referenced_security_group_id);
    if (!group || !source) return undefined;
    const rules = (aws("ec2", "describe_security_group_rules", { Filters: [{ Name: "group-id", Values: [group] }] }) as {
      SecurityGroupRules?: { SecurityGroupRuleId: string; IsEgress: boolean; IpProtocol: string; FromPort?: number; ToPort?: number; CidrIpv4?: string; ReferencedGroupInfo?: { GroupId?: string } }[];
    }).SecurityGroupRules ?? [];
    const matching = rules.filter(
      (rule) =>
        !rule.IsEgress &&
        rule.IpProtocol === after.ip_protocol &&
        rule.FromPort === after.from_port &&
        rule.ToPort === after.to_port &&
        (rule.CidrIpv4 ?? rule.ReferencedGroupInfo?.GroupId) === source,
    );
    return single(matching.map((rule) => rule.SecurityGroupRuleId), address);
  },
};

/** A cross-region copy of a database's automated backups: the copy of that source (in its provider's region). */
const replicatedBackups: ExistingObjectFinder = {
  kind: "import",
  id: ({ address, after }, { aws }) => {
    const source = text(after.source_db_instance_arn);
    if (!source) return undefined;
    const backups = (aws("rds", "describe_db_instance_automated_backups") as { DBInstanceAutomatedBackups?: { DBInstanceArn?: string; DBInstanceAutomatedBackupsArn: string }[] }).DBInstanceAutomatedBackups ?? [];
    return single(backups.filter((backup) => backup.DBInstanceArn === source).map((backup) => backup.DBInstanceAutomatedBackupsArn), address);
  },
};

const arn = (build: (after: Readonly<Record<string, unknown>>, context: LookupContext) => string | undefined): ExistingObjectFinder => ({
  kind: "import",
  id: ({ after }, context) => build(after, context),
});

const bucket = attribute("bucket");

export const EXISTING_OBJECT_FINDERS: Readonly<Record<string, ExistingObjectFinder>> = {
  // Import section: "AccountID:BudgetName".
  aws_budgets_budget: { kind: "import", id: ({ after }, { accountId }) => text(after.name) && `${accountId}:${text(after.name)}` },
  // Import section: the tag key. Activating an active key again is harmless too.
  aws_ce_cost_allocation_tag: attribute("tag_key"),
  aws_cloudwatch_log_group: attribute("name"),
  aws_cloudwatch_metric_alarm: attribute("alarm_name"),
  aws_db_instance: attribute("identifier"),
  aws_db_instance_automated_backups_replication: replicatedBackups,
  aws_db_parameter_group: attribute("name"),
  aws_db_subnet_group: attribute("name"),
  aws_default_security_group: { kind: "create-again", why: "Terraform adopts the VPC's default security group on create instead of creating one" },
  aws_dynamodb_table: attribute("name"),
  aws_eip: byNameTag("eipalloc"),
  aws_eks_access_entry: joined(":", "cluster_name", "principal_arn"),
  aws_eks_access_policy_association: joined("#", "cluster_name", "principal_arn", "policy_arn"),
  aws_eks_addon: joined(":", "cluster_name", "addon_name"),
  aws_eks_cluster: attribute("name"),
  aws_eks_node_group: eksNodeGroup,
  aws_flow_log: byNameTag("fl"),
  aws_iam_openid_connect_provider: arn((after, { accountId }) => {
    const url = text(after.url);
    return url && `arn:aws:iam::${accountId}:oidc-provider/${url.replace(/^https:\/\//, "")}`;
  }),
  aws_iam_policy: arn((after, { accountId }) => {
    const name = text(after.name);
    return name && `arn:aws:iam::${accountId}:policy${text(after.path) ?? "/"}${name}`;
  }),
  aws_iam_role: attribute("name"),
  aws_iam_role_policy: joined(":", "role", "name"),
  aws_iam_role_policy_attachment: joined("/", "role", "policy_arn"),
  aws_internet_gateway: byNameTag("igw"),
  aws_kms_alias: attribute("name"),
  aws_kms_key: kmsKey,
  aws_launch_template: launchTemplate,
  aws_nat_gateway: byNameTag("nat"),
  aws_network_acl: byNameTag("acl"),
  aws_route: joined("_", "route_table_id", "destination_cidr_block"),
  aws_route_table: byNameTag("rtb"),
  aws_route_table_association: joined("/", "subnet_id", "route_table_id"),
  aws_s3_bucket: bucket,
  aws_s3_bucket_lifecycle_configuration: bucket,
  aws_s3_bucket_logging: bucket,
  aws_s3_bucket_ownership_controls: bucket,
  aws_s3_bucket_policy: bucket,
  aws_s3_bucket_public_access_block: bucket,
  aws_s3_bucket_server_side_encryption_configuration: bucket,
  aws_s3_bucket_versioning: bucket,
  // Import section: "group_name/name".
  aws_scheduler_schedule: { kind: "import", id: ({ after }) => text(after.name) && `${text(after.group_name) ?? "default"}/${text(after.name)}` },
  aws_secretsmanager_secret: secretArn,
  aws_secretsmanager_secret_version: {
    kind: "create-again",
    why: "a second create adds one more version of the secret and makes it current; the orphaned version is superseded",
  },
  aws_security_group: byNameTag("sg"),
  aws_sns_topic: arn((after, { region, accountId }) => {
    const name = text(after.name);
    return name && `arn:aws:sns:${region}:${accountId}:${name}`;
  }),
  aws_sns_topic_policy: {
    kind: "create-again",
    why: "the policy is an attribute of the topic (SetTopicAttributes Policy), not an object: set again, it replaces itself with the same document",
  },
  aws_sns_topic_subscription: {
    kind: "create-again",
    why: "an e-mail or HTTPS subscription stays pending until its endpoint confirms it and has no ARN to import before; a second Subscribe of the same endpoint sends one more confirmation message (SNS API reference, Subscribe), the unconfirmed one expires",
  },
  aws_subnet: byNameTag("subnet"),
  aws_vpc: byNameTag("vpc"),
  aws_vpc_endpoint: byNameTag("vpce"),
  aws_vpc_security_group_ingress_rule: ingressRule,
  terraform_data: { kind: "create-again", why: "it has no object outside the state; created again, it records this run's values" },
};
