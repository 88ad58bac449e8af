import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prod } from "../../environments";
import { dr } from "../../dr/config";
import { POSTGRES } from "../../src/config/versions";
import type { EnvironmentInput } from "../../src/config/types";
import { stateBackendNames } from "../../backend/state-backend";
import { validateEnvironments } from "../../src/config/validate";
import { awsApi } from "../../src/cli/aws-api";
import { startE2eWorkspace, type E2eWorkspace } from "../support/e2e-workspace";

/**
 * Disaster recovery on the local emulator: prod's and DR's backends, prod's core, the DR stack as a
 * cross-region replica of prod's primary (its ARN read from prod's state), then promotion with
 * prod's state unreachable.
 *
 * Emulator quirk "same-region read replica unreadable": moto gives a same-region replica its
 * source's DbiResourceId, so the AWS provider cannot read it back. Prod's two same-region replicas
 * are therefore left out of this run (readReplicas: 0); they are asserted in
 * __tests__/unit/core-stacks.test.ts. Nothing else of prod is changed.
 */
const prodWithoutSameRegionReplicas: EnvironmentInput = { ...prod, database: { ...prod.database, readReplicas: 0 } };
const promotedDr: EnvironmentInput = { ...dr, replication: { sourceEnvironment: "prod", promoted: true, promotion: { decidedBy: "e2e test", decidedOn: "2026-12-01", reason: "The failover rehearsal of the end-to-end suite, prod dark." } } };
const [prodConfig] = validateEnvironments([prodWithoutSameRegionReplicas], () => []);

type DbInstance = Record<string, unknown> & { DBInstanceArn: string; ReadReplicaSourceDBInstanceIdentifier?: string };
let workspace: E2eWorkspace;
let stacks: string;

const describeDb = (region: string, identifier: string) =>
  awsApi<{ DBInstances: DbInstance[] }>(workspace.endpoint, "rds", region, "describe_db_instances", { DBInstanceIdentifier: identifier }).DBInstances[0]!;

beforeAll(async () => {
  workspace = await startE2eWorkspace("e2e-dr");
  stacks = workspace.synth([prodWithoutSameRegionReplicas, dr]);
});

afterAll(() => workspace?.stop());

describe("DR replica of prod on the local emulator", () => {
  it("bootstraps prod's (us-west-2) and DR's (us-east-1) state backends", async () => {
    // prod's bootstrap owns the account's GitHub OIDC provider, which DR's bootstrap looks up.
    await workspace.apply(join(stacks, "prod-bootstrap"));
    await workspace.apply(join(stacks, "dr-bootstrap"));
  });

  it("stops DR's plan with 'apply prod first' while prod's state does not exist yet (not the backend's 'Unable to find remote state')", async () => {
    const dir = join(stacks, "dr");
    expect((await workspace.terraform(dir, ["init", "-input=false"])).code).toBe(0);
    const plan = await workspace.terraform(dir, ["plan", "-input=false"]);
    expect(plan.code).not.toBe(0);
    const errors = plan.stderr.replace(/\s+/g, " ");
    expect(errors).toMatch(/prod's state has no db_instance_arn output\. Apply prod's core stack first: cdktf deploy prod/);
    expect(errors).not.toMatch(/Unable to find remote state/);
  });

  it("stops DR's plan when a configured AZ maps to a zone ID EKS refuses (us-east-1e is use1-az3 on the emulator)", async () => {
    const badZones: EnvironmentInput = { ...dr, network: { ...dr.network, availabilityZones: ["us-east-1a", "us-east-1e"] } };
    const dir = join(workspace.synth([prodWithoutSameRegionReplicas, badZones]), "dr");
    expect((await workspace.terraform(dir, ["init", "-input=false"])).code).toBe(0);
    const plan = await workspace.terraform(dir, ["plan", "-input=false"]);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr.replace(/\s+/g, " ")).toMatch(/Availability Zones us-east-1e are not available in this account or map to a zone ID that is excluded \(use1-az3, usw1-az2, cac1-az3\)\. Fix: choose Availability Zones among us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f\./);
  });

  it("stops DR's plan with 'apply prod first' while prod's state has no database output", async () => {
    // prod's state exists but carries no outputs yet (as after a first, partial apply).
    const names = stateBackendNames(prodConfig!, workspace.target);
    const emptyState = { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "00000000-0000-4000-8000-000000000000", outputs: {}, resources: [], check_results: null };
    awsApi(workspace.endpoint, "s3", "us-west-2", "put_object", {
      Bucket: names.bucket, Key: "prod/terraform.tfstate", Body: JSON.stringify(emptyState), ServerSideEncryption: "aws:kms", SSEKMSKeyId: names.kmsAliasArn,
    });
    const dir = join(stacks, "dr");
    expect((await workspace.terraform(dir, ["init", "-input=false"])).code).toBe(0);
    const plan = await workspace.terraform(dir, ["plan", "-input=false"]);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr.replace(/\s+/g, " ")).toMatch(/prod's state has no db_instance_arn output\. Apply prod's core stack first: cdktf deploy prod/);
  });

  it("applies prod's core stack", async () => {
    await workspace.apply(join(stacks, "prod"));
    expect(describeDb("us-west-2", "pipeops-prod")).toMatchObject({ DBInstanceClass: "db.r6g.xlarge", MultiAZ: true, BackupRetentionPeriod: 30 });
  });

  it("applies DR as a cross-region replica of the prod primary's ARN", async () => {
    // Emulator quirk "cross-region replica groups looked up in the source region": moto resolves a
    // new replica's DB subnet group and parameter group names in the source's region, so groups of
    // the same names are made there first (test-side only; the DR stack is unchanged).
    const prodSubnets = JSON.parse((await workspace.terraform(join(stacks, "prod"), ["output", "-json", "database_subnet_ids"])).stdout) as string[];
    awsApi(workspace.endpoint, "rds", "us-west-2", "create_db_subnet_group", {
      DBSubnetGroupName: "pipeops-dr-database", DBSubnetGroupDescription: "emulator quirk: DR replica subnet group looked up in us-west-2", SubnetIds: prodSubnets,
    });
    awsApi(workspace.endpoint, "rds", "us-west-2", "create_db_parameter_group", {
      DBParameterGroupName: `pipeops-dr-${POSTGRES.parameterGroupFamily}`, DBParameterGroupFamily: POSTGRES.parameterGroupFamily, Description: "emulator quirk: DR replica parameter group looked up in us-west-2",
    });
    await workspace.apply(join(stacks, "dr"));
    const primary = describeDb("us-west-2", "pipeops-prod");
    const replica = describeDb("us-east-1", "pipeops-dr");
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(primary.DBInstanceArn);
    expect(replica).toMatchObject({ DBInstanceClass: "db.r6g.xlarge", MultiAZ: true, StorageEncrypted: true, PubliclyAccessible: false });
    expect(String(replica.KmsKeyId)).toMatch(/^arn:aws:kms:us-east-1:/);
  });

  it("promotes DR to a standalone primary with prod's state unreachable", async () => {
    // Make prod's state bucket refuse every request, as if us-west-2 were dark.
    const prodBucket = stateBackendNames(prodConfig!, workspace.target).bucket;
    awsApi(workspace.endpoint, "s3", "us-west-2", "put_bucket_policy", {
      Bucket: prodBucket,
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "RegionDark", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${prodBucket}`, `arn:aws:s3:::${prodBucket}/*`] }] }),
    });
    const promotedStacks = workspace.synth([prodWithoutSameRegionReplicas, promotedDr]);
    await workspace.apply(join(promotedStacks, "dr"));

    // Emulator quirk "promotion not reported": moto's PromoteReadReplica flips an internal flag but
    // DescribeDBInstances keeps reporting ReadReplicaSourceDBInstanceIdentifier (and the source
    // keeps listing the replica). What the API does report of the standalone instance is checked:
    // its own RDS-managed master secret in us-east-1 (ModifyDBInstance after the promotion) and its
    // backups.
    const standalone = describeDb("us-east-1", "pipeops-dr");
    expect(standalone.BackupRetentionPeriod).toBe(30);
    const secret = standalone.MasterUserSecret as { SecretArn: string } | undefined;
    expect(secret?.SecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:/);

    const plan = await workspace.terraform(join(promotedStacks, "dr"), ["plan", "-input=false", "-detailed-exitcode", "-refresh=true"]);
    expect(plan.stderr).toBe("");
  });
});
