/**
 * DNS and failover: the zone stack (zone, health check on the primary's regional hostname and its
 * alarm) and the global stack (a certificate per region, validated after the delegation) in the
 * standby's state, the core stacks that look their region's
 * certificate up and give external-dns a role that writes names of the zone only, and the
 * platform's external-dns and default HTTPS IngressClass.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AWS, buildTestApp, manifestsOf, resourcesOf, sharedTestApp, synthStack, writtenSharedApp } from "../support/synth";
import { decide, policyDocument } from "../support/iam-policies";
import { checkEnvironment, validateEnvironments } from "../../src/config/validate";
import { ALB_TLS_POLICY } from "../../modules/platform/ingress";
import { HEALTH_CHECK_TIMING } from "../../modules/dns/primary-health-check";
import { CHART_SOURCES } from "../../src/config/versions";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";
import type { EnvironmentInput } from "../../src/config/types";

type Body = Record<string, any>;
const built = sharedTestApp(AWS);
const zone = synthStack(built, "dr-zone");
const global = synthStack(built, "dr-global");
const only = (stack: typeof global, type: string) => {
  const found = resourcesOf(stack, type);
  expect(found, type).toHaveLength(1);
  return found[0]![1] as Body;
};
const manifest = () => JSON.parse(readFileSync(join(writtenSharedApp(AWS), "manifest.json"), "utf8")) as { stacks: Record<string, { dependencies?: string[] }> };

describe("the zone stack (dr-zone), the first DNS step of a fresh account", () => {
  it("creates the zone production and DR share, and ends with its name servers for the parent's delegation", () => {
    expect(only(zone, "aws_route53_zone")).toMatchObject({ name: "pipeops.example.com" });
    expect(zone.json.output!.name_servers!.value).toMatch(/aws_route53_zone\..*\.name_servers/);
    expect(Object.keys(zone.json.output!).sort()).toEqual(["name_servers", "primary_health_check_id", "zone_id", "zone_name"]);
  });

  it("waits on nothing: no certificate, no validation, and no stack before it", () => {
    expect(resourcesOf(zone, "aws_acm_certificate_validation")).toEqual([]);
    expect(resourcesOf(zone, "aws_acm_certificate")).toEqual([]);
    expect(manifest().stacks["dr-zone"]!.dependencies ?? []).toEqual([]);
  });

  it("health-checks the primary's own regional hostname over HTTPS with SNI, never the failover name", () => {
    expect(only(zone, "aws_route53_health_check")).toMatchObject({
      type: "HTTPS",
      fqdn: "prod.pipeops.example.com",
      port: 443,
      resource_path: "/healthz",
      enable_sni: true,
      request_interval: HEALTH_CHECK_TIMING.requestIntervalSeconds,
      failure_threshold: HEALTH_CHECK_TIMING.failureThreshold,
    });
  });

  it("alarms, when the health check fails and when no data arrives, to a topic the same apply creates, with DR's receivers", () => {
    const [[topicId, topic]] = resourcesOf(zone, "aws_sns_topic") as [[string, Body]];
    expect(topic.name).toBe("pipeops-dr-dns-alerts");
    expect(only(zone, "aws_cloudwatch_metric_alarm")).toMatchObject({
      namespace: "AWS/Route53",
      metric_name: "HealthCheckStatus",
      statistic: "Minimum",
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
      alarm_actions: [`\${aws_sns_topic.${topicId}.arn}`],
      ok_actions: [`\${aws_sns_topic.${topicId}.arn}`],
    });
    const receivers = resourcesOf(zone, "aws_sns_topic_subscription").map(([, s]) => (s as Body).endpoint);
    expect(receivers).toEqual(built.environments.find((e) => e.name === "dr")!.alerts.emails);
    // Route 53 publishes health-check metrics in us-east-1: the stack's own provider, and its only one.
    expect(zone.json.provider!.aws!.map((p) => p.region)).toEqual(["us-east-1"]);
  });
});

describe("the global stack (dr-global): the certificates, after the delegation", () => {
  it("issues a certificate of the zone and its wildcard in each region, validated through one record per region, keyed by what is known when planning", () => {
    const certificates = resourcesOf(global, "aws_acm_certificate").map(([, c]) => c as Body);
    expect(certificates.map((c) => c.provider).sort()).toEqual(["aws", "aws.primary_region"]);
    expect(global.json.provider!.aws!.find((p) => p.alias === "primary_region")!.region).toBe("us-west-2");
    for (const c of certificates) expect(c).toMatchObject({ domain_name: "pipeops.example.com", subject_alternative_names: ["*.pipeops.example.com"], validation_method: "DNS", lifecycle: { create_before_destroy: true } });
    const records = only(global, "aws_route53_record");
    // Keys known at plan time (the regions); the record names are not (Terraform refuses unknown for_each keys).
    expect(records.for_each).toMatch(/^\$\{\{ "us-west-2" = \[for option in aws_acm_certificate\.[^ ]+\.domain_validation_options : option if option\.domain_name == "pipeops\.example\.com"\]\[0\], "us-east-1" = \[for option in aws_acm_certificate\.[^ ]+\.domain_validation_options : option if option\.domain_name == "pipeops\.example\.com"\]\[0\] \}\}$/);
    expect(records).toMatchObject({ name: "${each.value.resource_record_name}", records: ["${each.value.resource_record_value}"], ttl: 60, allow_overwrite: true });
    const validations = resourcesOf(global, "aws_acm_certificate_validation").map(([, v]) => v as Body);
    expect(validations).toHaveLength(2);
    for (const v of validations) expect(v.validation_record_fqdns).toMatch(/^\$\{\[for record in aws_route53_record\.[^ ]+ : record\.fqdn\]\}$/);
    expect(Object.keys(global.json.output!).sort()).toEqual(["certificate_arns"]);
  });

  it("validates through the zone it looks up by name (the zone stack made it), never one it creates", () => {
    expect(resourcesOf(global, "aws_route53_zone")).toEqual([]);
    const [[lookupId, lookup]] = Object.entries(global.json.data!.aws_route53_zone!) as [[string, Body]];
    expect(lookup).toMatchObject({ name: "pipeops.example.com", private_zone: false });
    expect(only(global, "aws_route53_record").zone_id).toBe(`\${data.aws_route53_zone.${lookupId}.zone_id}`);
  });

  it("deploys after the zone stack, and before the prod and DR core stacks, which look its certificates up", () => {
    const stacks = manifest().stacks;
    expect(stacks["dr-global"]!.dependencies).toEqual(["dr-zone"]);
    expect(stacks.prod!.dependencies).toContain("dr-global");
    expect(stacks.dr!.dependencies).toContain("dr-global");
    expect(Object.keys(stacks)).not.toContain("prod-global");
    expect(Object.keys(stacks)).not.toContain("prod-zone");
  });

  it("looks an existing zone up by name in the zone stack too, instead of creating one", () => {
    const existing = (env: EnvironmentInput): EnvironmentInput => ({ ...structuredClone(env), dns: { zoneName: "pipeops.example.com", zone: "existing" } });
    const custom = buildTestApp(AWS, [existing(prod), existing(dr)]);
    for (const name of ["dr-zone", "dr-global"]) {
      const stack = synthStack(custom, name);
      expect(resourcesOf(stack, "aws_route53_zone"), name).toEqual([]);
      expect(Object.values(stack.json.data!.aws_route53_zone!), name).toEqual([expect.objectContaining({ name: "pipeops.example.com", private_zone: false })]);
    }
  });
});

describe.each(["prod", "dr"])("%s with the failover zone", (name) => {
  const core = synthStack(built, name);
  const platform = synthStack(built, `${name}-platform`);
  const env = built.environments.find((e) => e.name === name)!;
  const where = { accountId: env.accountId, region: env.region };

  it("looks up its region's issued certificate of the zone and publishes it", () => {
    expect(Object.values(core.json.data!.aws_acm_certificate!)).toEqual([expect.objectContaining({ domain: "pipeops.example.com", statuses: ["ISSUED"], types: ["AMAZON_ISSUED"], most_recent: true })]);
    expect(core.json.output!.certificate_arn!.value).toMatch(/data\.aws_acm_certificate\..*\.arn/);
  });

  it("gives external-dns a role that may change records named in the zone only", async () => {
    const permissions = policyDocument(core, "platform-roles_external-dns-policy", where);
    const roleArn = `arn:aws:iam::${env.accountId}:role/pipeops-${name}-external-dns`;
    const zone = "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ";
    const change = (names: string[]) => decide({ principal: roleArn, action: "route53:ChangeResourceRecordSets", resource: zone, identityPolicies: [permissions], context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names } }, env.accountId);
    expect(await change(["app.pipeops.example.com", "a-app.pipeops.example.com"])).toBe("Allowed");
    expect(await change(["pipeops.example.com"])).toBe("Allowed");
    expect(await change(["app.pipeops.example.com", "www.another.example"])).toBe("ImplicitlyDenied");
    expect(await change(["pipeops.example.com.evil.example"])).toBe("ImplicitlyDenied");
    const can = (action: string, resource: string) => decide({ principal: roleArn, action, resource, identityPolicies: [permissions] }, env.accountId);
    expect(await can("route53:ListHostedZones", "*")).toBe("Allowed");
    expect(await can("route53:ListResourceRecordSets", zone)).toBe("Allowed");
    expect(await can("route53:DeleteHostedZone", zone)).toBe("ImplicitlyDenied");
    expect(await can("route53:CreateHealthCheck", "*")).toBe("ImplicitlyDenied");
  });

  it("installs external-dns at the catalog's version, writing the zone only, as this cluster's owner", () => {
    const release = resourcesOf(platform, "helm_release").map(([, r]) => r as Body).find((r) => r.chart === "external-dns")!;
    expect(release).toMatchObject({ repository: CHART_SOURCES.externalDns.repository, version: CHART_SOURCES.externalDns.version, namespace: expect.stringMatching(/external-dns/) });
    const values = JSON.parse(release.values[0]) as Body;
    expect(values).toMatchObject({ provider: { name: "aws" }, sources: ["ingress", "service"], domainFilters: ["pipeops.example.com"], policy: "sync", registry: "txt", extraArgs: { "aws-zone-type": "public" } });
    expect(values.txtOwnerId).toMatch(/cluster_name/);
    expect(values.serviceAccount).toEqual({ create: true, name: "external-dns", annotations: { "eks.amazonaws.com/role-arn": expect.stringMatching(/external_dns_role_arn/) }, });
    expect(values.resources).toEqual({ requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } });
  });

  it("makes HTTPS the default: one internet-facing ALB per cluster with the region's certificate and the current TLS policy, HTTP redirected", () => {
    const [params] = manifestsOf(platform, "IngressClassParams");
    expect(params).toMatchObject({ apiVersion: "eks.amazonaws.com/v1", metadata: { name: "alb" }, spec: { scheme: "internet-facing", sslPolicy: ALB_TLS_POLICY, certificateARNs: [expect.stringMatching(/certificate_arn/)] } });
    expect(params!.spec.group.name).toMatch(/cluster_name/);
    const [ingressClass] = manifestsOf(platform, "IngressClass");
    expect(ingressClass).toMatchObject({ metadata: { name: "alb", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }, spec: { controller: "eks.amazonaws.com/alb", parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: "alb" } } });
    const redirect = manifestsOf(platform, "ClusterPolicy").find((p) => p.metadata.name === "ingress-https-redirect")!;
    expect(redirect.spec.rules[0].mutate.patchStrategicMerge.metadata.annotations).toEqual({
      "+(alb.ingress.kubernetes.io/listen-ports)": '[{"HTTP": 80}, {"HTTPS": 443}]',
      "+(alb.ingress.kubernetes.io/ssl-redirect)": "443",
      // IP targets: the ALB calls pods from the public subnets, which the application namespaces admit.
      "+(alb.ingress.kubernetes.io/target-type)": "ip",
    });
    expect(redirect.spec.rules[0].preconditions.any[0].value).toEqual(["", "alb"]);
  });
});

describe("without a zone (dev, staging)", () => {
  it("has no certificate lookup, external-dns, IngressClass or global stack of its own", () => {
    for (const name of ["dev", "staging"]) {
      expect(synthStack(built, name).json.data?.aws_acm_certificate, name).toBeUndefined();
      expect(resourcesOf(synthStack(built, `${name}-platform`), "helm_release").map(([, r]) => (r as Body).chart), name).not.toContain("external-dns");
      expect(manifestsOf(synthStack(built, `${name}-platform`), "IngressClass"), name).toEqual([]);
    }
    expect(built.app.node.children.map((c) => c.node.id).filter((id) => id.endsWith("-global") || id.endsWith("-zone"))).toEqual(["dr-zone", "dr-global"]);
  });
});

describe("DNS config", () => {
  const messages = (env: EnvironmentInput) => checkEnvironment(env).issues.map((i) => `${i.path}: ${i.message}`).join("\n");
  const crossIssues = (envs: EnvironmentInput[]) => {
    try {
      validateEnvironments(envs, () => []);
      return "";
    } catch (error) {
      return String(error);
    }
  };

  it("refuses a zone name that is not a DNS name, and a relative health-check path", () => {
    expect(messages({ ...structuredClone(prod), dns: { zoneName: "Pipeops.Example.com." } })).toMatch(/dns\.zoneName: .*is not a lower-case DNS name/);
    expect(messages({ ...structuredClone(prod), dns: { zoneName: "pipeops.example.com", healthCheckPath: "healthz" } })).toMatch(/dns\.healthCheckPath: .*must be an absolute path/);
  });

  it("refuses a failover pair whose zones differ, or a standby outside us-east-1", () => {
    expect(crossIssues([dev, staging, prod, { ...structuredClone(dr), dns: { zoneName: "other.example.com" } }])).toMatch(/dr: dns: .* differs from prod's .*traffic fails over between the two only inside one zone/);
    expect(crossIssues([dev, staging, prod, { ...structuredClone(dr), dns: undefined }])).toMatch(/differs from prod's/);
    expect(crossIssues([dev, staging, prod, { ...structuredClone(dr), region: "us-east-2", network: { ...dr.network!, availabilityZones: ["us-east-2a", "us-east-2b", "us-east-2c"] } }])).toMatch(/us-east-2: Route 53 publishes the failover health check's metrics in us-east-1 only/);
  });
});
