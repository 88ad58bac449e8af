import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dev } from "../../environments";
import { KUBERNETES } from "../../src/config/versions";
import { awsApi } from "../../src/cli/aws-api";
import { emulatorSecretValues, savedPlanContents } from "../support/secret-leaks";
import { plannedChanges, startE2eWorkspace, type E2eWorkspace } from "../support/e2e-workspace";

/**
 * dev's AWS core on the local emulator: apply, a second plan shows no changes apart from the
 * emulator quirks named below, then destroy.
 *
 * Named emulator quirks (see README, "Local AWS emulator"); with the local target the app also
 * leaves out EKS add-ons and access entries, the database's ingress rule from the cluster
 * security group, and ignores the EKS attributes moto does not read back (src/target.ts):
 */
const EMULATOR_READBACK_QUIRKS: Record<string, readonly string[]> = {
  // moto stores neither Performance Insights nor Enhanced Monitoring settings: they read back off.
  aws_db_instance: [
    "performance_insights_enabled",
    "performance_insights_kms_key_id",
    "performance_insights_retention_period",
    "monitoring_interval",
    "monitoring_role_arn",
  ],
  // moto returns no user-set parameters of a DB parameter group.
  aws_db_parameter_group: ["parameter"],
};

let workspace: E2eWorkspace;
let stacks: string;

beforeAll(async () => {
  workspace = await startE2eWorkspace("e2e-dev-core");
  stacks = workspace.synth([dev]);
});

afterAll(() => workspace?.stop());

describe("dev core on the local emulator", () => {
  it("applies dev-bootstrap and then the dev core stack into that backend", async () => {
    await workspace.apply(join(stacks, "dev-bootstrap"));
    await workspace.apply(join(stacks, "dev"));
  });

  it("created the network, cluster and database at dev's sizes (read back through the AWS API)", () => {
    const vpcs = awsApi<{ Vpcs: { CidrBlock: string }[] }>(workspace.endpoint, "ec2", "us-west-2", "describe_vpcs", { Filters: [{ Name: "tag:Environment", Values: ["dev"] }] });
    expect(vpcs.Vpcs.map((v) => v.CidrBlock)).toEqual(["10.0.0.0/16"]);
    const cluster = awsApi<{ cluster: { version: string; encryptionConfig: unknown[] } }>(workspace.endpoint, "eks", "us-west-2", "describe_cluster", { name: "pipeops-dev" });
    expect(cluster.cluster.version).toBe(KUBERNETES.version);
    // EKS Auto Mode: no managed node group; the NodePools that bound dev's nodes are Kubernetes
    // objects of the platform stack. Emulator limitation: moto ignores computeConfig and
    // storageConfig, so that the cluster runs Auto Mode cannot be read back here (unit tests and
    // `terraform validate` cover the request).
    expect(awsApi<{ nodegroups: string[] }>(workspace.endpoint, "eks", "us-west-2", "list_nodegroups", { clusterName: "pipeops-dev" }).nodegroups).toEqual([]);
    const nodeRole = awsApi<{ Role: { AssumeRolePolicyDocument: unknown } }>(workspace.endpoint, "iam", "us-east-1", "get_role", { RoleName: "pipeops-dev-node" });
    expect(JSON.stringify(nodeRole.Role.AssumeRolePolicyDocument)).toContain("ec2.amazonaws.com");
    const db = awsApi<{ DBInstances: Record<string, unknown>[] }>(workspace.endpoint, "rds", "us-west-2", "describe_db_instances", { DBInstanceIdentifier: "pipeops-dev" }).DBInstances[0]!;
    expect(db).toMatchObject({ DBInstanceClass: "db.t3.medium", MultiAZ: false, StorageEncrypted: true, PubliclyAccessible: false, BackupRetentionPeriod: 7, Engine: "postgres" });
    expect(db.MasterUserSecret).toBeDefined();
  });

  it("sends every alarm to the environment's encrypted alert topic (read back through the AWS API)", () => {
    const topicArn = "arn:aws:sns:us-west-2:123456789012:pipeops-dev-alerts";
    const topic = awsApi<{ Attributes: Record<string, string> }>(workspace.endpoint, "sns", "us-west-2", "get_topic_attributes", { TopicArn: topicArn }).Attributes;
    expect(topic.KmsMasterKeyId).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\//);
    // Emulator quirk "conditional Deny applied unconditionally": the local target leaves the TLS-only Deny out (unit tests check it is there on AWS).
    expect(JSON.parse(topic.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["AccountManagesTheTopic", "CloudWatchAlarmsOfThisAccountPublish", "BudgetsOfThisAccountPublish"]);
    const subscriptions = awsApi<{ Subscriptions: { Protocol: string; Endpoint: string }[] }>(workspace.endpoint, "sns", "us-west-2", "list_subscriptions_by_topic", { TopicArn: topicArn }).Subscriptions;
    expect(subscriptions.map((s) => [s.Protocol, s.Endpoint])).toEqual([["email", "platform-alerts@example.com"]]);
    const alarms = awsApi<{ MetricAlarms: { AlarmName: string; AlarmActions: string[]; OKActions: string[] }[] }>(workspace.endpoint, "cloudwatch", "us-west-2", "describe_alarms", {}).MetricAlarms;
    // Database (3), EKS (2), dev's one NAT gateway (2), load balancers (3).
    expect(alarms).toHaveLength(10);
    for (const alarm of alarms) expect([alarm.AlarmName, alarm.AlarmActions, alarm.OKActions]).toEqual([alarm.AlarmName, [topicArn], [topicArn]]);
  });

  it("plans no changes on a second run, apart from the named emulator read-back quirks", async () => {
    const dir = join(stacks, "dev");
    const plan = await workspace.terraform(dir, ["plan", "-input=false", "-out=second.tfplan"]);
    expect(plan.code, plan.stderr).toBe(0);
    const changes = plannedChanges((await workspace.terraform(dir, ["show", "-json", "second.tfplan"])).stdout);
    const quirkyUpdates = changes.filter((c) => EMULATOR_READBACK_QUIRKS[c.type]);
    const rest = changes.filter((c) => !EMULATOR_READBACK_QUIRKS[c.type]);

    for (const change of quirkyUpdates) {
      expect(change.actions, change.address).toEqual(["update"]);
      expect(change.attributes.filter((a) => !EMULATOR_READBACK_QUIRKS[change.type]!.includes(a) && a !== "tags_all"), `${change.address} ${JSON.stringify(change.diff)}`).toEqual([]);
    }
    // The only other allowed entry: a policy recomputed because it reads the database's secret ARN
    // while the database has a (quirk) update pending — its value is unknown, not different.
    for (const change of rest) {
      expect(change.type, `${change.address} ${JSON.stringify(change.diff)}`).toBe("aws_iam_role_policy");
      expect({ address: change.address, actions: change.actions, attributes: change.attributes }).toEqual({ address: change.address, actions: ["update"], attributes: ["policy"] });
      expect(change.type).toBe("aws_iam_role_policy");
      expect(change.unknown).toEqual(["policy"]);
    }
  });

  it("keeps every secret value of the emulator's Secrets Manager out of the saved plan, its JSON, the plan output and the state", async () => {
    const dir = join(stacks, "dev");
    const secrets = emulatorSecretValues(workspace.endpoint, "us-west-2");
    // Grafana's admin login (written write-only by Terraform) and the RDS-managed master secret.
    expect(secrets.map((s) => s.name)).toEqual(expect.arrayContaining(["pipeops/dev/grafana-admin"]));
    const plan = await workspace.terraform(dir, ["plan", "-input=false", "-out=leak-check.tfplan"]);
    expect(plan.code, plan.stderr).toBe(0);
    const places = [
      { place: "plan output", text: plan.stdout + plan.stderr },
      { place: "terraform show -json", text: (await workspace.terraform(dir, ["show", "-json", "leak-check.tfplan"])).stdout },
      { place: "terraform show", text: (await workspace.terraform(dir, ["show", "-no-color", "leak-check.tfplan"])).stdout },
      { place: "state", text: (await workspace.terraform(dir, ["state", "pull"])).stdout },
      ...savedPlanContents(join(dir, "leak-check.tfplan")).map(({ file, text }) => ({ place: `saved plan file ${file}`, text })),
    ];
    expect(places.every(({ text }) => text.length > 0)).toBe(true);
    // Not vacuous: the generated password is among the values, and the state does name its secret.
    expect(secrets.some((s) => s.name === "pipeops/dev/grafana-admin" && /^[A-Za-z0-9]{32}$/.test(s.value))).toBe(true);
    expect(places.find((p) => p.place === "state")!.text).toContain("pipeops/dev/grafana-admin");
    for (const { name, value } of secrets) {
      for (const { place, text } of places) expect(text.includes(value), `a value of secret ${name} is in the ${place}`).toBe(false);
    }
  });

  it("with the production protections switched on, a destroy stops before deleting anything that cannot be rebuilt", async () => {
    // The same stack and state, synthesized with protectCoreFromDestroy (what prod and DR always have).
    const protectedDir = join(workspace.synth([{ ...dev, protectCoreFromDestroy: true }]), "dev");
    expect((await workspace.terraform(protectedDir, ["init", "-input=false"])).code).toBe(0);
    const destroy = await workspace.terraform(protectedDir, ["destroy", "-auto-approve", "-input=false", "-no-color"]);
    expect(destroy.code).not.toBe(0);
    expect(destroy.stderr).toMatch(/Instance cannot be destroyed/);
    expect(destroy.stderr).toMatch(/lifecycle\.prevent_destroy/);
    // Everything is still there: the database, the cluster, the keys, the logs.
    const db = awsApi<{ DBInstances: { DBInstanceIdentifier: string }[] }>(workspace.endpoint, "rds", "us-west-2", "describe_db_instances");
    expect(db.DBInstances.map((d) => d.DBInstanceIdentifier)).toContain("pipeops-dev");
    expect(awsApi<{ clusters: string[] }>(workspace.endpoint, "eks", "us-west-2", "list_clusters").clusters).toContain("pipeops-dev");
    const groups = awsApi<{ logGroups: { logGroupName: string }[] }>(workspace.endpoint, "logs", "us-west-2", "describe_log_groups", { logGroupNamePrefix: "/aws/eks/pipeops-dev" });
    expect(groups.logGroups.length).toBeGreaterThan(0);
    // Terraform refused at the plan: the state still lists every resource.
    const listed = (await workspace.terraform(protectedDir, ["state", "list"])).stdout.trim().split("\n");
    expect(listed.filter((address) => address.startsWith("aws_db_instance.")).length).toBeGreaterThan(0);
  });

  it("destroys the dev core stack", async () => {
    const destroyed = await workspace.terraform(join(stacks, "dev"), ["destroy", "-auto-approve", "-input=false"]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    const dbs = awsApi<{ DBInstances: unknown[] }>(workspace.endpoint, "rds", "us-west-2", "describe_db_instances");
    expect(dbs.DBInstances).toEqual([]);
    const clusters = awsApi<{ clusters: string[] }>(workspace.endpoint, "eks", "us-west-2", "list_clusters");
    expect(clusters.clusters).toEqual([]);
  });
});
