import { CHARTS } from "./charts";

/**
 * Alert rules that watch the platform itself, and where each is rendered: inside the chart that
 * ships a PrometheusRule template (argo-cd `controller.metrics.rules`, kyverno `prometheusRule`),
 * otherwise in kube-prometheus-stack's `additionalPrometheusRulesMap`. Every alert goes where all
 * the others go: Alertmanager's default route, the environment's SNS topic (values.ts
 * `alertmanagerConfig`). Each metric name was read in its component's source at the pinned version
 * (2026-12-07):
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

/** Argo CD: an application out of sync or unhealthy, or a sync that failed (argo-cd chart `controller.metrics.rules.spec`). */
export const ARGOCD_RULES: readonly AlertRule[] = [
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

/** Kyverno: rules that error at admission, which block or let through pods without a verdict (kyverno chart `prometheusRule.spec`). */
export const KYVERNO_RULE_GROUPS: readonly RuleGroup[] = [
  {
    name: "kyverno.admission",
    rules: [
      {
        alert: "KyvernoAdmissionErrors",
        expr: 'sum by (policy_name, rule_name) (increase(kyverno_policy_results_total{rule_result="error", rule_execution_cause="admission_request"}[10m])) > 0',
        for: "0m",
        labels: { severity: "warning" },
        annotations: { summary: "Kyverno rule {{ $labels.policy_name }}/{{ $labels.rule_name }} errors at admission", description: "The rule could not be evaluated for admission requests in the last 10 minutes." },
      },
    ],
  },
];

/** The Deployment serving each admission webhook of the platform: none available means the API server's calls fail. */
export const WEBHOOK_DEPLOYMENTS = [
  { namespace: CHARTS.kyverno.namespace, deployment: "kyverno-admission-controller" },
  { namespace: CHARTS.externalSecrets.namespace, deployment: "external-secrets-webhook" },
  { namespace: CHARTS.kubePrometheusStack.namespace, deployment: "kube-prometheus-stack-operator" },
] as const;

const unavailable = (namespace: string, deployment: string) => `kube_deployment_status_replicas_available{namespace="${namespace}", deployment="${deployment}"} == 0`;

/** Rendered by kube-prometheus-stack (`additionalPrometheusRulesMap`): External Secrets, external-dns, metrics-server, the webhooks. */
export function platformRuleGroups(options: { readonly externalDns: boolean }): RuleGroup[] {
  return [
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

/**
 * External Secrets' controller metrics, scraped through a ServiceMonitor kube-prometheus-stack
 * renders (`prometheus.additionalServiceMonitors`): the operator is installed before the monitoring
 * stack (Grafana's admin secret comes through it), so its own chart's ServiceMonitor would find no
 * CRD and be skipped (external-secrets 2.9.0 `serviceMonitor.renderMode: skipIfMissing`). Selector
 * and port as the chart's metrics Service (templates/service.yaml, `external-secrets.selectorLabels`).
 */
export const EXTERNAL_SECRETS_SERVICE_MONITOR = {
  name: "external-secrets",
  namespaceSelector: { matchNames: [CHARTS.externalSecrets.namespace] },
  selector: { matchLabels: { "app.kubernetes.io/name": "external-secrets", "app.kubernetes.io/instance": CHARTS.externalSecrets.releaseName } },
  endpoints: [{ port: "metrics", interval: "30s" }],
} as const;
