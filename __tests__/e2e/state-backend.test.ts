import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { BootstrapStack } from "../../src/stacks/bootstrap-stack";
import { stateBackendNames, useEnvironmentStateBackend } from "../../backend/state-backend";
import { EnvironmentStack, type EnvironmentStackProps } from "../../src/stacks/environment-stack";
import { validateEnvironments } from "../../src/config/validate";
import type { DeploymentTarget } from "../../src/target";
import { dev } from "../../environments";
import { startTestEmulator } from "../support/emulator";
import { terraform, terraformInBackground, terraformOk } from "../support/terraform";
import { tempDir } from "../support/synth";
import { awsApi } from "../support/aws-api";

/**
 * End-to-end on the local AWS emulator: apply the dev bootstrap stack, then a stack whose state
 * lives in that bucket; prove a second plan is refused while the first holds the lock; destroy.
 */

/** The smallest stack that uses the real backend wiring: one log group and an output. */
class BackendProbeStack extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    useEnvironmentStateBackend(this, props.env, props.target, name);
    const group = new CloudwatchLogGroup(this, "probe", { name: "/pipeops/e2e/backend-probe", retentionInDays: 1 });
    new TerraformOutput(this, "probe_log_group", { value: group.name });
  }
}

let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
let bootstrapDir: string;
let probeDir: string;
let target: DeploymentTarget;
const [env] = validateEnvironments([dev], () => ["dev-bootstrap", "dev-probe"]);

beforeAll(async () => {
  emulator = await startTestEmulator();
  target = { kind: "local", endpoint: emulator.endpoint };
  const work = tempDir("e2e-backend");
  const app = new App({ outdir: join(work, "cdktf.out") });
  new BootstrapStack(app, "dev-bootstrap", { env: env!, target, localStateDir: join(work, "state") });
  new BackendProbeStack(app, "dev-probe", { env: env!, target });
  app.synth();
  bootstrapDir = join(app.outdir, "stacks", "dev-bootstrap");
  probeDir = join(app.outdir, "stacks", "dev-probe");
});

afterAll(() => emulator?.stop());

describe("state backend on the local emulator", () => {
  it("applies the dev bootstrap stack with local state", () => {
    terraformOk(bootstrapDir, ["init", "-input=false"]);
    terraformOk(bootstrapDir, ["apply", "-auto-approve", "-input=false"]);
    const names = stateBackendNames(env!, target);
    const versioning = awsApi(emulator.endpoint, "s3", "us-west-2", "get_bucket_versioning", { Bucket: names.bucket });
    expect(versioning.Status).toBe("Enabled");
    const encryption = awsApi<{ ServerSideEncryptionConfiguration: { Rules: { ApplyServerSideEncryptionByDefault: Record<string, string> }[] } }>(
      emulator.endpoint, "s3", "us-west-2", "get_bucket_encryption", { Bucket: names.bucket });
    expect(encryption.ServerSideEncryptionConfiguration.Rules[0]!.ApplyServerSideEncryptionByDefault.SSEAlgorithm).toBe("aws:kms");
    const table = awsApi<{ ContinuousBackupsDescription: { PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: string } } }>(
      emulator.endpoint, "dynamodb", "us-west-2", "describe_continuous_backups", { TableName: names.lockTable });
    expect(table.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus).toBe("ENABLED");
  });

  it("applies a stack whose state lives in that bucket", () => {
    terraformOk(probeDir, ["init", "-input=false"]);
    terraformOk(probeDir, ["apply", "-auto-approve", "-input=false"]);
    const names = stateBackendNames(env!, target);
    const object = awsApi(emulator.endpoint, "s3", "us-west-2", "head_object", { Bucket: names.bucket, Key: "dev-probe/terraform.tfstate" });
    expect(object.ServerSideEncryption).toBe("aws:kms");
    expect(object.SSEKMSKeyId).toBe(names.kmsAliasArn);
  });

  it("refuses a second concurrent plan while the first holds the lock, and frees the lock afterwards", async () => {
    // A colleague's checkout of the same stack.
    const otherDir = join(tempDir("e2e-colleague"), "dev-probe");
    mkdirSync(otherDir, { recursive: true });
    cpSync(join(probeDir, "cdk.tf.json"), join(otherDir, "cdk.tf.json"));
    terraformOk(otherDir, ["init", "-input=false"]);

    // An apply waiting at its confirmation prompt holds the state lock.
    const holder = terraformInBackground(probeDir, ["apply", "-input=true", "-var-file=/dev/null", "-replace=aws_cloudwatch_log_group.probe"]);
    let holderOutput = "";
    holder.stdout!.on("data", (d) => (holderOutput += d));
    holder.stderr!.on("data", (d) => (holderOutput += d));
    const deadline = Date.now() + 120_000;
    while (!holderOutput.includes("Enter a value:") && Date.now() < deadline && holder.exitCode === null) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(holderOutput).toContain("Enter a value:");

    const names = stateBackendNames(env!, target);
    const lockFile = awsApi(emulator.endpoint, "s3", "us-west-2", "head_object", { Bucket: names.bucket, Key: "dev-probe/terraform.tfstate.tflock" });
    expect(lockFile.ContentLength).toBeGreaterThan(0);

    const refused = terraform(otherDir, ["plan", "-input=false", "-lock-timeout=2s"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Error acquiring the state lock/);

    holder.stdin!.end("no\n");
    await new Promise((resolve) => holder.on("close", resolve));
    expect(holderOutput).toMatch(/Apply cancelled/);

    const afterwards = terraform(otherDir, ["plan", "-input=false", "-lock-timeout=2s", "-detailed-exitcode"]);
    expect(afterwards.stderr).toBe("");
    expect(afterwards.code).toBe(0);
  });

  it("recovers from a corrupt state object by restoring its previous version (README, when things go wrong)", () => {
    const names = stateBackendNames(env!, target);
    const key = "dev-probe/terraform.tfstate";
    const versions = () =>
      awsApi<{ Versions: { VersionId: string; IsLatest: boolean }[] }>(emulator.endpoint, "s3", "us-west-2", "list_object_versions", { Bucket: names.bucket, Prefix: key }).Versions;
    const good = versions().find((v) => v.IsLatest)!.VersionId;

    // A bad push or edit: the current object is no state at all.
    awsApi(emulator.endpoint, "s3", "us-west-2", "put_object", { Bucket: names.bucket, Key: key, Body: "not a state", ServerSideEncryption: "aws:kms", SSEKMSKeyId: names.kmsAliasArn });
    const broken = terraform(probeDir, ["plan", "-input=false", "-lock-timeout=10s"]);
    expect(broken.code).not.toBe(0);

    // The README's step: copy the last good version over the current one.
    awsApi(emulator.endpoint, "s3", "us-west-2", "copy_object", {
      Bucket: names.bucket,
      Key: key,
      CopySource: { Bucket: names.bucket, Key: key, VersionId: good },
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: names.kmsAliasArn,
    });
    const restored = terraform(probeDir, ["plan", "-input=false", "-lock-timeout=10s", "-detailed-exitcode"]);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(versions().length).toBeGreaterThanOrEqual(3);
  });

  it("destroys the stack, then the backend once its bucket is emptied", () => {
    terraformOk(probeDir, ["destroy", "-auto-approve", "-input=false"]);
    const names = stateBackendNames(env!, target);
    // force_destroy is off by design: an operator stops access logging, empties both buckets,
    // then destroys the backend (README, "Removing an environment's backend").
    const logging = terraformOk(bootstrapDir, ["state", "list"]).split("\n").find((address) => address.startsWith("aws_s3_bucket_logging."));
    terraformOk(bootstrapDir, ["destroy", "-auto-approve", "-input=false", `-target=${logging}`]);
    for (const bucket of [names.bucket, `${names.bucket}-logs`]) awsApi(emulator.endpoint, "s3", "us-west-2", "empty_bucket", { Bucket: bucket });
    terraformOk(bootstrapDir, ["destroy", "-auto-approve", "-input=false"]);
    const buckets = awsApi<{ Buckets: { Name: string }[] }>(emulator.endpoint, "s3", "us-west-2", "list_buckets");
    expect(buckets.Buckets.map((b) => b.Name)).not.toContain(names.bucket);
  });
});
