import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dr } from "../../dr/config";
import { POSTGRES } from "../../src/config/versions";
import { CORE_OUTPUT } from "../../src/stacks/core-outputs";
import { stateBackendNames } from "../../src/stacks/state-location";
import { awsApi } from "../../src/cli/aws-api";
import { startE2eWorkspace, type E2eWorkspace } from "../support/e2e-workspace";
import { applyProdAndDrBackends, describeDb, makeReplicaGroupsInSourceRegion, prodConfig, promotedDr, prodWithoutSameRegionReplicas, StepClock } from "../support/prod-and-dr";

/**
 * The failover drill on the local emulator (`npm run dr:drill` runs it with fresh-account.test.ts):
 * DR deployed as a cross-region replica of prod's running primary, the primary's health check made
 * to fail, DR promoted with prod's state unreachable, and what a failover depends on read back
 * through the AWS APIs. Each step's time is printed at the end (README "DNS and failover" compares
 * them with the RTO).
 *
 * Prod as the drill finds it — its primary running in us-west-2 and prod's state naming it — and
 * DR's certificate are made here through the AWS APIs, not by applying prod's core and the global
 * stack: fresh-account.test.ts applies those, in the deploy workflow's order, on an emulator of its
 * own at the same time. Applying them again here would put about three minutes of the provider's
 * waiters (RDS's, ACM's, Route 53's) in front of the drill for nothing it checks.
 */
let workspace: E2eWorkspace;
let stacks: string;
const clock = new StepClock();

beforeAll(async () => {
  workspace = await startE2eWorkspace("e2e-dr");
  stacks = workspace.synth([prodWithoutSameRegionReplicas, dr]);
});

afterAll(() => {
  clock.print("DR drill on the local emulator");
  workspace?.stop();
});

/** Prod's primary, as prod's core stack leaves it (class, Multi-AZ, backups, encryption), and prod's state naming it. */
function standUpProdPrimary(): string {
  const region = "us-west-2";
  const vpc = awsApi<{ Vpc: { VpcId: string } }>(workspace.endpoint, "ec2", region, "create_vpc", { CidrBlock: "10.30.0.0/16" }).Vpc.VpcId;
  const subnets = ["us-west-2a", "us-west-2b"].map((zone, i) =>
    awsApi<{ Subnet: { SubnetId: string } }>(workspace.endpoint, "ec2", region, "create_subnet", { VpcId: vpc, CidrBlock: `10.30.${i}.0/24`, AvailabilityZone: zone }).Subnet.SubnetId,
  );
  awsApi(workspace.endpoint, "rds", region, "create_db_subnet_group", { DBSubnetGroupName: "pipeops-prod-database", DBSubnetGroupDescription: "prod's database subnets", SubnetIds: subnets });
  const primary = awsApi<{ DBInstance: { DBInstanceArn: string } }>(workspace.endpoint, "rds", region, "create_db_instance", {
    DBInstanceIdentifier: "pipeops-prod", Engine: "postgres", EngineVersion: POSTGRES.majorVersion, DBInstanceClass: "db.r6g.xlarge", AllocatedStorage: 100,
    // dbadmin: the database module's default master user name, which the replica inherits.
    MasterUsername: "dbadmin", ManageMasterUserPassword: true, StorageEncrypted: true, MultiAZ: true, BackupRetentionPeriod: 30, PubliclyAccessible: false,
    DBSubnetGroupName: "pipeops-prod-database",
  }).DBInstance.DBInstanceArn;
  makeReplicaGroupsInSourceRegion(workspace, subnets);
  const names = stateBackendNames(prodConfig!, workspace.target);
  const state = {
    version: 4, terraform_version: "1.11.4", serial: 1, lineage: "00000000-0000-4000-8000-000000000001",
    outputs: { [CORE_OUTPUT.databaseArn]: { value: primary, type: "string" } }, resources: [], check_results: null,
  };
  awsApi(workspace.endpoint, "s3", region, "put_object", { Bucket: names.bucket, Key: "prod/terraform.tfstate", Body: JSON.stringify(state), ServerSideEncryption: "aws:kms", SSEKMSKeyId: names.kmsAliasArn });
  return primary;
}

/** DR's certificate in us-east-1, as the global stack issues it (moto issues a request after MOTO_ACM_VALIDATION_WAIT). */
async function issueDrCertificate(): Promise<void> {
  const { CertificateArn } = awsApi<{ CertificateArn: string }>(workspace.endpoint, "acm", "us-east-1", "request_certificate", {
    DomainName: "pipeops.example.com", SubjectAlternativeNames: ["pipeops.example.com", "*.pipeops.example.com"], ValidationMethod: "DNS",
  });
  const status = () => awsApi<{ Certificate: { Status: string } }>(workspace.endpoint, "acm", "us-east-1", "describe_certificate", { CertificateArn }).Certificate.Status;
  for (let i = 0; i < 30 && status() !== "ISSUED"; i++) await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(status()).toBe("ISSUED");
}

describe("DR failover drill on the local emulator", () => {
  it("bootstraps prod's (us-west-2) and DR's (us-east-1) state backends", async () => {
    await clock.timed("bootstrap prod's and DR's state backends", false, () => applyProdAndDrBackends(workspace, stacks));
  });

  it("applies DR as a cross-region replica of prod's running primary, and the zone stack with the primary's health check beside it", async () => {
    const primary = standUpProdPrimary();
    await issueDrCertificate();
    await clock.timed("apply DR as a cross-region replica, and dr-zone beside it", false, () =>
      Promise.all([workspace.apply(join(stacks, "dr")), workspace.apply(join(stacks, "dr-zone"))]),
    );
    const replica = describeDb(workspace, "us-east-1", "pipeops-dr");
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(primary);
    expect(replica).toMatchObject({ DBInstanceClass: "db.r6g.xlarge", MultiAZ: true, StorageEncrypted: true, PubliclyAccessible: false });
  });

  it("fails the primary's health check, as a drill does (the emulator keeps reporting it healthy)", async () => {
    const [check] = awsApi<{ HealthChecks: { Id: string }[] }>(workspace.endpoint, "route53", "us-east-1", "list_health_checks", {}).HealthChecks;
    await clock.timed("invert the primary's health check (aws route53 update-health-check --inverted)", true, () =>
      awsApi(workspace.endpoint, "route53", "us-east-1", "update_health_check", { HealthCheckId: check!.Id, Inverted: true }),
    );
    const config = awsApi<{ HealthCheck: { HealthCheckConfig: { Inverted: boolean } } }>(workspace.endpoint, "route53", "us-east-1", "get_health_check", { HealthCheckId: check!.Id }).HealthCheck.HealthCheckConfig;
    expect(config.Inverted).toBe(true);
    // Emulator limitation "health-check status fixed": moto's GetHealthCheckStatus always answers one
    // checker reporting "Success: HTTP Status Code: 200. Resolved IP: 127.0.13.37. OK", whatever the
    // endpoint, Inverted or Disabled.
    // On AWS the inverted check reports unhealthy within about 30 s (3 failures at 10 s) and the
    // PRIMARY records stop being answered; there is no DNS to resolve here.
    const status = awsApi<{ HealthCheckObservations: { StatusReport: { Status: string } }[] }>(workspace.endpoint, "route53", "us-east-1", "get_health_check_status", { HealthCheckId: check!.Id }).HealthCheckObservations;
    expect(status.map((o) => o.StatusReport.Status)).toEqual([expect.stringMatching(/^Success: HTTP Status Code: 200\b/)]);
  });

  it("promotes DR to a standalone primary with prod's state unreachable", async () => {
    // Make prod's state bucket refuse every request, as if us-west-2 were dark.
    const prodBucket = stateBackendNames(prodConfig!, workspace.target).bucket;
    awsApi(workspace.endpoint, "s3", "us-west-2", "put_bucket_policy", {
      Bucket: prodBucket,
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "RegionDark", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${prodBucket}`, `arn:aws:s3:::${prodBucket}/*`] }] }),
    });
    const promotedStacks = workspace.synth([prodWithoutSameRegionReplicas, promotedDr]);
    await clock.timed("promote DR (cdktf deploy dr with replication.promoted, prod dark)", true, () => workspace.apply(join(promotedStacks, "dr")));

    // Emulator quirk "promotion not reported": moto's PromoteReadReplica flips an internal flag but
    // DescribeDBInstances keeps reporting ReadReplicaSourceDBInstanceIdentifier (and the source
    // keeps listing the replica). What the API does report of the standalone instance is checked:
    // its own RDS-managed master secret in us-east-1 (ModifyDBInstance after the promotion) and its
    // backups.
    const standalone = describeDb(workspace, "us-east-1", "pipeops-dr");
    expect(standalone.BackupRetentionPeriod).toBe(30);
    const secret = standalone.MasterUserSecret as { SecretArn: string } | undefined;
    expect(secret?.SecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:/);

    const plan = await workspace.terraform(join(promotedStacks, "dr"), ["plan", "-input=false", "-detailed-exitcode", "-refresh=true"]);
    expect(plan.stderr).toBe("");
  });

  it("reads back, in us-east-1 alone, what the failed-over region runs on: its certificate, its database, its alarms' topic", async () => {
    await clock.timed("read back DR's certificate, database and alert topic", true, async () => {
      const [certificate] = awsApi<{ CertificateSummaryList: { CertificateArn: string; Status: string }[] }>(workspace.endpoint, "acm", "us-east-1", "list_certificates", {}).CertificateSummaryList;
      expect(certificate?.Status).toBe("ISSUED");
      const output = await workspace.terraform(join(stacks, "dr"), ["output", "-json", "certificate_arn"]);
      expect(JSON.parse(output.stdout)).toBe(certificate!.CertificateArn);
      expect(describeDb(workspace, "us-east-1", "pipeops-dr")).toMatchObject({ DBInstanceStatus: "available", StorageEncrypted: true });
      const topic = awsApi<{ Attributes: Record<string, string> }>(workspace.endpoint, "sns", "us-east-1", "get_topic_attributes", { TopicArn: "arn:aws:sns:us-east-1:123456789012:pipeops-dr-alerts" }).Attributes;
      expect(topic.KmsMasterKeyId).toMatch(/^arn:aws:kms:us-east-1:/);
    });
  });
});
