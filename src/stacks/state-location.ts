import type { EnvironmentConfig } from "../config/types";
import { effectiveAccountId, remoteStateConfig, s3BackendConfig, type DeploymentTarget } from "../target";
import type { StackStateLocation } from "../../backend/state-backend";

/**
 * Where state lives, for a target: the one place that names an environment's state bucket, lock
 * table and key, and each stack's state object, and resolves them into the backend and
 * remote-state settings of that target. The constructs in backend/ take the result as props.
 */

/** Names of one environment's state backend. Bucket names are global, so they carry the account. */
export interface StateBackendNames {
  readonly bucket: string;
  readonly lockTable: string;
  readonly region: string;
  /** Alias name of the state key, without `alias/`. */
  readonly kmsAlias: string;
  /** Alias ARN of the state key: the backend encrypts each state object with it. */
  readonly kmsAliasArn: string;
}

export function stateBackendNames(env: EnvironmentConfig, target: DeploymentTarget): StateBackendNames {
  const prefix = env.stateBackend.bucketPrefix;
  const account = effectiveAccountId(target, env.accountId);
  return {
    bucket: `${prefix}-${env.name}-${account}`,
    lockTable: `${prefix}-${env.name}-locks`,
    region: env.region,
    kmsAlias: `${prefix}-${env.name}`,
    kmsAliasArn: `arn:aws:kms:${env.region}:${account}:alias/${prefix}-${env.name}`,
  };
}

/** One state object per stack inside the environment's bucket. */
export function stateKeyOf(stackName: string): string {
  return `${stackName}/terraform.tfstate`;
}

/**
 * The state of one stack of `env`: its object in the environment's bucket, the backend that writes it
 * (encrypted with the environment's state key — without kms_key_id the backend would ask for SSE-S3
 * and override the bucket's KMS default — and locked with the DynamoDB table) and the remote state
 * that reads it (read-only: no lock table, no key id).
 */
export function stackStateLocation(env: EnvironmentConfig, target: DeploymentTarget, stackName: string): StackStateLocation {
  const names = stateBackendNames(env, target);
  const location = { bucket: names.bucket, key: stateKeyOf(stackName), region: names.region };
  return {
    ...location,
    backend: s3BackendConfig(target, { ...location, dynamodbTable: names.lockTable, kmsKeyId: names.kmsAliasArn }),
    remoteState: remoteStateConfig(target, location),
  };
}
