import { DataTerraformRemoteStateS3, S3Backend, type DataTerraformRemoteStateS3Config, type S3BackendConfig, type TerraformProvider, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";

/**
 * Where one stack's state lives, resolved for the deployment target by the stack that uses it
 * (src/stacks/state-location.ts): its object, the backend settings that write it, and the
 * remote-state settings that read it.
 */
export interface StackStateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly backend: S3BackendConfig;
  readonly remoteState: DataTerraformRemoteStateS3Config;
}

/**
 * Stores the stack's state at `state`: one key per stack in its environment's bucket, locked with
 * S3 conditional writes (`use_lockfile`) and, during the migration Terraform recommends, the
 * DynamoDB table as well. cdktf 0.21's S3Backend has no `useLockfile` prop, hence the override.
 */
export function useStateBackend(stack: TerraformStack, state: StackStateLocation): S3Backend {
  const backend = new S3Backend(stack, state.backend);
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
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

  constructor(scope: Construct, id: string, location: StackStateLocation, provider?: TerraformProvider) {
    const listing = new DataAwsS3Objects(scope, `${id}-state-object`, { bucket: location.bucket, prefix: location.key, maxKeys: 1, provider });
    this.listingAddress = `data.aws_s3_objects.${listing.friendlyUniqueId}`;
    const state = new DataTerraformRemoteStateS3(scope, id, location.remoteState);
    // The state object itself, not its lock file (`<key>.tflock`, listed after it).
    state.addOverride("count", `\${contains(${this.listingAddress}.keys, ${JSON.stringify(location.key)}) ? 1 : 0}`);
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
