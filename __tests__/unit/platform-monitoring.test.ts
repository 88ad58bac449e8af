/**
 * The platform watches itself: every component has a scrape target (a ServiceMonitor
 * kube-prometheus-stack renders, selecting the metrics Service the component's chart opens) and
 * at least one alert rule, each rule on a metric read in the component's source at its pinned
 * version (modules/platform/platform-alerts.ts), and every alert reaches the environment's topic.
 * Read back from the synthesized Helm values.
 */
import { describe, expect, it } from "vitest";
import { AWS, resourcesOf, sharedTestApp, synthStack } from "../support/synth";
import { isObjectsRelease } from "../../modules/platform/objects-release";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const built = sharedTestApp(AWS);

/** Each metric the rules use, where it was read (2026-12-07). */
const VERIFIED_METRICS: Record<string, string> = {
  argocd_app_info: "argoproj/argo-cd v3.4.4 controller/metrics/metrics.go",
  argocd_app_sync_total: "argoproj/argo-cd v3.4.4 controller/metrics/metrics.go",
  kyverno_policy_results_total: "kyverno/kyverno v1.19.0 pkg/metrics/policy_engine.go (OpenTelemetry counter kyverno_policy_results, _total in Prometheus)",
  externalsecret_status_condition: "external-secrets/external-secrets v2.9.0 pkg/controllers/externalsecret/esmetrics/esmetrics.go",
  external_dns_controller_last_sync_timestamp_seconds: "kubernetes-sigs/external-dns v0.21.0 controller/metrics.go",
  kube_deployment_status_replicas_available: "kubernetes/kube-state-metrics v2.20.0 internal/store/deployment.go",
};

/** PromQL words that are not metric names. */
const PROMQL = new Set(["sum", "by", "increase", "time", "or", "and", "rate", "absent"]);

/** Names in an expression that are not PromQL functions, keywords or label names, and not verified metrics. */
function unverifiedMetrics(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, "{}").replace(/by \([^)]*\)/g, "").replace(/\[[^\]]*\]/g, "");
  return (withoutLabels.match(/[a-z_][a-z0-9_]*/g) ?? []).filter((word) => !PROMQL.has(word) && !(word in VERIFIED_METRICS));
}

describe("the metric names the rules may use", () => {
  it("refuses a name that was not read in a component's source", () => {
    expect(unverifiedMetrics('argocd_apps_info{sync_status!="Synced"} == 1')).toEqual(["argocd_apps_info"]);
    expect(unverifiedMetrics('sum by (name) (increase(argocd_app_sync_total{phase=~"Error|Failed"}[15m])) > 0')).toEqual([]);
  });
});

describe.each(built.environments.map((env) => [env.name, env] as const))("%s: the platform is monitored", (name, env) => {
  const stack = synthStack(built, `${name}-platform`);
  // The charts' releases; the repository's objects chart carries the platform's own objects (Kyverno's rules among them).
  const releases = Object.fromEntries(resourcesOf(stack, "helm_release").filter(([, r]) => !isObjectsRelease(r as Body)).map(([id, r]) => [(r as Body).name as string, { id, body: r as Body, values: JSON.parse((r as Body).values[0]) as Body }]));
  const values = (release: string) => releases[release]!.values;
  const withDns = Boolean(env.dns);

  const monitors = () => values("kube-prometheus-stack").prometheus.additionalServiceMonitors as Body[];
  const rules = () => (values("kube-prometheus-stack").additionalPrometheusRulesMap.platform.groups as Body[]).flatMap((g) => g.rules) as Body[];

  it("gives every component a scrape target: a ServiceMonitor on the metrics Service its chart opens, selected as the chart's own template would", () => {
    const byName = Object.fromEntries(monitors().map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(["argocd-application-controller", "argocd-repo-server", "argocd-server", "external-secrets", ...(withDns ? ["external-dns"] : []), "kyverno", "metrics-server"].sort());
    for (const component of ["controller", "server", "repoServer"]) expect(values("argo-cd")[component].metrics, component).toEqual({ enabled: true });
    expect(byName["argocd-application-controller"]).toMatchObject({ namespaceSelector: { matchNames: ["argocd"] }, selector: { matchLabels: { "app.kubernetes.io/name": "argo-cd-metrics", "app.kubernetes.io/instance": "argo-cd", "app.kubernetes.io/component": "application-controller" } }, endpoints: [{ port: "http-metrics" }] });
    expect(byName.kyverno).toMatchObject({ namespaceSelector: { matchNames: ["kyverno"] }, selector: { matchLabels: { "app.kubernetes.io/part-of": "kyverno", "app.kubernetes.io/instance": "kyverno" } }, endpoints: [{ port: "metrics-port" }] });
    expect(values("external-secrets").metrics).toEqual({ service: { enabled: true } });
    expect(byName["external-secrets"]).toMatchObject({ namespaceSelector: { matchNames: ["external-secrets"] }, selector: { matchLabels: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/instance": "external-secrets" } }, endpoints: [{ port: "metrics" }] });
    expect(values("metrics-server").metrics).toEqual({ enabled: true });
    expect(byName["metrics-server"]).toMatchObject({ namespaceSelector: { matchNames: ["kube-system"] }, endpoints: [{ port: "https", scheme: "https" }] });
    if (withDns) expect(byName["external-dns"]).toMatchObject({ namespaceSelector: { matchNames: ["external-dns"] }, endpoints: [{ port: "http" }] });
  });

  it("needs no chart to wait for the Prometheus operator's CRDs: no chart renders a ServiceMonitor or PrometheusRule of its own", () => {
    expect(JSON.stringify(Object.entries(releases).filter(([release]) => release !== "kube-prometheus-stack").map(([, r]) => r.values))).not.toMatch(/serviceMonitor|prometheusRule|"rules"/);
    const monitoring = `helm_release.${releases["kube-prometheus-stack"]!.id}`;
    for (const release of ["argo-cd", "kyverno", "metrics-server", "external-secrets"]) expect(releases[release]!.body.depends_on ?? [], release).not.toContain(monitoring);
  });

  it("has at least one alert rule for every component, each on verified metrics", () => {
    for (const rule of rules()) {
      expect(unverifiedMetrics(rule.expr), rule.alert).toEqual([]);
      expect(["warning", "critical"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(10);
    }
    const about = (pattern: RegExp) => rules().filter((r) => pattern.test(r.expr)).map((r) => r.alert);
    expect(about(/argocd_app_info\{sync_status!="Synced"\}/)).toEqual(["ArgoCdApplicationOutOfSync"]);
    expect(about(/argocd_app_info\{health_status=~"Degraded\|Missing"\}/)).toEqual(["ArgoCdApplicationUnhealthy"]);
    expect(about(/argocd_app_sync_total\{phase=~"Error\|Failed"\}/)).toEqual(["ArgoCdSyncFailed"]);
    expect(about(/externalsecret_status_condition\{condition="Ready", status="False"\}/)).toEqual(["ExternalSecretNotReady"]);
    expect(about(/kyverno_policy_results_total\{rule_result="error", rule_execution_cause="admission_request"\}/)).toEqual(["KyvernoAdmissionErrors"]);
    expect(about(/deployment="kyverno-admission-controller"/)).toEqual(["PlatformWebhookDown"]);
    expect(about(/deployment="external-secrets-webhook"/)).toEqual(["PlatformWebhookDown"]);
    expect(about(/namespace="kube-system", deployment="metrics-server"/)).toEqual(["MetricsServerUnavailable"]);
    expect(about(/external_dns_controller_last_sync_timestamp_seconds/)).toEqual(withDns ? ["ExternalDnsSyncStale"] : []);
  });

  it("routes every platform alert to the environment's topic (only Watchdog and InfoInhibitor go nowhere)", () => {
    const { route, receivers } = values("kube-prometheus-stack").alertmanager.config;
    expect(route.receiver).toBe("alert-topic");
    expect(route.routes.map((r: Body) => r.matchers)).toEqual([['alertname = "Watchdog"'], ['alertname = "InfoInhibitor"']]);
    expect(receivers.find((r: Body) => r.name === "alert-topic").sns_configs[0].topic_arn).toContain("alert_topic_arn");
  });
});
