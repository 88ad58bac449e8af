/**
 * Every Helm release the platform installs: the release name and the namespace it goes into. What
 * chart, from which repository and at which version comes from the caller (the project's versions
 * catalog), so this module holds no version.
 */
export interface ReleaseSpec {
  /** Helm release name (also the prefix of most objects the chart creates). */
  readonly releaseName: string;
  readonly namespace: string;
}

/** A chart to install: name, Helm repository URL and exact version (never a range). */
export interface ChartRef {
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
}

export const CHARTS = {
  /** https://github.com/argoproj/argo-helm/tree/main/charts/argo-cd */
  argoCd: { releaseName: "argo-cd", namespace: "argocd" },
  /** https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack */
  kubePrometheusStack: { releaseName: "kube-prometheus-stack", namespace: "monitoring" },
  /** https://github.com/external-secrets/external-secrets/tree/main/deploy/charts/external-secrets */
  externalSecrets: { releaseName: "external-secrets", namespace: "external-secrets" },
  /** https://github.com/aws/eks-charts/tree/master/stable/aws-load-balancer-controller */
  awsLoadBalancerController: { releaseName: "aws-load-balancer-controller", namespace: "kube-system" },
  /** https://github.com/kubernetes-sigs/metrics-server/tree/master/charts/metrics-server */
  metricsServer: { releaseName: "metrics-server", namespace: "kube-system" },
  /** https://github.com/kyverno/kyverno/tree/main/charts/kyverno */
  kyverno: { releaseName: "kyverno", namespace: "kyverno" },
  /** https://github.com/kubernetes-sigs/external-dns/tree/master/charts/external-dns */
  externalDns: { releaseName: "external-dns", namespace: "external-dns" },
} as const satisfies Record<string, ReleaseSpec>;

export type PlatformChart = keyof typeof CHARTS;

/** Where kube-prometheus-stack's node exporter runs: apart, since its pods need the host's namespaces. */
export const NODE_EXPORTER_NAMESPACE = "monitoring-node";

/** Every namespace the platform creates. */
export const PLATFORM_NAMESPACES = [...new Set([...Object.values(CHARTS).map((c) => c.namespace), NODE_EXPORTER_NAMESPACE])].filter((n) => n !== "kube-system");

/**
 * The Kubernetes service accounts that assume IAM roles through IRSA. The core stack's role trust
 * policies must name exactly these (`system:serviceaccount:<namespace>:<name>`), so both sides read
 * them from here.
 */
export const IRSA_SERVICE_ACCOUNTS = {
  externalSecrets: { namespace: CHARTS.externalSecrets.namespace, name: "external-secrets" },
  awsLoadBalancerController: { namespace: CHARTS.awsLoadBalancerController.namespace, name: "aws-load-balancer-controller" },
  /** Set explicitly (the chart's default is `<fullname>-alertmanager`): it publishes to the alert topic. */
  alertmanager: { namespace: CHARTS.kubePrometheusStack.namespace, name: "alertmanager" },
  externalDns: { namespace: CHARTS.externalDns.namespace, name: "external-dns" },
} as const;

/** In each namespace that reads Secrets Manager: the service account its SecretStore authenticates as (IRSA). */
export const SECRET_READER_SERVICE_ACCOUNT = "secrets-reader";

/** The annotation that binds a service account to an IAM role (IRSA). */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

