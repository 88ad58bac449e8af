import { CHARTS } from "./charts";

/**
 * How Prometheus watches the platform itself: a ServiceMonitor per component and alert rules, all
 * rendered by kube-prometheus-stack from its values (`prometheus.additionalServiceMonitors`,
 * `additionalPrometheusRulesMap`), no separate custom resource. Not by each chart's own
 * ServiceMonitor or PrometheusRule values: those render only where the Prometheus operator's CRDs
 * already exist (argo-cd 10.1.1 checks `.Capabilities` and skips silently; kyverno 3.9.0,
 * external-dns 1.21.1 and metrics-server 3.13.1 fail; external-secrets 2.9.0 skips), and External
 * Secrets, Kyverno and Argo CD are installed before kube-prometheus-stack (Grafana's login comes
 * through External Secrets; the custom resources' first apply needs their CRDs first), so the
 * charts only open their metrics Services (values.ts) and each ServiceMonitor below selects that
 * Service as the chart's own template would. None of the charts ships rules of its own (argo-cd's
 * `controller.metrics.rules.spec` and kyverno's `prometheusRule.spec` are empty by default).
 *
 * Every alert goes where all the others go: Alertmanager's default route, the environment's SNS
 * topic (values.ts `alertmanagerConfig`). Each metric name was read in its component's source at
 * the pinned version (2026-12-07):
 *
 *  - `argocd_app_info` (labels sync_status, health_status) and `argocd_app_sync_total` (phase):
 *    argoproj/argo-cd tag v3.4.4 (the argo-cd 10.1.1 chart's appVersion), controller/metrics/metrics.go;
 *  - `kyverno_policy_results` (labels rule_result "error", rule_execution_cause "admission_request"),
 *    an OpenTelemetry counter, exported to Prometheus with the `_total` suffix: kyverno/kyverno tag
 *    v1.19.0, pkg/metrics/policy_engine.go and pkg/metrics/common_types.go;
 *  - `externalsecret_status_condition` (condition "Ready", status "False"): external-secrets/external-secrets
 *    tag v2.9.0, pkg/controllers/externalsecret/esmetrics/esmetrics.go;
 *  - `external_dns_controller_last_sync_timestamp_seconds`: kubernetes-sigs/external-dns tag v0.21.0,
 *    controller/metrics.go (namespace "external_dns", pkg/metrics/metrics.go);
 *  - `kube_deployment_status_replicas_available` (label deployment): kubernetes/kube-state-metrics
 *    tag v2.20.0 (kube-prometheus-stack 88.5.3's kube-state-metrics 8.4.0 appVersion), internal/store/deployment.go.
 */

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "warning" | "critical" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** Argo CD: an application out of sync or unhealthy, or a sync that failed. */
const ARGOCD_RULES: readonly AlertRule[] = [
  {
    alert: "ArgoCdApplicationOutOfSync",
    expr: 'argocd_app_info{sync_status!="Synced"} == 1',
    for: "30m",
    labels: { severity: "warning" },
    annotations: { summary: "Argo CD application {{ $labels.name }} is {{ $labels.sync_status }}", description: "The application has not matched Git for 30 minutes: a sync is failing or refused by its project." },
  },
  {
    alert: "ArgoCdApplicationUnhealthy",
    expr: 'argocd_app_info{health_status=~"Degraded|Missing"} == 1',
    for: "15m",
    labels: { severity: "critical" },
    annotations: { summary: "Argo CD application {{ $labels.name }} is {{ $labels.health_status }}", description: "Resources of the application in {{ $labels.dest_namespace }} are degraded or missing." },
  },
  {
    alert: "ArgoCdSyncFailed",
    expr: 'sum by (name) (increase(argocd_app_sync_total{phase=~"Error|Failed"}[15m])) > 0',
    for: "0m",
    labels: { severity: "warning" },
    annotations: { summary: "Argo CD could not sync {{ $labels.name }}", description: "A sync of the application ended in Error or Failed in the last 15 minutes." },
  },
];

/** Kyverno: rules that error at admission, which block or let through pods without a verdict. */
const KYVERNO_RULES: readonly AlertRule[] = [
      {
        alert: "KyvernoAdmissionErrors",
        expr: 'sum by (policy_name, rule_name) (increase(kyverno_policy_results_total{rule_result="error", rule_execution_cause="admission_request"}[10m])) > 0',
        for: "0m",
        labels: { severity: "warning" },
        annotations: { summary: "Kyverno rule {{ $labels.policy_name }}/{{ $labels.rule_name }} errors at admission", description: "The rule could not be evaluated for admission requests in the last 10 minutes." },
      },
];

/** The Deployment serving each admission webhook of the platform: none available means the API server's calls fail. */
export const WEBHOOK_DEPLOYMENTS = [
  { namespace: CHARTS.kyverno.namespace, deployment: "kyverno-admission-controller" },
  { namespace: CHARTS.externalSecrets.namespace, deployment: "external-secrets-webhook" },
  { namespace: CHARTS.kubePrometheusStack.namespace, deployment: "kube-prometheus-stack-operator" },
] as const;

const unavailable = (namespace: string, deployment: string) => `kube_deployment_status_replicas_available{namespace="${namespace}", deployment="${deployment}"} == 0`;

/** Every platform alert, by component (kube-prometheus-stack `additionalPrometheusRulesMap`). */
export function platformRuleGroups(options: { readonly externalDns: boolean }): RuleGroup[] {
  return [
    { name: "platform.argocd", rules: ARGOCD_RULES },
    { name: "platform.kyverno", rules: KYVERNO_RULES },
    {
      name: "platform.webhooks",
      rules: [
        {
          alert: "PlatformWebhookDown",
          expr: WEBHOOK_DEPLOYMENTS.map(({ namespace, deployment }) => unavailable(namespace, deployment)).join(" or "),
          for: "5m",
          labels: { severity: "critical" },
          annotations: { summary: "Admission webhook {{ $labels.namespace }}/{{ $labels.deployment }} has no available pod", description: "The API server cannot reach the webhook: with failurePolicy Fail, matching requests are refused." },
        },
      ],
    },
    {
      name: "platform.external-secrets",
      rules: [
        {
          alert: "ExternalSecretNotReady",
          expr: 'externalsecret_status_condition{condition="Ready", status="False"} == 1',
          for: "15m",
          labels: { severity: "warning" },
          annotations: { summary: "ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} cannot sync", description: "The secret has not been read from Secrets Manager for 15 minutes: check its SecretStore's role and the secret's path." },
        },
      ],
    },
    {
      name: "platform.metrics-server",
      rules: [
        {
          alert: "MetricsServerUnavailable",
          expr: unavailable("kube-system", CHARTS.metricsServer.releaseName),
          for: "10m",
          labels: { severity: "warning" },
          annotations: { summary: "metrics-server has no available pod", description: "The resource metrics API is down: HorizontalPodAutoscalers cannot scale and `kubectl top` fails." },
        },
      ],
    },
    ...(options.externalDns
      ? [
          {
            name: "platform.external-dns",
            rules: [
              {
                alert: "ExternalDnsSyncStale",
                expr: "time() - external_dns_controller_last_sync_timestamp_seconds > 900",
                for: "5m",
                labels: { severity: "warning" as const },
                annotations: { summary: "external-dns has not synced with Route 53 for 15 minutes", description: "Records of new or moved Ingresses are not being written." },
              },
            ],
          },
        ]
      : []),
  ];
}

export interface ServiceMonitorSpec {
  readonly name: string;
  readonly namespaceSelector: { readonly matchNames: readonly string[] };
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly endpoints: readonly Readonly<Record<string, unknown>>[];
}

const monitor = (name: string, namespace: string, matchLabels: Record<string, string>, endpoint: Record<string, unknown>): ServiceMonitorSpec => ({
  name,
  namespaceSelector: { matchNames: [namespace] },
  selector: { matchLabels },
  endpoints: [{ path: "/metrics", interval: "30s", ...endpoint }],
});

/**
 * A ServiceMonitor per component, each selecting the metrics Service its chart makes with the
 * labels and port the chart's own ServiceMonitor template uses (read at the pinned tags):
 * argo-cd 10.1.1 templates/argocd-{application-controller,server,repo-server}/servicemonitor.yaml
 * (`argo-cd.selectorLabels`, name "<chart>-metrics" or "<chart>-<component>-metrics", port
 * `http-metrics`); kyverno 3.9.0 templates/*-controller/servicemonitor.yaml (part-of and instance
 * `kyverno`, port `metrics-port`, one per controller, here one for all four); external-secrets
 * 2.9.0 templates/servicemonitor.yaml (`external-secrets.selectorLabels`, port `metrics`);
 * external-dns 1.21.1 templates/servicemonitor.yaml (`external-dns.selectorLabels`, port `http`);
 * metrics-server 3.13.1 templates/servicemonitor.yaml (`metrics-server.selectorLabels`, port `https`,
 * its serving certificate self-signed).
 */
export function platformServiceMonitors(options: { readonly externalDns: boolean }): ServiceMonitorSpec[] {
  const argo = CHARTS.argoCd;
  const argoComponent = (component: string, name: string) =>
    monitor(`argocd-${component}`, argo.namespace, { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": argo.releaseName, "app.kubernetes.io/component": component }, { port: "http-metrics" });
  return [
    argoComponent("application-controller", "argo-cd-metrics"),
    argoComponent("server", "argo-cd-server-metrics"),
    argoComponent("repo-server", "argo-cd-repo-server-metrics"),
    monitor("kyverno", CHARTS.kyverno.namespace, { "app.kubernetes.io/part-of": "kyverno", "app.kubernetes.io/instance": CHARTS.kyverno.releaseName }, { port: "metrics-port" }),
    monitor("external-secrets", CHARTS.externalSecrets.namespace, { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/instance": CHARTS.externalSecrets.releaseName }, { port: "metrics" }),
    ...(options.externalDns ? [monitor("external-dns", CHARTS.externalDns.namespace, { "app.kubernetes.io/name": "external-dns", "app.kubernetes.io/instance": CHARTS.externalDns.releaseName }, { port: "http" })] : []),
    monitor("metrics-server", CHARTS.metricsServer.namespace, { "app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": CHARTS.metricsServer.releaseName }, { port: "https", scheme: "https", tlsConfig: { insecureSkipVerify: true } }),
  ];
}
