/**
 * Alerts that reach someone: one KMS-encrypted SNS topic per environment with the receivers from
 * config, every CloudWatch alarm and budget alert sent there (the topic and key policies checked
 * with the IAM evaluator), replica lag at the recovery point objective, and alarms for the EKS
 * control plane, the NAT gateways and the load balancers.
 */
import { describe, expect, it } from "vitest";
import { AWS, buildTestApp, resourcesOf, sharedTestApp, synthStack } from "../support/synth";
import { decide, policyDocument } from "../support/iam-policies";
import { checkEnvironment } from "../../src/config/validate";
import { RECOVERY_OBJECTIVES } from "../../src/config/recovery-objectives";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";
import type { EnvironmentInput } from "../../src/config/types";

type Body = Record<string, any>;
const built = sharedTestApp(AWS);
const messages = (env: EnvironmentInput) => checkEnvironment(env).issues.map((i) => `${i.path}: ${i.message}`).join("\n");

describe.each(["dev", "staging", "prod", "dr"])("%s alert topic", (name) => {
  const core = synthStack(built, name);
  const env = built.environments.find((e) => e.name === name)!;
  const where = { accountId: env.accountId, region: env.region };
  const [[topicId, topic]] = resourcesOf(core, "aws_sns_topic") as [[string, Body]];
  const topicRef = `\${aws_sns_topic.${topicId}.arn}`;
  const topicArn = `arn:aws:sns:${env.region}:${env.accountId}:pipeops-${name}-alerts`;
  const keyPolicy = policyDocument(core, "alerts_key_policy", where);
  const topicPolicy = policyDocument(core, "alerts_policy", where);

  it("is the only topic, encrypted with a customer managed key of its own", () => {
    expect(topic.name).toBe(`pipeops-${name}-alerts`);
    const [keyId] = resourcesOf(core, "aws_kms_key").find(([id]) => id.startsWith("alerts_key"))!;
    expect(topic.kms_master_key_id).toBe(`\${aws_kms_key.${keyId}.arn}`);
    expect(resourcesOf(core, "aws_kms_alias").map(([, a]) => (a as Body).name)).toContain(`alias/pipeops-${name}-alerts`);
  });

  it("subscribes the configured receivers", () => {
    const subscriptions = resourcesOf(core, "aws_sns_topic_subscription").map(([, s]) => s as Body);
    expect(subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual(env.alerts.emails.map((e) => ["email", e]));
    for (const s of subscriptions) expect(s.topic_arn).toBe(topicRef);
  });

  it("lets CloudWatch alarms and budgets of this account publish, nobody else, and never without TLS", async () => {
    const publish = (principal: string, sourceArn: string, secure = "true", account = env.accountId) =>
      decide({ principal, action: "sns:Publish", resource: topicArn, identityPolicies: [], resourcePolicy: topicPolicy, context: { "aws:SourceAccount": account, "aws:SourceArn": sourceArn, "aws:SecureTransport": secure } }, env.accountId);
    const alarm = `arn:aws:cloudwatch:${env.region}:${env.accountId}:alarm:pipeops-${name}-eks-pending-pods`;
    const budget = `arn:aws:budgets::${env.accountId}:budget/pipeops-${name}-monthly`;
    expect(await publish("cloudwatch.amazonaws.com", alarm)).toBe("Allowed");
    expect(await publish("budgets.amazonaws.com", budget)).toBe("Allowed");
    expect(await publish("cloudwatch.amazonaws.com", alarm.replace(env.accountId, "999999999999"), "true", "999999999999")).not.toBe("Allowed");
    expect(await publish("budgets.amazonaws.com", budget, "true", "999999999999")).not.toBe("Allowed");
    expect(await publish("events.amazonaws.com", `arn:aws:events:${env.region}:${env.accountId}:rule/x`)).not.toBe("Allowed");
    expect(await publish("cloudwatch.amazonaws.com", alarm, "false")).toBe("ExplicitlyDenied");
  });

  it("lets those two services use the topic's key with the request AWS documents, no condition key in it (KMS refuses an encrypted publish otherwise)", async () => {
    // AWS's statement for services publishing to an encrypted topic names the service principal and
    // no condition (SNS Developer Guide, "Enable compatibility between event sources from AWS
    // services and encrypted topics", read 2026-12-07); nothing documents that SNS's KMS request on
    // their behalf carries aws:SourceAccount, so the request here carries none. Other accounts'
    // alarms and budgets are kept off the topic by its policy (the test above).
    const keyArn = `arn:aws:kms:${env.region}:${env.accountId}:key/alerts`;
    const use = (principal: string, action: string) => decide({ principal, action, resource: keyArn, identityPolicies: [], resourcePolicy: keyPolicy, context: {} }, env.accountId);
    for (const service of ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]) {
      expect(await use(service, "kms:GenerateDataKey")).toBe("Allowed");
      expect(await use(service, "kms:Decrypt")).toBe("Allowed");
      expect(await use(service, "kms:ScheduleKeyDeletion")).not.toBe("Allowed");
    }
    expect(await use("events.amazonaws.com", "kms:Decrypt")).not.toBe("Allowed");
  });

  it("is where every alarm (and its recovery) and both budget alerts go", () => {
    const alarms = resourcesOf(core, "aws_cloudwatch_metric_alarm").map(([, a]) => a as Body);
    expect(alarms.length).toBeGreaterThan(8);
    for (const alarm of alarms) expect({ name: alarm.alarm_name, alarm: alarm.alarm_actions, ok: alarm.ok_actions }).toEqual({ name: alarm.alarm_name, alarm: [topicRef], ok: [topicRef] });
    const [[, budget]] = resourcesOf(core, "aws_budgets_budget") as [[string, Body]];
    for (const notification of budget.notification) expect(notification.subscriber_sns_topic_arns).toEqual([topicRef]);
  });
});

describe("alarms", () => {
  const alarmsOf = (name: string) => Object.fromEntries(resourcesOf(synthStack(built, name), "aws_cloudwatch_metric_alarm").map(([, a]) => [(a as Body).alarm_name as string, a as Body]));

  it("replica lag fires at the recovery point objective (DR's cross-region replica, prod's replicas)", () => {
    const lagging = (name: string) => Object.values(alarmsOf(name)).filter((a) => a.metric_name === "ReplicaLag");
    expect(lagging("dr").map((a) => a.dimensions.DBInstanceIdentifier)).toEqual(["pipeops-dr"]);
    expect(lagging("prod")).toHaveLength(2);
    for (const alarm of [...lagging("dr"), ...lagging("prod")]) {
      expect(alarm).toMatchObject({ namespace: "AWS/RDS", statistic: "Maximum", period: 60, comparison_operator: "GreaterThanThreshold" });
      expect(alarm.threshold).toBeLessThanOrEqual(RECOVERY_OBJECTIVES.rpoSeconds.min);
    }
  });

  it("watch the EKS control plane: 5xx share of API requests, and pods left unscheduled", () => {
    const alarms = alarmsOf("prod");
    const errors = alarms["pipeops-prod-eks-api-server-5xx"]!;
    expect(errors.metric_query.find((q: Body) => q.return_data).expression).toBe("100 * errors / requests");
    const clusterName = expect.stringMatching(/^\$\{aws_eks_cluster\.[^.]+\.name\}$/);
    expect(errors.metric_query.filter((q: Body) => !q.return_data).map((q: Body) => [q.metric.namespace, q.metric.metric_name, q.metric.stat, q.metric.period, q.metric.dimensions.ClusterName])).toEqual([
      ["AWS/EKS", "apiserver_request_total_5XX", "Sum", 60, clusterName],
      ["AWS/EKS", "apiserver_request_total", "Sum", 60, clusterName],
    ]);
    expect(alarms["pipeops-prod-eks-pending-pods"]).toMatchObject({ namespace: "AWS/EKS", metric_name: "scheduler_pending_pods", dimensions: { ClusterName: clusterName }, threshold: 0, evaluation_periods: 15 });
  });

  it("watch every NAT gateway for port allocation errors and dropped packets", () => {
    for (const [name, gateways] of [["prod", 3], ["dr", 3], ["dev", 1]] as const) {
      const nat = Object.values(alarmsOf(name)).filter((a) => a.namespace === "AWS/NATGateway");
      expect(nat.map((a) => a.metric_name).sort(), name).toEqual([...Array(gateways).fill("ErrorPortAllocation"), ...Array(gateways).fill("PacketsDropCount")]);
      expect(new Set(nat.map((a) => a.dimensions.NatGatewayId)).size, name).toBe(gateways);
      for (const alarm of nat) expect(alarm).toMatchObject({ statistic: "Sum", threshold: 0, treat_missing_data: "notBreaching" });
    }
  });

  it("watch the load balancers Kubernetes makes (unknown to Terraform) through Metrics Insights queries", () => {
    const queries = Object.values(alarmsOf("prod")).filter((a) => a.metric_query?.length === 1).map((a) => a.metric_query[0].expression as string);
    expect(queries).toEqual([
      'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
      'SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
      'SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)',
    ]);
    for (const alarm of Object.values(alarmsOf("prod")).filter((a) => a.metric_query?.length === 1)) expect(alarm.metric_query[0]).toMatchObject({ period: 60, return_data: true });
  });
});

describe("alert receivers in config", () => {
  const without = (env: EnvironmentInput) => ({ ...structuredClone(env), alerts: { emails: [], httpsEndpoints: [] } });

  it("are required in production and DR, optional in dev and staging", () => {
    expect(messages(without(prod))).toMatch(/alerts: .*no receiver: the production alert topic .* would reach nobody\. Fix: /);
    expect(messages(without(dr))).toMatch(/alerts: .*no receiver: the disaster-recovery alert topic/);
    expect(messages(without(dev))).toBe("");
    expect(messages(without(staging))).toBe("");
  });

  it("are checked: an e-mail must be one, an endpoint must be https:// without credentials", () => {
    expect(messages({ ...structuredClone(dev), alerts: { emails: ["not-an-address"] } })).toMatch(/alerts\.emails\[0\]: .*is not an e-mail address/);
    expect(messages({ ...structuredClone(dev), alerts: { httpsEndpoints: ["http://hooks.example.com/x"] } })).toMatch(/alerts\.httpsEndpoints\[0\]: "http:\/\/hooks\.example\.com\/x" is not an https:\/\/ URL without credentials/);
    const withCredential = messages({ ...structuredClone(dev), alerts: { httpsEndpoints: ["https://user:pass@hooks.example.com/x"] } });
    expect(withCredential).toMatch(/alerts\.httpsEndpoints\[0\]: a credential was found in the URL \(https:\/\/\[redacted\]@hooks\.example\.com\/x\).*Fix: remove it from the URL and revoke it/);
    expect(withCredential).not.toMatch(/user:pass/);
  });

  it("subscribe HTTPS endpoints too", () => {
    const custom = buildTestApp(AWS, [{ ...structuredClone(dev), alerts: { emails: [], httpsEndpoints: ["https://hooks.example.com/alerts"] } }]);
    expect(resourcesOf(synthStack(custom, "dev"), "aws_sns_topic_subscription").map(([, s]) => [(s as Body).protocol, (s as Body).endpoint])).toEqual([["https", "https://hooks.example.com/alerts"]]);
  });
});

describe("Alertmanager sends every alert to the topic", () => {
  const core = synthStack(built, "prod");
  const platform = synthStack(built, "prod-platform");
  const env = built.environments.find((e) => e.name === "prod")!;
  const where = { accountId: env.accountId, region: env.region };
  const release = resourcesOf(platform, "helm_release").map(([, r]) => r as Body).find((r) => r.chart === "kube-prometheus-stack")!;
  const alertmanager = JSON.parse(release.values[0]).alertmanager as Body;
  const topicArn = `arn:aws:sns:${env.region}:${env.accountId}:pipeops-prod-alerts`;

  it("routes everything but the Watchdog heartbeat and InfoInhibitor to the topic from the core stack, signed for its region", () => {
    expect(alertmanager.config.route).toMatchObject({ receiver: "alert-topic", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }, { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] }] });
    const receiver = alertmanager.config.receivers.find((r: Body) => r.name === "alert-topic");
    expect(receiver.sns_configs).toEqual([expect.objectContaining({ topic_arn: expect.stringMatching(/alert_topic_arn/), sigv4: { region: "us-west-2" }, send_resolved: true })]);
    expect(alertmanager.config.receivers.map((r: Body) => r.name)).toEqual(["null", "alert-topic"]);
  });

  it("as its own service account, bound to a role that may publish to that topic only", async () => {
    expect(alertmanager.serviceAccount).toEqual({ create: true, name: "alertmanager", annotations: { "eks.amazonaws.com/role-arn": expect.stringMatching(/alertmanager_role_arn/) } });
    const [roleId, role] = Object.entries(core.json.resource!.aws_iam_role!).find(([, r]) => (r as Body).name === "pipeops-prod-alertmanager") as [string, Body];
    const [, trust] = Object.entries(core.json.data!.aws_iam_policy_document!).find(([id]) => id.startsWith("platform-roles_alertmanager_trust"))!;
    expect(JSON.stringify(trust.statement)).toContain('"values":["system:serviceaccount:monitoring:alertmanager"]');
    expect(role.permissions_boundary).toBeDefined();
    const permissions = policyDocument(core, "platform-roles_alertmanager-policy", where);
    const roleArn = `arn:aws:iam::${env.accountId}:role/pipeops-prod-alertmanager`;
    // KMS needs its key policy too: the alert key's delegates to IAM (the account root statement).
    const keyPolicy = policyDocument(core, "alerts_key_policy", where);
    const can = (action: string, resource: string, context: Record<string, string> = {}) =>
      decide({ principal: roleArn, action, resource, identityPolicies: [permissions], resourcePolicy: action.startsWith("kms:") ? keyPolicy : undefined, context }, env.accountId);
    expect(await can("sns:Publish", topicArn)).toBe("Allowed");
    expect(await can("sns:Publish", `arn:aws:sns:${env.region}:${env.accountId}:someone-elses`)).toBe("ImplicitlyDenied");
    expect(await can("sns:Subscribe", topicArn)).toBe("ImplicitlyDenied");
    const [keyId] = resourcesOf(core, "aws_kms_key").find(([id]) => id.startsWith("alerts_key"))!;
    const keyArn = `arn:aws:kms:${env.region}:${env.accountId}:key/${keyId}`;
    expect(await can("kms:GenerateDataKey", keyArn, { "kms:ViaService": "sns.us-west-2.amazonaws.com" })).toBe("Allowed");
    expect(await can("kms:Decrypt", keyArn, { "kms:ViaService": "s3.us-west-2.amazonaws.com" })).toBe("ImplicitlyDenied");
    expect(role.assume_role_policy).toContain("platform-roles_alertmanager_trust");
    expect(roleId).toMatch(/alertmanager/);
  });
});
