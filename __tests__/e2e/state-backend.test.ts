import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App } from "cdktf";
import { BootstrapStack } from "../../src/stacks/bootstrap-stack";
import { stateBackendNames } from "../../src/stacks/state-location";
import { BackendProbeStack, CrashProbeStack } from "../support/probe-stacks";
import { validateEnvironments } from "../../src/config/validate";
import { EMULATOR_ACCOUNT_ID, type DeploymentTarget } from "../../src/target";
import { dev } from "../../environments";
import { startTestEmulator } from "../support/emulator";
import { terraform, terraformInBackground, terraformOk } from "../support/terraform";
import { tempDir } from "../support/synth";
import { awsApi } from "../../src/cli/aws-api";
import { recoverStack } from "../../src/recovery/recover";

/**
 * End-to-end on the local AWS emulator: apply the dev bootstrap stack, then a stack whose state
 * lives in that bucket; prove a second plan is refused while the first holds the lock; restore a
 * corrupt state object; recover a killed apply; destroy.
 */

let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
let bootstrapDir: string;
let probeDir: string;
let crashDir: string;
let target: DeploymentTarget;
const [env] = validateEnvironments([dev], () => ["dev-bootstrap", "dev-probe", "dev-crash"]);

beforeAll(async () => {
  emulator = await startTestEmulator();
  target = { kind: "local", endpoint: emulator.endpoint };
  const work = tempDir("e2e-backend");
  const app = new App({ outdir: join(work, "cdktf.out") });
  new BootstrapStack(app, "dev-bootstrap", { env: env!, target, localStateDir: join(work, "state") });
  new BackendProbeStack(app, "dev-probe", { env: env!, target });
  new CrashProbeStack(app, "dev-crash", { env: env!, target });
  app.synth();
  bootstrapDir = join(app.outdir, "stacks", "dev-bootstrap");
  probeDir = join(app.outdir, "stacks", "dev-probe");
  crashDir = join(app.outdir, "stacks", "dev-crash");
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

  it("recovers a killed apply with the README's steps (npm run local:recover): lock released, orphans imported, no duplicates", async () => {
    const names = stateBackendNames(env!, target);
    const stateKey = "dev-crash/terraform.tfstate";
    const aws = (service: string, operation: string, params: Record<string, unknown> = {}) => awsApi(emulator.endpoint, service, "us-west-2", operation, params);
    const vpcsNamed = () => (aws("ec2", "describe_vpcs", { Filters: [{ Name: "tag:Name", Values: ["pipeops-e2e-crash"] }] }) as { Vpcs: unknown[] }).Vpcs.length;
    const addressesNamed = () => (aws("ec2", "describe_addresses", { Filters: [{ Name: "tag:Name", Values: ["pipeops-e2e-crash"] }] }) as { Addresses: unknown[] }).Addresses.length;
    const probeKeys = () =>
      (aws("kms", "list_keys") as { Keys: { KeyId: string }[] }).Keys.filter((k) => {
        const metadata = (aws("kms", "describe_key", { KeyId: k.KeyId }) as { KeyMetadata: { Description: string; KeyState: string } }).KeyMetadata;
        return metadata.Description === "pipeops e2e crash probe" && metadata.KeyState === "Enabled";
      }).length;

    terraformOk(crashDir, ["init", "-input=false"]);
    // Worst case: no periodic state snapshot during the apply (Terraform's default is every 20 s).
    const apply = terraformInBackground(crashDir, ["apply", "-auto-approve", "-input=false", "-parallelism=4"], { TF_STATE_PERSIST_INTERVAL: "3600", PIPEOPS_E2E_SLOW_SECONDS: "120" });
    let output = "";
    apply.stdout!.on("data", (d) => (output += d));
    apply.stderr!.on("data", (d) => (output += d));
    const deadline = Date.now() + 120_000;
    while (!/terraform_data\.slow[^:]*: Creating/.test(output) && Date.now() < deadline && apply.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    expect(output).toMatch(/terraform_data\.slow[^:]*: Creating/);
    apply.kill("SIGKILL");
    await new Promise((resolve) => apply.on("close", resolve));

    // What the kill left: objects in AWS, none in the state, both locks held.
    expect(vpcsNamed()).toBe(1);
    expect(() => aws("s3", "head_object", { Bucket: names.bucket, Key: stateKey })).toThrow(/404|Not Found/);
    expect(aws("s3", "head_object", { Bucket: names.bucket, Key: `${stateKey}.tflock` }).ContentLength).toBeGreaterThan(0);
    const lockItem = () => (aws("dynamodb", "get_item", { TableName: names.lockTable, Key: { LockID: { S: `${names.bucket}/${stateKey}` } } }) as { Item?: unknown }).Item;
    expect(lockItem()).toBeDefined();

    const report = recoverStack({
      stackDir: crashDir,
      accountId: EMULATOR_ACCOUNT_ID,
      terraform: (args) => terraform(crashDir, args),
      awsIn: (region) => (service, operation, params) => awsApi(emulator.endpoint, service, region, operation, params),
    });
    expect(report.releasedLock).toBeTruthy();
    expect(() => aws("s3", "head_object", { Bucket: names.bucket, Key: `${stateKey}.tflock` })).toThrow(/404|Not Found/);
    expect(lockItem()).toBeUndefined();
    expect(Object.keys(report.imported).map((a) => a.split(".")[0]).sort()).toEqual([
      "aws_cloudwatch_log_group", "aws_eip", "aws_iam_role", "aws_iam_role_policy", "aws_internet_gateway", "aws_kms_alias", "aws_kms_key",
      "aws_route", "aws_route_table", "aws_route_table_association", "aws_secretsmanager_secret", "aws_subnet", "aws_vpc",
    ]);
    expect(report.toCreate).toEqual([]);
    expect(Object.keys(report.createAgain)).toEqual([expect.stringMatching(/^terraform_data\.slow/)]);

    // The rerun of the deploy: creates only what never existed, duplicates nothing.
    const rerun = terraformOk(crashDir, ["apply", "-auto-approve", "-input=false"]);
    expect(rerun).toMatch(/Resources: 1 added, 0 changed, 0 destroyed/);
    expect([vpcsNamed(), addressesNamed(), probeKeys()]).toEqual([1, 1, 1]);
    // The emulator is discarded with the file; the backend test below empties the bucket.
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
