import { describe, expect, it } from "vitest";
import { AWS, buildTestApp, resourcesOf, synthStack, sharedTestApp } from "../support/synth";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";
import { ConfigError } from "../../src/config/validate";
import type { EnvironmentInput } from "../../src/config/types";

/** The DR stack: a cross-region read replica of prod fed by prod's remote state, and its promotion. */
const replicating = synthStack(sharedTestApp(AWS), "dr");
// prod (the replication source) and the promoted DR are all the promoted app needs.
const PROMOTION = { decidedBy: "incident commander", decidedOn: "2026-12-01", reason: "us-west-2 unavailable for an hour, RDS primary unreachable." };
const promoted = synthStack(buildTestApp(AWS, [prod, { ...dr, replication: { sourceEnvironment: "prod", promoted: true, promotion: PROMOTION } }]), "dr");
const primaryOf = (stack: typeof replicating) => resourcesOf(stack, "aws_db_instance").map(([, db]) => db)[0]!;

describe("dr stack while replicating", () => {
  it("runs its resources in us-east-1, and reaches us-west-2 only to find prod's state", () => {
    expect(replicating.json.provider!.aws).toEqual([
      { region: "us-east-1", allowed_account_ids: ["333333333333"] },
      { region: "us-west-2", alias: "replication_source", allowed_account_ids: ["333333333333"] },
    ]);
    const usersOfSourceRegion = [...Object.values(replicating.json.resource ?? {}), ...Object.values(replicating.json.data ?? {})]
      .flatMap((instances) => Object.entries(instances))
      .filter(([, body]) => (body as Record<string, unknown>).provider === "aws.replication_source")
      .map(([id]) => id);
    expect(usersOfSourceRegion).toEqual(["replication-source-state-object"]);
  });

  it("reads prod's core state from prod's bucket and key in us-west-2, only once that state object exists", () => {
    const remote = replicating.json.data?.terraform_remote_state as Record<string, { backend: string; config: Record<string, unknown> }>;
    expect(Object.values(remote)).toEqual([
      {
        backend: "s3",
        config: { bucket: "pipeops-tfstate-prod-333333333333", key: "prod/terraform.tfstate", region: "us-west-2" },
        // Without the object, terraform_remote_state fails with "Unable to find remote state"
        // before the precondition below could say what to do.
        count: '${contains(data.aws_s3_objects.replication-source-state-object.keys, "prod/terraform.tfstate") ? 1 : 0}',
      },
    ]);
    expect(replicating.json.data?.aws_s3_objects?.["replication-source-state-object"]).toMatchObject({
      bucket: "pipeops-tfstate-prod-333333333333",
      prefix: "prod/terraform.tfstate",
      max_keys: 1,
    });
  });

  it("replicates the ARN prod publishes, never a typed one", () => {
    const db = primaryOf(replicating);
    expect(db.replicate_source_db).toBe("${try(data.terraform_remote_state.replication-source[0].outputs.db_instance_arn, null)}");
  });

  it("stops the plan with 'apply prod first' when prod's state is missing or lacks the output", () => {
    expect((primaryOf(replicating).lifecycle as { precondition: unknown[] }).precondition).toEqual([
      {
        condition: "${can(data.terraform_remote_state.replication-source[0].outputs.db_instance_arn)}",
        error_message: "prod's state has no db_instance_arn output. Apply prod's core stack first: cdktf deploy prod",
      },
    ]);
  });

  it("encrypts the replica with a key of its own region and uses its own subnet group, security group and parameter group", () => {
    const db = primaryOf(replicating);
    // No provider alias on these resources: they are created by the us-east-1 provider.
    expect(db.provider).toBeUndefined();
    expect(String(db.kms_key_id)).toMatch(/^\$\{aws_kms_key\.database_key_[A-Z0-9]+\.arn\}$/);
    expect(resourcesOf(replicating, "aws_kms_key").every(([, key]) => key.provider === undefined)).toBe(true);
    expect(String(db.db_subnet_group_name)).toMatch(/^\$\{aws_db_subnet_group\./);
    expect(String(db.parameter_group_name)).toMatch(/^\$\{aws_db_parameter_group\./);
    expect((db.vpc_security_group_ids as string[])[0]).toMatch(/^\$\{aws_security_group\.database_security-group/);
  });

  it("has no master credentials of its own while it is a replica", () => {
    const db = primaryOf(replicating);
    for (const field of ["username", "password", "password_wo", "manage_master_user_password", "engine", "engine_version"]) {
      expect(db[field], field).toBeUndefined();
    }
  });

  it("is Multi-AZ db.r6g.xlarge with backups kept for a promotion", () => {
    expect(primaryOf(replicating)).toMatchObject({ instance_class: "db.r6g.xlarge", multi_az: true, backup_retention_period: 30, deletion_protection: true });
  });
});

describe("dr stack once promoted", () => {
  it("does not read prod's state at all", () => {
    expect(promoted.json.data?.terraform_remote_state).toBeUndefined();
    expect(promoted.json.data?.aws_s3_objects).toBeUndefined();
    expect(promoted.text).not.toContain("pipeops-tfstate-prod");
    // Not even a provider of the primary region: with it dark, nothing in the plan may call it.
    expect(promoted.json.provider!.aws).toEqual([{ region: "us-east-1", allowed_account_ids: ["333333333333"] }]);
  });

  it("drops the replication source and keeps the backups", () => {
    const db = primaryOf(promoted);
    expect(db.replicate_source_db).toBeUndefined();
    expect(db.backup_retention_period).toBe(30);
    // No precondition on prod's state any more; DR's protection from a mistaken destroy stays.
    expect(db.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("gets an RDS-managed master secret in us-east-1, encrypted with the DR key", () => {
    const db = primaryOf(promoted);
    expect(db.manage_master_user_password).toBe(true);
    // What the replica inherited from prod, so promotion does not replace the instance.
    expect(db).toMatchObject({ engine: "postgres", username: "dbadmin" });
    expect(String(db.master_user_secret_kms_key_id)).toMatch(/^\$\{aws_kms_key\.database_key_/);
  });

  it("lets no SecretStore role read that secret (applications get their own database logins under their prefix)", () => {
    const docs = Object.values(promoted.json.data?.aws_iam_policy_document ?? {});
    const read = docs.flatMap((d) => (d.statement as { sid?: string; resources?: string[] }[]).filter((s) => s.sid === "ReadNamespaceSecrets"));
    expect(read.length).toBeGreaterThan(0);
    expect(JSON.stringify(read)).not.toMatch(/master_user_secret/);
  });
});

describe("dr config rules", () => {
  const refused = (env: EnvironmentInput) => {
    try {
      buildTestApp(AWS, [dev, staging, prod, env]);
    } catch (error) {
      return (error as ConfigError).message;
    }
    return "accepted";
  };

  it("refuses a DR VPC overlapping prod's", () => {
    expect(refused({ ...dr, network: { ...dr.network, vpcCidr: "10.0.0.0/16" } })).toMatch(/dr: network\.vpcCidr: 10\.0\.0\.0\/16 overlaps prod's VPC 10\.0\.0\.0\/16/);
  });

  it("refuses a DR region equal to its source's", () => {
    expect(refused({ ...dr, region: "us-west-2", network: { ...dr.network, availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"] } })).toMatch(/dr: region: us-west-2 is also the region of prod/);
  });

  it("refuses a promotion without a recorded decision (who, when, why), and a decision without a promotion", () => {
    expect(refused({ ...dr, replication: { sourceEnvironment: "prod", promoted: true } })).toMatch(
      /dr: replication\.promoted: true makes dr's database a standalone primary, which cannot be undone.*Fix: record the decision: replication\.promotion: \{ decidedBy, decidedOn/,
    );
    expect(refused({ ...dr, replication: { sourceEnvironment: "prod", promoted: false, promotion: PROMOTION } })).toMatch(/dr: replication\.promotion: .*is recorded but promoted is false/);
    expect(refused({ ...dr, replication: { sourceEnvironment: "prod", promoted: true, promotion: { ...PROMOTION, reason: "because" } } })).toMatch(/replication\.promotion\.reason: .*is too short to be a reason/);
  });

  it("warns in every plan of a promoted DR that the promotion cannot be undone, naming the decision (a check block: a warning, never a failure)", () => {
    const check = (promoted.json as unknown as { check: Record<string, { assert: { condition: unknown; error_message: string }[] }> }).check.promotion_is_irreversible!;
    expect(check.assert).toHaveLength(1);
    // Always false, and it must name an object: a promoted database's identifier is never empty.
    expect(check.assert[0]!.condition).toMatch(/^\$\{length\(aws_db_instance\.database_primary_[0-9A-F]{8}\.identifier\) == 0\}$/);
    expect(check.assert[0]!.error_message).toContain("decided by incident commander on 2026-12-01: us-west-2 unavailable for an hour");
    expect(check.assert[0]!.error_message).toContain("cannot become a replica again; to fail back, build a new replica from it");
    const standby = synthStack(sharedTestApp(AWS), "dr").json as unknown as { check?: unknown };
    expect(standby.check).toBeUndefined();
  });

  it("refuses a replication source that does not exist", () => {
    expect(refused({ ...dr, replication: { sourceEnvironment: "qa", promoted: false } })).toMatch(/replication\.sourceEnvironment: names environment "qa"/);
  });
});
