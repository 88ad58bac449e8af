import { describe, expect, it } from "vitest";
import { AWS, LOCAL, synthStack, sharedTestApp } from "../support/synth";

/** Every stack that is not a bootstrap stack keeps its state in its environment's bucket. */
const built = sharedTestApp(AWS);
const wiredStacks = built.app.node.children
  .map((child) => child.node.id)
  .filter((name) => !name.endsWith("-bootstrap"));

describe("S3 backend of every non-bootstrap stack", () => {
  it("covers at least the core stack of every environment", () => {
    for (const env of built.environments) expect(wiredStacks).toContain(env.name);
  });

  it.each(wiredStacks)("%s: its environment's bucket and table, one key per stack, encrypted, S3-native locking", (stackName) => {
    const envName = stackName.replace(/-(platform|global|zone|cost-tags)$/, "");
    const env = built.environments.find((e) => e.name === envName)!;
    const backend = synthStack(built, stackName).json.terraform.backend;
    expect(backend).toEqual({
      s3: {
        bucket: `pipeops-tfstate-${env.name}-${env.accountId}`,
        key: `${stackName}/terraform.tfstate`,
        region: env.region,
        dynamodb_table: `pipeops-tfstate-${env.name}-locks`,
        encrypt: true,
        kms_key_id: `arn:aws:kms:${env.region}:${env.accountId}:alias/pipeops-tfstate-${env.name}`,
        use_lockfile: true,
      },
    });
  });

  it("gives no two stacks the same state object", () => {
    const locations = wiredStacks.map((name) => {
      const s3 = synthStack(built, name).json.terraform.backend!.s3!;
      return `${s3.bucket}/${s3.key}`;
    });
    expect(new Set(locations).size).toBe(locations.length);
  });
});

describe("local emulator target", () => {
  const local = sharedTestApp(LOCAL);

  it("points the backend at the emulator with dummy credentials and the skip flags", () => {
    const s3 = synthStack(local, "dev").json.terraform.backend!.s3!;
    expect(s3).toMatchObject({
      bucket: "pipeops-tfstate-dev-123456789012",
      access_key: "test",
      secret_key: "test",
      insecure: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      use_path_style: true,
      endpoints: { s3: LOCAL.kind === "local" ? LOCAL.endpoint : "", dynamodb: "https://127.0.0.1:4566", sts: "https://127.0.0.1:4566", iam: "https://127.0.0.1:4566" },
      use_lockfile: true,
    });
  });
});
