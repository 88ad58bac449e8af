import { asNumber, isExpression, isSet, isTrue, type StackView, type TerraformResourceJson } from "../stack-view";
import { defineRule, eachResource, type Rule } from "./rule";

const INSTANCE = ["aws_db_instance"];
const CLUSTER = ["aws_rds_cluster"];
const ANY_INSTANCE = ["aws_db_instance", "aws_rds_cluster_instance"];

/** Engines for which RDS offers IAM database authentication (as Trivy checks it). */
const IAM_AUTH_ENGINES = ["postgres", "mysql"];

/** Production-tier floor for backup retention; elsewhere anything above the 1-day default. */
const PRODUCTION_MIN_BACKUP_DAYS = 7;
const DEFAULT_MIN_BACKUP_DAYS = 2;

function isReplica(instance: TerraformResourceJson): boolean {
  return isSet(instance.body.replicate_source_db) || isSet(instance.body.replication_source_identifier);
}

/**
 * Storage encryption of a DB instance. A read replica is encrypted when it names its own key
 * (required for a cross-region replica) or, failing that, when its source in this stack is.
 */
function instanceEncryption(view: StackView, instance: TerraformResourceJson, seen = new Set<string>()): string | undefined {
  if (isTrue(instance.body.storage_encrypted)) return undefined;
  if (!isReplica(instance)) return "storage_encrypted is not true.";
  if (isSet(instance.body.kms_key_id)) return undefined;
  const source = view.referenced(instance.body.replicate_source_db, "aws_db_instance");
  if (!source) return "read replica of a source outside this stack without kms_key_id: its encryption cannot be shown (a cross-region replica needs kms_key_id of its own region).";
  if (seen.has(source.address)) return "replication cycle.";
  seen.add(instance.address);
  const inherited = instanceEncryption(view, source, seen);
  return inherited === undefined ? undefined : `read replica of unencrypted ${source.address} and no kms_key_id of its own.`;
}

function backupRetention(view: StackView, resource: TerraformResourceJson): string | undefined {
  if (isReplica(resource)) return undefined;
  const minimum = view.isProductionTier ? PRODUCTION_MIN_BACKUP_DAYS : DEFAULT_MIN_BACKUP_DAYS;
  const raw = resource.body.backup_retention_period;
  const days = asNumber(raw);
  const tier = view.isProductionTier ? `the ${view.context!.tier} tier` : "this tier";
  if (days === undefined) {
    return isExpression(raw)
      ? "backup_retention_period is an expression the guardrail cannot read; set a literal number of days."
      : `backup_retention_period is not set (AWS keeps 1 day); ${tier} needs at least ${minimum}.`;
  }
  return days >= minimum ? undefined : `backup_retention_period is ${days} day(s); ${tier} needs at least ${minimum}.`;
}

export const rdsRules: Rule[] = [
  defineRule("AWS-0080", INSTANCE, (view) => eachResource(view, INSTANCE, (instance) => instanceEncryption(view, instance))),
  defineRule("AWS-0079", CLUSTER, (view) =>
    eachResource(view, CLUSTER, (cluster) => {
      if (!isTrue(cluster.body.storage_encrypted)) return "storage_encrypted is not true.";
      return isSet(cluster.body.kms_key_id) ? undefined : "storage_encrypted is true but kms_key_id names no customer managed key.";
    }),
  ),
  defineRule("AWS-0180", ANY_INSTANCE, (view) =>
    eachResource(view, ANY_INSTANCE, (instance) => (isTrue(instance.body.publicly_accessible) ? "publicly_accessible is true." : undefined)),
  ),
  defineRule("AWS-0176", INSTANCE, (view) =>
    eachResource(view, INSTANCE, (instance) => {
      const engine = instance.body.engine;
      if (typeof engine !== "string" || !IAM_AUTH_ENGINES.includes(engine)) return undefined;
      return isTrue(instance.body.iam_database_authentication_enabled) ? undefined : `iam_database_authentication_enabled is not true (engine ${engine}).`;
    }),
  ),
  defineRule("AWS-0133", ANY_INSTANCE, (view) =>
    eachResource(view, ANY_INSTANCE, (instance) => (isTrue(instance.body.performance_insights_enabled) ? undefined : "performance_insights_enabled is not true.")),
  ),
  defineRule("AWS-0078", ANY_INSTANCE, (view) =>
    eachResource(view, ANY_INSTANCE, (instance) =>
      isTrue(instance.body.performance_insights_enabled) && !isSet(instance.body.performance_insights_kms_key_id)
        ? "Performance Insights is on without performance_insights_kms_key_id (AWS managed key)."
        : undefined,
    ),
  ),
  defineRule("AWS-0077", [...INSTANCE, ...CLUSTER], (view) => eachResource(view, [...INSTANCE, ...CLUSTER], (resource) => backupRetention(view, resource))),
  defineRule("AWS-0177", INSTANCE, (view) =>
    view.isProductionTier
      ? eachResource(view, INSTANCE, (instance) => (isTrue(instance.body.deletion_protection) ? undefined : `deletion_protection is not true on a ${view.context!.tier} stack.`))
      : [],
  ),
  defineRule("AWS-0343", CLUSTER, (view) =>
    view.isProductionTier
      ? eachResource(view, CLUSTER, (cluster) => (isTrue(cluster.body.deletion_protection) ? undefined : `deletion_protection is not true on a ${view.context!.tier} stack.`))
      : [],
  ),
];
