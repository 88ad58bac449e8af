import { CHART_SOURCES, KUBERNETES, POSTGRES } from "../../config/versions";
import { isObjectsRelease } from "../../../modules/platform/objects-release";
import { asStrings, block, blocks, isExpression, isObject, parseReference, type JsonObject, type StackView, type TerraformResourceJson } from "../stack-view";
import { defineRule, eachResource, type Finding, type Rule } from "./rule";

/**
 * Rules for what real AWS checks and the local emulator does not: principals that must exist, key
 * policies the logs service needs, creation order IAM needs, versions AWS still offers. Each would
 * pass on the emulator and fail on the first real deploy.
 */

const PRINCIPAL_TYPES = ["aws_iam_role", "aws_iam_user"];

/** Created in the stack or looked up by a data source of the stack. */
function principalProblem(view: StackView, value: unknown): string | undefined {
  const ref = parseReference(value);
  if (!ref || !PRINCIPAL_TYPES.includes(ref.type) || ref.attribute !== "arn") {
    return `principal_arn ${JSON.stringify(value)} is neither an IAM role or user of this stack nor looked up by a data source.`;
  }
  const exists = ref.data ? view.dataSource(ref.address) !== undefined : view.resource(ref.address) !== undefined;
  return exists ? undefined : `principal_arn references ${ref.address}, which is not in this stack.`;
}

/** The statements of a key policy given as a policy-document reference or as JSON text. */
function keyPolicyStatements(view: StackView, policy: unknown): JsonObject[] | undefined {
  const ref = parseReference(policy);
  if (ref?.data && ref.type === "aws_iam_policy_document") return blocks(view.dataSource(ref.address)?.statement);
  if (typeof policy === "string" && !isExpression(policy)) {
    try {
      const parsed = JSON.parse(policy) as { Statement?: unknown };
      return blocks(parsed.Statement).map((s) => ({
        effect: s.Effect,
        actions: s.Action,
        principals: isObject(s.Principal) ? Object.entries(s.Principal).map(([type, ids]) => ({ type, identifiers: asStrings(ids) })) : [],
        condition: [],
      }));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const LOGS_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt", "kms:GenerateDataKey", "kms:Describe"];

/** Does an IAM action pattern (`kms:Encrypt*`, `kms:*`) cover every action starting with `prefix`? */
const covers = (patterns: string[], prefix: string) => patterns.some((p) => p === "kms:*" || p === "*" || (p.endsWith("*") && prefix.startsWith(p.slice(0, -1))));

/** An `ArnLike`/`ArnEquals` value such as `arn:aws:logs:us-west-2:${account}:log-group:/aws/x` matching the group. */
function arnPatternMatches(pattern: string, region: string, groupName: string): boolean {
  const escaped = pattern.replace(/\$\{[^}]+\}/g, "\u0000").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\u0000/g, "[^:]+");
  return new RegExp(`^${escaped}$`).test(`arn:aws:logs:${region}:123456789012:log-group:${groupName}`);
}

function logGroupKeyProblem(view: StackView, group: TerraformResourceJson): string | undefined {
  const keyRef = parseReference(group.body.kms_key_id);
  if (!keyRef || keyRef.data || keyRef.type !== "aws_kms_key") return "kms_key_id is not a customer managed key of this stack, so its key policy cannot be checked.";
  const key = view.resource(keyRef.address);
  if (!key) return `kms_key_id references ${keyRef.address}, which is not in this stack.`;
  const statements = keyPolicyStatements(view, key.body.policy);
  if (!statements) return `${keyRef.address} has no key policy this check can read (an aws_iam_policy_document or JSON).`;
  const region = view.providerRegion(group);
  if (!region) return "the log group's AWS provider names no region.";
  const service = `logs.${region}.amazonaws.com`;
  const groupName = typeof group.body.name === "string" ? group.body.name : undefined;
  const allowed = statements.filter((statement) => {
    if (statement.effect === "Deny") return false;
    const forLogs = blocks(statement.principals).some((p) => p.type === "Service" && asStrings(p.identifiers).includes(service));
    const actions = asStrings(statement.actions);
    if (!forLogs || !LOGS_ACTIONS.every((action) => covers(actions, action))) return false;
    const context = blocks(statement.condition).filter((c) => c.variable === "kms:EncryptionContext:aws:logs:arn");
    if (context.length === 0 || groupName === undefined || isExpression(groupName)) return true;
    return context.every((c) => asStrings(c.values).some((value) => arnPatternMatches(value, region, groupName)));
  });
  return allowed.length > 0
    ? undefined
    : `the policy of ${keyRef.address} does not let ${service} encrypt and decrypt for log group ${groupName ?? "(computed name)"}, so CloudWatch Logs refuses the key.`;
}

function flowLogOrderProblem(view: StackView, flowLog: TerraformResourceJson): string | undefined {
  const roleRef = parseReference(flowLog.body.iam_role_arn);
  if (!roleRef || roleRef.data || roleRef.type !== "aws_iam_role") return undefined; // no role (S3 destination) or an outside role
  const grants = view
    .resources("aws_iam_role_policy", "aws_iam_role_policy_attachment")
    .filter((policy) => parseReference(policy.body.role)?.address === roleRef.address);
  if (grants.length === 0) return `its role ${roleRef.address} has no policy in this stack.`;
  const dependsOn = asStrings(flowLog.body.depends_on);
  return grants.some((grant) => dependsOn.includes(grant.address))
    ? undefined
    : `it does not depend on ${grants.map((g) => g.address).join(" or ")}, so it may be created before its role may write.`;
}

function versionProblems(view: StackView): Finding[] {
  const findings: Finding[] = [];
  const literal = (value: unknown) => typeof value === "string" && !isExpression(value);
  for (const cluster of view.resources("aws_eks_cluster")) {
    if (cluster.body.version !== KUBERNETES.version) {
      findings.push({ resource: cluster, message: `version is ${JSON.stringify(cluster.body.version)}, not the catalog's Kubernetes ${KUBERNETES.version}.` });
    }
    const supportType = block(cluster.body.upgrade_policy)?.support_type;
    if (supportType !== KUBERNETES.supportType) {
      findings.push({ resource: cluster, message: `upgrade_policy.support_type is ${JSON.stringify(supportType)}, not ${KUBERNETES.supportType}: the cluster would drift into extended support.` });
    }
  }
  for (const group of view.resources("aws_eks_node_group")) {
    if (literal(group.body.version) && group.body.version !== KUBERNETES.version) {
      findings.push({ resource: group, message: `version ${JSON.stringify(group.body.version)} is written here; follow the cluster's version.` });
    }
  }
  for (const db of view.resources("aws_db_instance")) {
    if (db.body.engine_version !== undefined && db.body.engine_version !== POSTGRES.majorVersion) {
      findings.push({ resource: db, message: `engine_version is ${JSON.stringify(db.body.engine_version)}, not the catalog's PostgreSQL major ${POSTGRES.majorVersion}.` });
    }
  }
  for (const group of view.resources("aws_db_parameter_group")) {
    if (group.body.family !== POSTGRES.parameterGroupFamily) {
      findings.push({ resource: group, message: `family is ${JSON.stringify(group.body.family)}, not the catalog's ${POSTGRES.parameterGroupFamily}.` });
    }
  }
  const charts = Object.values(CHART_SOURCES);
  for (const release of view.resources("helm_release")) {
    // The repository's own chart (charts/platform-objects), shipped into the stack as an asset: versioned with the repository.
    if (isObjectsRelease(release.body)) continue;
    const source = charts.find((chart) => chart.chart === release.body.chart && chart.repository === release.body.repository);
    if (!source) findings.push({ resource: release, message: `chart ${JSON.stringify(release.body.chart)} from ${JSON.stringify(release.body.repository)} is not in the versions catalog.` });
    else if (release.body.version !== source.version) {
      findings.push({ resource: release, message: `version is ${JSON.stringify(release.body.version)}, not the catalog's ${source.version} (verified ${source.verifiedOn}).` });
    }
  }
  return findings;
}

/** Arguments that put a secret value into the plan and the state, and the write-only way instead. */
const STORED_SECRET_ARGUMENTS: Record<string, Record<string, string>> = {
  aws_secretsmanager_secret_version: { secret_string: "secret_string_wo", secret_binary: "secret_string_wo" },
  aws_db_instance: { password: "password_wo (or manage_master_user_password)" },
};
function storedSecretProblem(resource: TerraformResourceJson): string | undefined {
  const stored = Object.entries(STORED_SECRET_ARGUMENTS[resource.type] ?? {}).find(([argument]) => resource.body[argument] !== undefined);
  return stored && `${stored[0]} is set: its value lands in the plan and the state. Use ${stored[1]}.`;
}

const EBS_PROVISIONERS = ["ebs.csi.aws.com", "ebs.csi.eks.amazonaws.com"];

export const realAwsRules: Rule[] = [
  defineRule("PIPEOPS-0002", ["aws_eks_access_entry", "aws_eks_access_policy_association"], (view) =>
    eachResource(view, ["aws_eks_access_entry", "aws_eks_access_policy_association"], (entry) => principalProblem(view, entry.body.principal_arn)),
  ),
  defineRule("PIPEOPS-0003", ["aws_cloudwatch_log_group"], (view) =>
    eachResource(view, ["aws_cloudwatch_log_group"], (group) => (group.body.kms_key_id === undefined ? undefined : logGroupKeyProblem(view, group))),
  ),
  defineRule("PIPEOPS-0004", ["aws_flow_log"], (view) => eachResource(view, ["aws_flow_log"], (flowLog) => flowLogOrderProblem(view, flowLog))),
  defineRule("PIPEOPS-0005", ["aws_eks_cluster", "aws_eks_node_group", "aws_db_instance", "aws_db_parameter_group", "helm_release"], versionProblems),
  defineRule("PIPEOPS-0007", Object.keys(STORED_SECRET_ARGUMENTS), (view) =>
    eachResource(view, Object.keys(STORED_SECRET_ARGUMENTS), storedSecretProblem),
  ),
  defineRule("PIPEOPS-0006", ["kubernetes_storage_class_v1", "kubernetes_storage_class"], (view) =>
    eachResource(view, ["kubernetes_storage_class_v1", "kubernetes_storage_class"], (storageClass) => {
      if (!EBS_PROVISIONERS.includes(String(storageClass.body.storage_provisioner))) return undefined;
      const parameters = isObject(storageClass.body.parameters) ? storageClass.body.parameters : {};
      if (parameters.encrypted !== "true") return "parameters.encrypted is not \"true\".";
      return typeof parameters.kmsKeyId === "string" && parameters.kmsKeyId !== "" ? undefined : "parameters.kmsKeyId is not set (volumes would use the aws/ebs key).";
    }),
  ),
];
