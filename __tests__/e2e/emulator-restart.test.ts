import { createServer, type Server } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { App } from "cdktf";
import { stateBackendNames } from "../../src/stacks/state-location";
import { initForEndpoint, LocalCheckout } from "../../src/cli/local-checkout";
import { awsApi } from "../../src/cli/aws-api";
import { validateEnvironments } from "../../src/config/validate";
import type { DeploymentTarget } from "../../src/target";
import { dev } from "../../environments";
import { BackendProbeStack } from "../support/probe-stacks";
import { tempDir } from "../support/synth";
import { terraform, terraformOk, terraformTestEnv } from "../support/terraform";

/**
 * End-to-end: the local emulator restarted under a checkout, as `npm run local:deploy` meets it.
 * A restart keeps the checkout's port, so nothing in the synthesized stacks changes; when another
 * program took that port, the deploy re-initialises each stack for the new endpoint, where plain
 * `terraform init` (what cdktf runs) stops with "Backend configuration changed".
 */
const work = tempDir("e2e-restart");
const checkout = new LocalCheckout(join(work, ".local"));
const outdir = join(work, "cdktf.out");
const stackDir = join(outdir, "stacks", "dev-probe");
const [env] = validateEnvironments([dev], () => ["dev-probe"]);
let portHolder: Server | undefined;

function synthFor(endpoint: string): DeploymentTarget {
  const target: DeploymentTarget = { kind: "local", endpoint };
  const app = new App({ outdir });
  new BackendProbeStack(app, "dev-probe", { env: env!, target });
  app.synth();
  return target;
}

/** The state bucket the probe's backend names (a restarted emulator starts empty). */
function createStateBucket(target: DeploymentTarget & { kind: "local" }): void {
  awsApi(target.endpoint, "s3", "us-west-2", "create_bucket", {
    Bucket: stateBackendNames(env!, target).bucket,
    CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
  });
}

const holdPort = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });

afterAll(async () => {
  await checkout.down();
  portHolder?.close();
});

describe("local emulator restart", () => {
  it("keeps the checkout's port, so the synthesized stacks and their backend stay the same", async () => {
    const backend = () => readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
    const first = await checkout.up();
    synthFor(first.endpoint);
    const before = backend();
    await checkout.down();
    const second = await checkout.up();
    expect(second.pid).not.toBe(first.pid);
    expect(second.endpoint).toBe(first.endpoint);
    synthFor(second.endpoint);
    expect(backend()).toBe(before);
  });

  it("re-initialises a stack for a new endpoint when the old port was taken, where plain init fails", async () => {
    const before = checkout.running()!;
    const oldTarget = synthFor(before.endpoint) as DeploymentTarget & { kind: "local" };
    createStateBucket(oldTarget);
    terraformOk(stackDir, ["init", "-input=false"]);

    await checkout.down();
    portHolder = await holdPort(Number(new URL(before.endpoint).port));
    const after = await checkout.up();
    expect(after.endpoint).not.toBe(before.endpoint);
    const newTarget = synthFor(after.endpoint) as DeploymentTarget & { kind: "local" };
    createStateBucket(newTarget);

    const plain = terraform(stackDir, ["init", "-input=false"]);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/Backend configuration changed/);

    expect(initForEndpoint(stackDir, after.endpoint, terraformTestEnv())).toBe(true);
    expect(terraform(stackDir, ["init", "-input=false"]).code).toBe(0);
    expect(initForEndpoint(stackDir, after.endpoint, terraformTestEnv())).toBe(false);
  });
});
