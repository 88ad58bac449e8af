import { describe, expect, it } from "vitest";
import { AWS, LOCAL, managedNodeGroupsDev, synthStack, sharedTestApp } from "../support/synth";
import { assertLoopbackEndpoint, deploymentTargetFromEnv } from "../../src/target";

describe("deployment target switch", () => {
  it("defaults to real AWS", () => {
    expect(deploymentTargetFromEnv({}, "/nonexistent")).toEqual({ kind: "aws" });
  });

  it("reads the local endpoint from the environment", () => {
    expect(deploymentTargetFromEnv({ PIPEOPS_TARGET: "local", PIPEOPS_LOCAL_ENDPOINT: "https://127.0.0.1:5000/" }, "/nonexistent")).toEqual({
      kind: "local",
      endpoint: "https://127.0.0.1:5000",
    });
  });

  it("refuses an unknown target, naming the variable and the fix", () => {
    expect(() => deploymentTargetFromEnv({ PIPEOPS_TARGET: "staging" }, "/nonexistent")).toThrow(/PIPEOPS_TARGET="staging".*Fix: use "aws"/);
  });

  it("refuses a local target without a running emulator", () => {
    expect(() => deploymentTargetFromEnv({ PIPEOPS_TARGET: "local" }, "/nonexistent")).toThrow(/npm run local:up/);
  });

  it("never sends dummy credentials off the machine", () => {
    expect(() => assertLoopbackEndpoint("https://10.0.0.5:4566")).toThrow(/not a loopback address/);
    expect(() => assertLoopbackEndpoint("not a url")).toThrow(/not a URL/);
  });
});

describe("AWS provider per target", () => {
  it("on AWS: region of the environment and only its account allowed", () => {
    const provider = synthStack(sharedTestApp(AWS), "prod").json.provider!.aws![0];
    expect(provider).toEqual({ region: "us-west-2", allowed_account_ids: ["333333333333"] });
  });

  it("locally: every service endpoint at the emulator, dummy credentials, skip flags", () => {
    const provider = synthStack(sharedTestApp(LOCAL), "dev").json.provider!.aws![0]!;
    expect(provider).toMatchObject({
      region: "us-west-2",
      access_key: "test",
      secret_key: "test",
      insecure: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      s3_use_path_style: true,
    });
    const endpoints = (provider.endpoints as Record<string, string>[])[0]!;
    for (const service of ["s3", "dynamodb", "ec2", "rds", "eks", "iam", "kms", "sts", "secretsmanager", "logs", "sns", "cloudwatch"]) {
      expect(endpoints[service], service).toBe("https://127.0.0.1:4566");
    }
  });
});

describe("emulator quirk: moto applies conditional Deny statements unconditionally", () => {
  const transportDenies = (target: typeof AWS) =>
    Object.values(synthStack(sharedTestApp(target), "dev-bootstrap").json.data?.aws_iam_policy_document ?? {}).flatMap((doc) =>
      (doc.statement as { sid?: string }[]).filter((s) => s.sid === "DenyInsecureTransport"),
    );

  it("real AWS always gets the deny-plain-HTTP statement on both buckets", () => {
    expect(transportDenies(AWS)).toHaveLength(2);
  });

  it("the local target leaves it out (moto would deny every request, TLS or not)", () => {
    expect(transportDenies(LOCAL)).toHaveLength(0);
  });
});

describe("emulator quirks: resources and attributes moto cannot serve", () => {
  const counted = (target: typeof AWS, stack: string, type: string) =>
    Object.values(synthStack(sharedTestApp(target), stack).json.resource?.[type] ?? {}).map((r) => r.count);

  it("EKS add-ons, access entries and RDS backup replication exist on AWS and are created zero times on the emulator", () => {
    for (const type of ["aws_eks_addon", "aws_eks_access_entry", "aws_eks_access_policy_association"]) {
      expect(counted(AWS, "dev", type).length, type).toBeGreaterThan(0);
      expect(counted(AWS, "dev", type).every((count) => count === undefined), type).toBe(true);
      expect(counted(LOCAL, "dev", type).every((count) => count === 0), type).toBe(true);
    }
    expect(counted(AWS, "prod", "aws_db_instance_automated_backups_replication")).toEqual([undefined]);
    expect(counted(LOCAL, "prod", "aws_db_instance_automated_backups_replication")).toEqual([0]);
  });

  it("emulator quirk: moto has no DescribeAddonVersions, so the add-on version lookups are read zero times there only", () => {
    const lookups = (target: typeof AWS) => Object.values(synthStack(sharedTestApp(target), "dev").json.data?.aws_eks_addon_version ?? {}).map((d) => d.count);
    // dev runs Auto Mode: only the observability add-on is installed, so one lookup.
    expect(lookups(AWS).length).toBe(1);
    expect(lookups(AWS).every((count) => count === undefined)).toBe(true);
    expect(lookups(LOCAL)).toEqual([0]);
  });

  it("the database's ingress from the cluster security group exists on AWS only", () => {
    const ingress = (target: typeof AWS) =>
      Object.values(synthStack(sharedTestApp(target), "dev").json.resource?.aws_vpc_security_group_ingress_rule ?? {}).filter((r) =>
        String(r.referenced_security_group_id).includes("cluster_security_group_id"),
      );
    expect(ingress(AWS).map((r) => r.count)).toEqual([undefined]);
    expect(ingress(LOCAL).map((r) => r.count)).toEqual([0]);
  });

  it("EKS attributes moto does not read back are ignored on the emulator only", () => {
    const lifecycles = (target: typeof AWS, type: string) =>
      Object.values(synthStack(sharedTestApp(target), "dev").json.resource?.[type] ?? {}).map((r) => (r.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []);
    expect(lifecycles(AWS, "aws_eks_cluster")).toEqual([[]]);
    expect(lifecycles(LOCAL, "aws_eks_cluster")).toEqual([["access_config", "upgrade_policy", "compute_config", "storage_config"]]);
    // dev runs Auto Mode, with no node group or launch template: those are checked on a managed-node-group dev.
    expect(lifecycles(AWS, "aws_eks_node_group")).toEqual([]);
    const managedApp = (target: typeof AWS) => managedNodeGroupsDev(target);
    const managed = (target: typeof AWS, type: string) =>
      Object.values(synthStack(managedApp(target), "dev").json.resource?.[type] ?? {}).map((r) => (r.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []);
    expect(managed(AWS, "aws_eks_node_group")).toEqual([["scaling_config[0].desired_size"]]);
    expect(managed(AWS, "aws_launch_template")).toEqual([[]]);
    expect(managed(LOCAL, "aws_launch_template")).toEqual([["tag_specifications"]]);
    expect(managed(LOCAL, "aws_eks_node_group")).toEqual([["scaling_config[0].desired_size", "remote_access", "update_config", "node_repair_config", "launch_template"]]);
  });
});
