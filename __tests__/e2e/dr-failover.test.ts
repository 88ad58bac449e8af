import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dr } from "../../dr/config";
import type { EnvironmentInput } from "../../src/config/types";
import { stateBackendNames } from "../../src/stacks/state-location";
import { awsApi } from "../../src/cli/aws-api";
import { startE2eWorkspace, type E2eWorkspace } from "../support/e2e-workspace";
import { startDnsStandIn, type DnsStandIn } from "../support/dns-server";
import { applyProdAndDrBackends, describeDb, makeReplicaGroupsInSourceRegion, prodConfig, promotedDr, prodWithoutSameRegionReplicas, StepClock } from "../support/prod-and-dr";

/**
 * A fresh account's first deploy of prod and DR, in the deploy workflow's order, on the local
 * emulator, and the failover drill (`npm run dr:drill` runs this file): prod's and DR's backends,
 * the zone stack (zone, health check, its alarm and topic), the delegation check against a DNS
 * stand-in (refused, then passed once the parent delegates), the global stack (a certificate per
 * region), prod's core, the DR stack as a cross-region replica of prod's primary (its ARN read from
 * prod's state), prod's cost allocation tags (the platform stacks, which the workflow runs after
 * each core stack, are left out: there is no Kubernetes API here), then the failover: the primary's
 * health check made to fail, DR promoted with prod's state unreachable, and what a failover
 * depends on read back through the AWS APIs. Each step's time is printed at the end (README "DNS
 * and failover" compares them with the RTO).
 *
 * Steps that do not depend on each other run side by side: DR's plan is shown to stop before prod
 * exists while the zone and the certificates are applied, and prod's cost tags are applied beside
 * DR. Most of this file's time is the AWS provider's waiters, which are the same on the emulator as
 * on AWS (README "Tests" lists them).
 */
let workspace: E2eWorkspace;
let stacks: string;
let publicDns: DnsStandIn;
const clock = new StepClock();

/** The README's delegation check, as written, against the emulator's Route 53 and the DNS stand-in. */
function delegationCheck(zoneStackFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, AWS_ENDPOINT_URL: workspace.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_DEFAULT_REGION: "us-east-1" };
  return new Promise((resolve) => {
    execFile("npm", ["run", "-s", "dns:delegation", "--", zoneStackFile, "--resolver", publicDns.server], { env, cwd: process.cwd() }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * A plan of DR that must fail, with its errors on one line. Without the state lock: two of these
 * plans of the same state run side by side, and neither writes anything.
 */
async function failingPlan(stacksDir: string): Promise<string> {
  const dir = join(stacksDir, "dr");
  expect((await workspace.terraform(dir, ["init", "-input=false"])).code).toBe(0);
  const plan = await workspace.terraform(dir, ["plan", "-input=false", "-lock=false"]);
  expect(plan.code).not.toBe(0);
  return plan.stderr.replace(/\s+/g, " ");
}

beforeAll(async () => {
  workspace = await startE2eWorkspace("e2e-dr");
  publicDns = await startDnsStandIn();
  stacks = workspace.synth([prodWithoutSameRegionReplicas, dr]);
});

afterAll(async () => {
  clock.print("DR drill on the local emulator");
  await publicDns?.close();
  workspace?.stop();
});

describe("a fresh account's prod and DR, and the failover, on the local emulator", () => {
  it("bootstraps prod's (us-west-2) and DR's (us-east-1) state backends, DR's once prod's has made the account's OIDC provider", async () => {
    await clock.timed("bootstrap prod's and DR's state backends", false, () => applyProdAndDrBackends(workspace, stacks));
    const providers = awsApi<{ OpenIDConnectProviderList: unknown[] }>(workspace.endpoint, "iam", "us-east-1", "list_open_id_connect_providers", {}).OpenIDConnectProviderList;
    expect(providers).toHaveLength(1);
  });

  it.concurrent("applies the zone stack, refuses to go on until the parent domain delegates to it, then applies the global stack: a certificate per region through the zone it looks up", async () => {
    await clock.timed("apply dr-zone (zone, health check, its alarm and topic)", false, () => workspace.apply(join(stacks, "dr-zone")));
    const zones = awsApi<{ HostedZones: { Id: string; Name: string }[] }>(workspace.endpoint, "route53", "us-east-1", "list_hosted_zones_by_name", { DNSName: "pipeops.example.com" }).HostedZones;
    expect(zones.map((z) => z.Name)).toEqual(["pipeops.example.com."]);
    const checks = awsApi<{ HealthChecks: { HealthCheckConfig: Record<string, unknown> }[] }>(workspace.endpoint, "route53", "us-east-1", "list_health_checks", {}).HealthChecks;
    expect(checks.map((c) => c.HealthCheckConfig)).toEqual([expect.objectContaining({ Type: "HTTPS", FullyQualifiedDomainName: "prod.pipeops.example.com", ResourcePath: "/healthz", Port: 443, RequestInterval: 10, FailureThreshold: 3 })]);
    // The alarm's topic exists once the alarm does: made in the same apply.
    const [alarm] = awsApi<{ MetricAlarms: { AlarmActions: string[] }[] }>(workspace.endpoint, "cloudwatch", "us-east-1", "describe_alarms", { AlarmNamePrefix: "pipeops-prod-primary" }).MetricAlarms;
    expect(alarm!.AlarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:pipeops-dr-dns-alerts"]);
    expect(awsApi<{ Attributes: Record<string, string> }>(workspace.endpoint, "sns", "us-east-1", "get_topic_attributes", { TopicArn: alarm!.AlarmActions[0] }).Attributes.KmsMasterKeyId).toMatch(/^arn:aws:kms:us-east-1:/);
    const nameServers = JSON.parse((await workspace.terraform(join(stacks, "dr-zone"), ["output", "-json", "name_servers"])).stdout) as string[];
    expect(nameServers.length).toBeGreaterThan(1);

    // npm run dns:delegation, a real NS lookup: public DNS is a stand-in on loopback here (no network); Route 53 is the emulator's.
    const check = () => delegationCheck(join(stacks, "dr-zone", "cdk.tf.json"));
    const refused = await check();
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/pipeops\.example\.com is not delegated: public DNS has no NS records for it/);
    for (const ns of nameServers) expect(refused.stderr).toContain(`pipeops.example.com. NS ${ns.replace(/\.$/, "")}.`);
    // The operator creates those records at the parent domain.
    publicDns.delegations.set("pipeops.example.com", nameServers);
    const passed = await clock.timed("check the delegation (npm run dns:delegation)", false, check);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/pipeops\.example\.com is delegated to its Route 53 name servers/);

    await clock.timed("apply dr-global (two certificates)", false, () => workspace.apply(join(stacks, "dr-global")));
    // Emulator: moto issues a certificate a few seconds after the request (MOTO_ACM_VALIDATION_WAIT), whether or not its validation record exists.
    for (const region of ["us-west-2", "us-east-1"]) {
      const certificates = awsApi<{ CertificateSummaryList: { DomainName: string; Status: string }[] }>(workspace.endpoint, "acm", region, "list_certificates", {}).CertificateSummaryList;
      expect(certificates.map((c) => [c.DomainName, c.Status]), region).toEqual([["pipeops.example.com", "ISSUED"]]);
    }
  });

  it.concurrent("meanwhile stops DR's plan before prod is applied: 'apply prod first' without prod's state and with a state lacking the output, and an AZ EKS refuses", async () => {
    // us-east-1e is use1-az3 on the emulator; that plan runs in a folder of its own, beside the first.
    const badZones: EnvironmentInput = { ...dr, network: { ...dr.network, availabilityZones: ["us-east-1a", "us-east-1e"] } };
    const [withoutState, withBadZone] = await Promise.all([failingPlan(stacks), failingPlan(workspace.synth([prodWithoutSameRegionReplicas, badZones]))]);
    // Not the backend's "Unable to find remote state".
    expect(withoutState).toMatch(/prod's state has no db_instance_arn output\. Apply prod's core stack first: cdktf deploy prod/);
    expect(withoutState).not.toMatch(/Unable to find remote state/);
    expect(withBadZone).toMatch(
      /Availability Zones us-east-1e are not available in this account or map to a zone ID that is excluded \(use1-az3, usw1-az2, cac1-az3\)\. Fix: choose Availability Zones among us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1f\./,
    );

    // prod's state exists but carries no outputs yet (as after a first, partial apply).
    const names = stateBackendNames(prodConfig!, workspace.target);
    const emptyState = { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "00000000-0000-4000-8000-000000000000", outputs: {}, resources: [], check_results: null };
    awsApi(workspace.endpoint, "s3", "us-west-2", "put_object", {
      Bucket: names.bucket, Key: "prod/terraform.tfstate", Body: JSON.stringify(emptyState), ServerSideEncryption: "aws:kms", SSEKMSKeyId: names.kmsAliasArn,
    });
    expect(await failingPlan(stacks)).toMatch(/prod's state has no db_instance_arn output\. Apply prod's core stack first: cdktf deploy prod/);
  });

  it("applies prod's core stack", async () => {
    await clock.timed("apply prod's core stack", false, () => workspace.apply(join(stacks, "prod")));
    expect(describeDb(workspace, "us-west-2", "pipeops-prod")).toMatchObject({ DBInstanceClass: "db.r6g.xlarge", MultiAZ: true, BackupRetentionPeriod: 30 });
  });

  it.concurrent("applies DR as a cross-region replica of the prod primary's ARN, read from prod's state", async () => {
    const prodSubnets = JSON.parse((await workspace.terraform(join(stacks, "prod"), ["output", "-json", "database_subnet_ids"])).stdout) as string[];
    makeReplicaGroupsInSourceRegion(workspace, prodSubnets);
    await clock.timed("apply DR as a cross-region replica", false, () => workspace.apply(join(stacks, "dr")));
    const primary = describeDb(workspace, "us-west-2", "pipeops-prod");
    const replica = describeDb(workspace, "us-east-1", "pipeops-dr");
    expect(replica.ReadReplicaSourceDBInstanceIdentifier).toBe(primary.DBInstanceArn);
    expect(replica).toMatchObject({ DBInstanceClass: "db.r6g.xlarge", MultiAZ: true, StorageEncrypted: true, PubliclyAccessible: false });
    expect(String(replica.KmsKeyId)).toMatch(/^arn:aws:kms:us-east-1:/);
  });

  it.concurrent("activates prod's cost allocation tags in their own stack, after prod's core and with nothing waiting on it, as an operator does a day after the first deploy", async () => {
    // Emulator limitation "no cost allocation tags": moto has no UpdateCostAllocationTagsStatus, so
    // the local target creates the activations zero times; what runs here is the stack's own apply,
    // after its core stack and with nothing waiting on it (README "First deploy of an account").
    await clock.timed("apply prod-cost-tags (zero activations on the emulator)", false, () => workspace.apply(join(stacks, "prod-cost-tags")));
    const state = JSON.parse((await workspace.terraform(join(stacks, "prod-cost-tags"), ["show", "-json"])).stdout) as { values?: { root_module?: { resources?: unknown[] } } };
    expect(state.values?.root_module?.resources ?? []).toEqual([]);
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
