/**
 * Every Helm chart the platform installs, in one place: name, repository, pinned version, the
 * namespace it goes into and the release name. Upgrade a chart here, read its upgrade notes first
 * (`helm show values <repo>/<chart> --version <new>` against the values built in values.ts).
 */
export interface ChartSpec {
  /** Helm release name (also the prefix of most objects the chart creates). */
  readonly releaseName: string;
  readonly chart: string;
  readonly repository: string;
  /** Exact chart version; never a range. */
  readonly version: string;
  readonly namespace: string;
}

export const CHARTS = {
  /** https://github.com/argoproj/argo-helm/tree/main/charts/argo-cd (Argo CD 3.x) */
  argoCd: {
    releaseName: "argo-cd",
    chart: "argo-cd",
    repository: "https://argoproj.github.io/argo-helm",
    version: "9.5.4",
    namespace: "argocd",
  },
  /** https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack */
  kubePrometheusStack: {
    releaseName: "kube-prometheus-stack",
    chart: "kube-prometheus-stack",
    repository: "https://prometheus-community.github.io/helm-charts",
    version: "93.3.1",
    namespace: "monitoring",
  },
  /** https://github.com/external-secrets/external-secrets/tree/main/deploy/charts/external-secrets */
  externalSecrets: {
    releaseName: "external-secrets",
    chart: "external-secrets",
    repository: "https://charts.external-secrets.io",
    version: "2.14.0",
    namespace: "external-secrets",
  },
  /** https://github.com/aws/eks-charts/tree/master/stable/aws-load-balancer-controller */
  awsLoadBalancerController: {
    releaseName: "aws-load-balancer-controller",
    chart: "aws-load-balancer-controller",
    repository: "https://aws.github.io/eks-charts",
    version: "3.6.0",
    namespace: "kube-system",
  },
} as const satisfies Record<string, ChartSpec>;

export type PlatformChart = keyof typeof CHARTS;

/**
 * The Kubernetes service accounts that assume IAM roles through IRSA. The core stack's role trust
 * policies must name exactly these (`system:serviceaccount:<namespace>:<name>`), so both sides read
 * them from here.
 */
export const IRSA_SERVICE_ACCOUNTS = {
  externalSecrets: { namespace: CHARTS.externalSecrets.namespace, name: "external-secrets" },
  awsLoadBalancerController: { namespace: CHARTS.awsLoadBalancerController.namespace, name: "aws-load-balancer-controller" },
} as const;

/** The annotation that binds a service account to an IAM role (IRSA). */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * Shape of the Grafana admin secret in Secrets Manager (named by the core stack's
 * `grafana_admin_secret_name` output): a JSON object with these two keys.
 */
export const GRAFANA_ADMIN_SECRET_PROPERTIES = { username: "username", password: "password" } as const;
