import { databaseNames } from "../../modules/database/names";
import type { EnvironmentConfig } from "../config/types";
import type { SecretStoreGrant } from "../../modules/eks/platform-roles";
import { CHARTS } from "../../modules/platform/charts";

/** Stack names per environment: one stack per layer, so each plans and applies on its own. */
export const stackNames = (environment: string) => ({
  bootstrap: `${environment}-bootstrap`,
  core: environment,
  platform: `${environment}-platform`,
});

/**
 * The standby of a DNS failover pair (DR) has two more, deployed in this order: the zone with the
 * primary's health check (delegated from the parent domain before anything waits on it), then the
 * certificates both regions share, validated through the delegated zone.
 */
export const zoneStackName = (environment: string) => `${environment}-zone`;
export const globalStackName = (environment: string) => `${environment}-global`;

/**
 * An environment that activates cost allocation tags does it in a stack of its own, applied once
 * the keys appear in billing data (up to a day after the first deploy), so it never fails the core.
 */
export const costTagsStackName = (environment: string) => `${environment}-cost-tags`;

export type StackLayer = keyof ReturnType<typeof stackNames> | "zone" | "global" | "cost-tags";


/** Name of the Secrets Manager secret with Grafana's admin login (core stack). */
export const grafanaAdminSecretName = (env: Pick<EnvironmentConfig, "project" | "name">) => `${env.project}/${env.name}/grafana-admin`;

/** Where an application namespace's secrets live in Secrets Manager: `<project>/<env>/apps/<namespace>/`. */
export const applicationSecretPrefix = (env: Pick<EnvironmentConfig, "project" | "name">, namespace: string) => `${env.project}/${env.name}/apps/${namespace}/`;

/**
 * Who reads which secrets through External Secrets: monitoring its Grafana login, each application
 * namespace its own prefix. Nothing else; the database's master secret is readable by none.
 */
export function secretStoreGrants(env: Pick<EnvironmentConfig, "project" | "name" | "region" | "platform">, accountId: string): SecretStoreGrant[] {
  if (!env.platform.externalSecrets.enabled) return [];
  const arn = (name: string) => `arn:aws:secretsmanager:${env.region}:${accountId}:secret:${name}`;
  return [
    // Secrets Manager appends six random characters to a secret's ARN.
    ...(env.platform.monitoring.enabled ? [{ namespace: CHARTS.kubePrometheusStack.namespace, secretArnPatterns: [arn(`${grafanaAdminSecretName(env)}-??????`)] }] : []),
    ...env.platform.applicationNamespaces.map(({ name }) => ({ namespace: name, secretArnPatterns: [arn(`${applicationSecretPrefix(env, name)}*`)] })),
  ];
}

/** The core stack's resource prefix, `<project>-<env>`: RDS identifier, cluster name, key aliases. */
export const corePrefix = (env: Pick<EnvironmentConfig, "project" | "name">) => `${env.project}-${env.name}`;

/** The environment's alert topic (every alarm, budget alert and Alertmanager alert). */
export const alertTopicName = (env: Pick<EnvironmentConfig, "project" | "name">) => `${corePrefix(env)}-alerts`;

/** The zone stack's alert topic: the primary's health-check alarm, with the standby's receivers. */
export const dnsAlertTopicName = (env: Pick<EnvironmentConfig, "project" | "name">) => `${corePrefix(env)}-dns-alerts`;

/**
 * The environment's own hostname in its zone, `<env>.<zone>`: what the applications' regional
 * Ingress publishes, and what the failover health check probes (never the failover name itself).
 */
export const regionalHostname = (env: Pick<EnvironmentConfig, "name">, zoneName: string) => `${env.name}.${zoneName}`;

/** Alias (without `alias/`) of the key that encrypts an environment's Secrets Manager secrets. */
export const secretsKeyAlias = (env: Pick<EnvironmentConfig, "project" | "name">) => `${corePrefix(env)}-secrets`;

/**
 * The secrets whose values Terraform writes in a core stack (write-only, GeneratedLogin), as name
 * patterns, and the aliases of the keys that encrypt them. A plan refreshes these with
 * GetSecretValue, so the plan role may call it on them and on nothing else.
 */
export function terraformManagedSecrets(env: Pick<EnvironmentConfig, "project" | "name">) {
  const database = databaseNames(corePrefix(env));
  return {
    namePatterns: [`${grafanaAdminSecretName(env)}-??????`, `${database.masterSecretPrefix}*`],
    keyAliases: [secretsKeyAlias(env), database.keyAlias],
  };
}
