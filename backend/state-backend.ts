import { DataTerraformRemoteStateS3, S3Backend, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../src/config/types";
import { effectiveAccountId, remoteStateConfig, s3BackendConfig, type DeploymentTarget } from "../src/target";

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
 * Stores the stack's state in its environment's bucket: one key per stack, encrypted with the
 * environment's state key (without kms_key_id the backend would ask for SSE-S3 and override the
 * bucket's KMS default), locked with
 * S3 conditional writes (`use_lockfile`) and, during the migration Terraform recommends, the
 * DynamoDB table as well. cdktf 0.21's S3Backend has no `useLockfile` prop, hence the override.
 */
export function useEnvironmentStateBackend(stack: TerraformStack, env: EnvironmentConfig, target: DeploymentTarget, stackName: string): S3Backend {
  const names = stateBackendNames(env, target);
  const backend = new S3Backend(stack, s3BackendConfig(target, {
    bucket: names.bucket,
    key: stateKeyOf(stackName),
    region: names.region,
    dynamodbTable: names.lockTable,
    kmsKeyId: names.kmsAliasArn,
  }));
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}

/** Reads another stack's outputs from its environment's bucket (read-only, no lock). */
export function remoteStateOf(scope: Construct, id: string, env: EnvironmentConfig, target: DeploymentTarget, stackName: string): DataTerraformRemoteStateS3 {
  const names = stateBackendNames(env, target);
  return new DataTerraformRemoteStateS3(scope, id, remoteStateConfig(target, {
    bucket: names.bucket,
    key: stateKeyOf(stackName),
    region: names.region,
  }));
}
