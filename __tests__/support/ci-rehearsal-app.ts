import { App, S3Backend, TerraformOutput, type TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsS3Bucket } from "@cdktf/provider-aws/lib/data-aws-s3-bucket";
import { GuardedRemoteState } from "../../backend/state-backend";
import { stackStateLocation, stateBackendNames, stateKeyOf } from "../../src/stacks/state-location";
import { EnvironmentStack, type EnvironmentStackProps } from "../../src/stacks/environment-stack";
import { CORE_OUTPUT } from "../../src/stacks/core-outputs";
import { globalStackName, stackNames } from "../../src/stacks/names";
import { requireCoreCluster } from "../../src/stacks/platform-stack";
import { s3BackendConfig, type DeploymentTarget } from "../../src/target";
import { validateEnvironments } from "../../src/config/validate";
import { dev } from "../../environments";

/**
 * The smallest app that walks CI's paths with real Terraform plans on the emulator, named like the
 * project's stacks so the CI scripts list, order and render them as they do the project's:
 *  - `dev`: stands in for the core stack — one log group, and the three cluster outputs the
 *    platform stack's check reads (the log group's name and ARN stand in for the cluster's facts);
 *  - `dev-platform`: the platform stack's own first check (requireCoreCluster) on dev's state, so
 *    its plan fails, as the real one does, until `dev` has been applied;
 *  - `dev-global`: a plan that fails for a real reason (it reads a bucket nobody made).
 * State lives in the environment's state bucket, as the project's stacks keep it (the bucket alone:
 * no lock table or state key, which these plans do not exercise).
 */
function stateInBucket(stack: TerraformStack, props: EnvironmentStackProps, stackName: string): void {
  const names = stateBackendNames(props.env, props.target);
  new S3Backend(stack, s3BackendConfig(props.target, { bucket: names.bucket, key: stateKeyOf(stackName), region: names.region }));
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}

class CoreStandIn extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    stateInBucket(this, props, name);
    const group = new CloudwatchLogGroup(this, "cluster-logs", { name: `/pipeops/ci-rehearsal/${props.env.name}`, retentionInDays: 1 });
    new TerraformOutput(this, CORE_OUTPUT.clusterName, { value: group.name });
    new TerraformOutput(this, CORE_OUTPUT.clusterEndpoint, { value: group.arn });
    new TerraformOutput(this, CORE_OUTPUT.clusterCertificateAuthorityData, { value: group.name });
  }
}

class PlatformStandIn extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    stateInBucket(this, props, name);
    const coreName = stackNames(props.env.name).core;
    const core = new GuardedRemoteState(this, "core", stackStateLocation(props.env, props.target, coreName));
    requireCoreCluster(this, props.env.name, core, coreName);
    new TerraformOutput(this, "cluster_name", { value: core.output(CORE_OUTPUT.clusterName) });
  }
}

class BrokenGlobal extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    stateInBucket(this, props, name);
    const bucket = new DataAwsS3Bucket(this, "missing", { bucket: "pipeops-ci-rehearsal-nobody-made-this" });
    new TerraformOutput(this, "missing_bucket", { value: bucket.arn });
  }
}

/** The dev environment on the emulator at `endpoint`. */
export function rehearsalProps(endpoint: string): EnvironmentStackProps {
  const target: DeploymentTarget = { kind: "local", endpoint };
  const [env] = validateEnvironments([dev], (e) => [stackNames(e.name).core, stackNames(e.name).platform, globalStackName(e.name)], target);
  return { env: env!, target };
}

/** Synthesizes the rehearsal app into outdir (cdktf.out); returns the stack names. */
export function synthRehearsalApp(outdir: string, props: EnvironmentStackProps): { core: string; platform: string; global: string } {
  const app = new App({ outdir });
  const names = { core: stackNames(props.env.name).core, platform: stackNames(props.env.name).platform, global: globalStackName(props.env.name) };
  const core = new CoreStandIn(app, names.core, props);
  const platform = new PlatformStandIn(app, names.platform, props);
  platform.addDependency(core);
  new BrokenGlobal(app, names.global, props);
  app.synth();
  return names;
}

/** What the synth step runs in the rehearsal: `CI_REHEARSAL_ENDPOINT=… npx tsx __tests__/support/ci-rehearsal-app.ts` writes ./cdktf.out. */
if (require.main === module) {
  const endpoint = process.env.CI_REHEARSAL_ENDPOINT;
  if (!endpoint) throw new Error("CI_REHEARSAL_ENDPOINT names the emulator the rehearsal app plans against");
  synthRehearsalApp("cdktf.out", rehearsalProps(endpoint));
}
