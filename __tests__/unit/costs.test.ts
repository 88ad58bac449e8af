/**
 * Cost controls: a monthly budget per environment, dev's database stopped outside working hours by
 * EventBridge Scheduler (its role checked with the IAM evaluator), and the capacity types per
 * environment (Spot where it is safe).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AWS, LOCAL, buildTestApp, manifestsOf, resourcesOf, sharedTestApp, synthStack, writtenSharedApp } from "../support/synth";
import { decide, policyDocument } from "../support/iam-policies";
import { checkEnvironment } from "../../src/config/validate";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";
import type { EnvironmentInput } from "../../src/config/types";

type Body = Record<string, any>;
const built = sharedTestApp(AWS);
const messages = (env: EnvironmentInput) => checkEnvironment(env).issues.map((i) => `${i.path}: ${i.message}`).join("\n");

describe.each([
  ["dev", 500],
  ["staging", 800],
  ["prod", 2500],
  ["dr", 2041],
] as const)("%s budget", (name, seedUsd) => {
  const [[, budget]] = resourcesOf(synthStack(built, name), "aws_budgets_budget") as [[string, Body]];

  it(`limits the month to the seed's $${seedUsd}, over the costs tagged Environment=${name}`, () => {
    const accountId = built.environments.find((e) => e.name === name)!.accountId;
    expect(budget).toMatchObject({ name: `pipeops-${name}-monthly`, account_id: accountId, budget_type: "COST", time_unit: "MONTHLY", limit_amount: seedUsd.toFixed(2), limit_unit: "USD" });
    expect(budget.cost_filter).toEqual([{ name: "TagKeyValue", values: [`user:Environment$${name}`] }]);
  });

  it("alerts the environment's alert topic at 80 % of the forecast and at 100 % of actual spend", () => {
    const [[topicId]] = resourcesOf(synthStack(built, name), "aws_sns_topic");
    const to = { comparison_operator: "GREATER_THAN", threshold_type: "PERCENTAGE", subscriber_sns_topic_arns: [`\${aws_sns_topic.${topicId}.arn}`] };
    expect(budget.notification).toEqual([
      { ...to, notification_type: "FORECASTED", threshold: 80 },
      { ...to, notification_type: "ACTUAL", threshold: 100 },
    ]);
  });
});

describe("emulator quirk: moto's Budgets cannot read a budget back (no ListTagsForResource, no DescribeSubscribersForNotification)", () => {
  it("creates the budgets zero times on the emulator only", () => {
    for (const name of ["dev", "prod", "dr"]) {
      expect(resourcesOf(synthStack(sharedTestApp(LOCAL), name), "aws_budgets_budget").map(([, b]) => (b as Body).count), name).toEqual([0]);
      expect(resourcesOf(synthStack(built, name), "aws_budgets_budget").map(([, b]) => (b as Body).count), name).toEqual([undefined]);
    }
  });
});

describe("budget config", () => {
  it("takes a limit from config", () => {
    const custom = buildTestApp(AWS, [{ ...structuredClone(dev), costs: { ...dev.costs, monthlyBudgetUsd: 321 } }]);
    expect((resourcesOf(synthStack(custom, "dev"), "aws_budgets_budget")[0]![1] as Body).limit_amount).toBe("321.00");
  });
});

describe("cost allocation tags", () => {
  it("activates every tag key the environments carry, once per account (prod's for prod and DR), in a stack of their own after the core", () => {
    const keys = (stack: string) => resourcesOf(synthStack(built, stack), "aws_ce_cost_allocation_tag").map(([, b]) => `${(b as Body).tag_key}=${(b as Body).status}`).sort();
    const expected = ["CostCenter=Active", "Environment=Active", "ManagedBy=Active", "Owner=Active", "Project=Active"];
    for (const name of ["dev", "staging", "prod"]) {
      expect(keys(`${name}-cost-tags`), name).toEqual(expected);
      // A fresh account's keys reach billing data up to a day later: the core apply must not wait on them (PIPEOPS-0013).
      expect(keys(name), name).toEqual([]);
      const stack = synthStack(built, `${name}-cost-tags`);
      expect(Object.keys(stack.json.resource ?? {}), name).toEqual(["aws_ce_cost_allocation_tag"]);
    }
    const stacks = built.app.node.children.map((c) => c.node.id);
    expect(stacks.filter((id) => id.endsWith("-cost-tags"))).toEqual(["dev-cost-tags", "staging-cost-tags", "prod-cost-tags"]);
    const manifest = JSON.parse(readFileSync(join(writtenSharedApp(AWS), "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies?: string[] }> };
    expect(manifest.stacks["prod-cost-tags"]!.dependencies).toEqual(["prod"]);
    // Nothing waits on it: a failed activation on a fresh account holds nothing up.
    for (const [name, entry] of Object.entries(manifest.stacks)) expect(entry.dependencies ?? [], name).not.toContain("prod-cost-tags");
  });

  it("refuses two environments of one account that both activate them", () => {
    const both = { ...structuredClone(dr), costs: { ...dr.costs, activateCostAllocationTags: true } };
    expect(() => buildTestApp(AWS, [dev, staging, prod, both])).toThrow(/dr: costs\.activateCostAllocationTags: true, but prod activates the cost allocation tags of account 333333333333 already.*Fix: /);
  });

  it("are created zero times on the emulator, which has no cost allocation tags API", () => {
    expect(resourcesOf(synthStack(sharedTestApp(LOCAL), "dev-cost-tags"), "aws_ce_cost_allocation_tag").map(([, b]) => (b as Body).count)).toEqual(Array(5).fill(0));
  });
});

describe("dev's database off hours", () => {
  const core = synthStack(built, "dev");
  const schedules = resourcesOf(core, "aws_scheduler_schedule").map(([, body]) => body as Body);
  const where = { accountId: "111111111111", region: "us-west-2" };
  const roleArn = `arn:aws:iam::${where.accountId}:role/pipeops-dev-off-hours`;
  const dbArn = `arn:aws:rds:us-west-2:${where.accountId}:db:pipeops-dev`;

  it("stops it at 19:00 and starts it at 07:00 Pacific time on working days, through the RDS API", () => {
    const byName = Object.fromEntries(schedules.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(["pipeops-dev-start", "pipeops-dev-stop"]);
    expect(byName["pipeops-dev-stop"]).toMatchObject({ schedule_expression: "cron(0 19 ? * MON,TUE,WED,THU,FRI *)", schedule_expression_timezone: "America/Los_Angeles", flexible_time_window: { mode: "OFF" } });
    expect(byName["pipeops-dev-start"]).toMatchObject({ schedule_expression: "cron(0 7 ? * MON,TUE,WED,THU,FRI *)", schedule_expression_timezone: "America/Los_Angeles" });
    expect(byName["pipeops-dev-stop"]!.target.arn).toBe("arn:aws:scheduler:::aws-sdk:rds:stopDBInstance");
    expect(byName["pipeops-dev-start"]!.target.arn).toBe("arn:aws:scheduler:::aws-sdk:rds:startDBInstance");
    for (const schedule of schedules) expect(JSON.parse(schedule.target.input)).toEqual({ DbInstanceIdentifier: "pipeops-dev" });
  });

  it("runs as a role that may stop and start this database and nothing else", async () => {
    const permissions = policyDocument(core, "database-off-hours_permissions", where);
    const request = (action: string, resource: string) => decide({ principal: roleArn, action, resource, identityPolicies: [permissions] }, where.accountId);
    expect(await request("rds:StopDBInstance", dbArn)).toBe("Allowed");
    expect(await request("rds:StartDBInstance", dbArn)).toBe("Allowed");
    expect(await request("rds:StopDBInstance", `arn:aws:rds:us-west-2:${where.accountId}:db:pipeops-staging`)).toBe("ImplicitlyDenied");
    expect(await request("rds:DeleteDBInstance", dbArn)).toBe("ImplicitlyDenied");
    expect(await request("rds:ModifyDBInstance", dbArn)).toBe("ImplicitlyDenied");
  });

  it("that only EventBridge Scheduler, for this account, can assume", () => {
    const trust = policyDocument(core, "database-off-hours_trust", where);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Sid: "SchedulerOfThisAccount",
        Action: ["sts:AssumeRole"],
        Principal: { Service: ["scheduler.amazonaws.com"] },
        Condition: { StringEquals: { "aws:SourceAccount": [where.accountId] }, ArnLike: { "aws:SourceArn": [`arn:aws:scheduler:us-west-2:${where.accountId}:schedule-group/default`] } },
      },
    ]);
  });

  it("exists in dev only", () => {
    for (const name of ["staging", "prod", "dr"]) expect(resourcesOf(synthStack(built, name), "aws_scheduler_schedule"), name).toEqual([]);
  });

  it("is refused outside development, on a database with read replicas, with a bad time zone or hours", () => {
    const hours = { enabled: true, timezone: "Europe/Berlin", workdayStart: "07:00", workdayEnd: "19:00" };
    expect(messages({ ...structuredClone(staging), costs: { ...staging.costs, offHours: hours } })).toMatch(/costs\.offHours\.enabled: true in a staging environment.*Fix: /);
    expect(messages({ ...structuredClone(dev), database: { ...dev.database, multiAz: true, readReplicas: 1 }, costs: { ...dev.costs, offHours: hours } })).toMatch(/costs\.offHours\.enabled: true, but RDS cannot stop a database that has read replicas/);
    expect(messages({ ...structuredClone(dev), costs: { ...dev.costs, offHours: { ...hours, timezone: "Mars/Olympus" } } })).toMatch(/costs\.offHours\.timezone: "Mars\/Olympus" is not an IANA time zone/);
    expect(messages({ ...structuredClone(dev), costs: { ...dev.costs, offHours: { ...hours, workdayEnd: "06:00" } } })).toMatch(/costs\.offHours\.workdayEnd: 06:00 is not after workdayStart 07:00/);
    expect(messages({ ...structuredClone(dev), costs: { ...dev.costs, offHours: { ...hours, workdayStart: "7am" } } })).toMatch(/costs\.offHours\.workdayStart: .*must be a time hh:mm/);
  });
});

describe("capacity types: Spot where it is safe", () => {
  const pools = (name: string) => Object.fromEntries(manifestsOf(synthStack(built, `${name}-platform`), "NodePool").map((m) => [m.metadata.name, m.spec.template.spec]));
  const capacity = (spec: Body) => spec.requirements.find((r: Body) => r.key === "karpenter.sh/capacity-type").values;

  it("runs dev on Spot, falling back to On-Demand", () => {
    expect(capacity(pools("dev").general)).toEqual(["spot", "on-demand"]);
  });

  it("runs staging's general pool On-Demand and its non-critical pool on Spot, tainted so only tolerating pods land there", () => {
    const staging = pools("staging");
    expect(capacity(staging.general)).toEqual(["on-demand"]);
    expect(staging.general.taints).toBeUndefined();
    expect(capacity(staging.spot)).toEqual(["spot", "on-demand"]);
    expect(staging.spot.taints).toEqual([{ key: "pipeops.io/non-critical", value: "true", effect: "NoSchedule" }]);
  });

  it("runs prod and DR On-Demand only, and refuses Spot there", () => {
    for (const name of ["prod", "dr"]) for (const spec of Object.values(pools(name))) expect(capacity(spec as Body), name).toEqual(["on-demand"]);
    const spot = structuredClone(prod);
    spot.eks.nodeGroups[0]!.capacityType = "SPOT";
    expect(messages(spot)).toMatch(/eks\.nodeGroups\[0\]\.capacityType: "SPOT" in a production environment.*Fix: use "ON_DEMAND"/);
  });

  it("adds the Graviton type of the same size, and the arm64 architecture, behind allowGraviton (Auto Mode only)", () => {
    const graviton = structuredClone(dev);
    graviton.eks.nodeGroups[0]!.allowGraviton = true;
    const [pool] = manifestsOf(synthStack(buildTestApp(AWS, [graviton]), "dev-platform"), "NodePool");
    const spec = pool!.spec.template.spec;
    expect(spec.requirements).toContainEqual({ key: "node.kubernetes.io/instance-type", operator: "In", values: ["t3.medium", "t4g.medium"] });
    expect(spec.requirements).toContainEqual({ key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] });
    expect(capacity(pools("dev").general)).toEqual(["spot", "on-demand"]);
    const managed = { ...graviton, eks: { ...graviton.eks, computeMode: "managed-node-groups" as const } };
    expect(messages(managed)).toMatch(/eks\.nodeGroups\[0\]\.allowGraviton: true on a managed node group/);
  });
});
