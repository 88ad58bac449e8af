import { DataTerraformRemoteStateS3, S3Backend, type TerraformProvider, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
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

/**
 * Another stack's outputs, readable before that stack was ever applied. `terraform_remote_state`
 * fails with the backend's "Unable to find remote state" when the state object does not exist, and
 * that error comes before any precondition could explain it. So the state object is listed first
 * (an empty listing is no error), the remote state is read only when it exists (`count`), and each
 * output is read with `try`, empty while missing: a precondition on `present(...)` then stops the
 * plan with a message that says what to apply first.
 */
export class GuardedRemoteState {
  private readonly stateAddress: string;
  private readonly listingAddress: string;

  constructor(scope: Construct, id: string, env: EnvironmentConfig, target: DeploymentTarget, stackName: string, provider?: TerraformProvider) {
    const names = stateBackendNames(env, target);
    const key = stateKeyOf(stackName);
    const listing = new DataAwsS3Objects(scope, `${id}-state-object`, { bucket: names.bucket, prefix: key, maxKeys: 1, provider });
    this.listingAddress = `data.aws_s3_objects.${listing.friendlyUniqueId}`;
    const state = remoteStateOf(scope, id, env, target, stackName);
    // The state object itself, not its lock file (`<key>.tflock`, listed after it).
    state.addOverride("count", `\${contains(${this.listingAddress}.keys, ${JSON.stringify(key)}) ? 1 : 0}`);
    this.stateAddress = `data.terraform_remote_state.${state.friendlyUniqueId}`;
  }

  /**
   * The output's value (passed through the Terraform function `fn`, e.g. `base64decode`), or null
   * while the state or the output does not exist.
   */
  output(name: string, fn?: "base64decode"): string {
    const value = `${this.stateAddress}[0].outputs.${name}`;
    return `\${try(${fn ? `${fn}(${value})` : value}, null)}`;
  }

  /** One element of a list output, or null while the state, the output or the element does not exist. */
  outputElement(name: string, index: number): string {
    return `\${try(${this.stateAddress}[0].outputs.${name}[${index}], null)}`;
  }

  /** One key of a map output, or null while the state, the output or the key does not exist. */
  outputKey(name: string, key: string): string {
    return `\${try(${this.stateAddress}[0].outputs.${name}[${JSON.stringify(key)}], null)}`;
  }

  /** A condition (for a precondition) that holds once the state exists and has every named output. */
  present(...names: string[]): string {
    return `\${${names.map((name) => `can(${this.stateAddress}[0].outputs.${name})`).join(" && ")}}`;
  }
}
