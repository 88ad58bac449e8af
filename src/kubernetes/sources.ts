import { CHART_SOURCES, KUBERNETES, KUBERNETES_OPENAPI_SOURCE } from "../config/versions";

/**
 * Where each vendored schema under src/kubernetes/schemas/ comes from. Chart tags follow the
 * versions catalog, so a catalog change makes the vendored files stale and
 * __tests__/unit/kubernetes-schema.test.ts fails until `npm run k8s:schemas` refreshes them
 * (.github/workflows/versions.yml runs the same refresh and fails on a difference).
 */

export interface UpstreamFile {
  /** GitHub owner/name. */
  readonly repository: string;
  /** Tag (or commit) read. */
  readonly ref: string;
  readonly path: string;
}

/**
 * The Kubernetes API of the catalog's version, from the catalog (KUBERNETES_OPENAPI_SOURCE): the
 * API's swagger.json as kubernetes-client/python records it per Kubernetes patch release.
 * Not the npm `kubernetes-models` 5.1.0 (2026-08-09), although its 5.0.0 was generated from
 * Kubernetes v1.36.0 (tommy351/kubernetes-models-ts first-party/kubernetes-models/CHANGELOG.md,
 * read 2026-12-07): its precompiled validators accept unknown fields (no `additionalProperties:
 * false` in any of its 918 schemas), it merges in APIs removed long ago (flowcontrol v1beta2), and
 * it is ESM-only and needs Node 22 (the project runs Node 20).
 */
export const KUBERNETES_OPENAPI = {
  file: { repository: KUBERNETES_OPENAPI_SOURCE.repository, ref: KUBERNETES_OPENAPI_SOURCE.ref, path: KUBERNETES_OPENAPI_SOURCE.path },
  kubernetesVersion: KUBERNETES_OPENAPI_SOURCE.kubernetesVersion,
  /** The API groups vendored (trimmed to these; every kind of each, with the definitions they use). */
  groupVersions: ["v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "policy/v1", "scheduling.k8s.io/v1", "autoscaling/v2"],
} as const;

/** The catalog's Kubernetes minor (for the staleness test). */
export const CATALOG_KUBERNETES_VERSION = KUBERNETES.version;

export interface CrdSource {
  /** File name under schemas/crds/ (without .json). */
  readonly name: string;
  readonly repository: string;
  readonly ref: string;
  /** The catalog version the ref follows, when a catalog chart ships these CRDs. */
  readonly catalogVersion?: string;
  /** CustomResourceDefinition YAML files, or JSON schemas already converted from a live cluster's CRDs. */
  readonly files: readonly string[];
  readonly format: "crd-yaml" | "json-schema";
  /**
   * Fields the upstream schema lacks but the service documents, each with its reference: added to
   * the vendored schema at `path` (property names from the root).
   */
  readonly supplements?: readonly { readonly kind: string; readonly path: readonly string[]; readonly schema: Readonly<Record<string, unknown>>; readonly reference: string }[];
  /** For JSON schemas (group/kind_version.json, lower-case): the kind each file validates. */
  readonly kinds?: Readonly<Record<string, string>>;
  readonly note: string;
}

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    name: "argo-cd",
    repository: "argoproj/argo-helm",
    ref: `argo-cd-${CHART_SOURCES.argoCd.version}`,
    catalogVersion: CHART_SOURCES.argoCd.version,
    files: ["charts/argo-cd/templates/crds/crd-application.yaml", "charts/argo-cd/templates/crds/crd-appproject.yaml"],
    format: "crd-yaml",
    note: "the CRDs the argo-cd chart installs (templates/crds)",
  },
  {
    name: "external-secrets",
    repository: "external-secrets/external-secrets",
    ref: `helm-chart-${CHART_SOURCES.externalSecrets.version}`,
    catalogVersion: CHART_SOURCES.externalSecrets.version,
    files: [
      "config/crds/bases/external-secrets.io_secretstores.yaml",
      "config/crds/bases/external-secrets.io_clustersecretstores.yaml",
      "config/crds/bases/external-secrets.io_externalsecrets.yaml",
    ],
    format: "crd-yaml",
    note: "config/crds/bases, which the chart packages into templates/crds (deploy/charts/external-secrets/templates/crds/README.md)",
  },
  {
    name: "kyverno",
    repository: "kyverno/kyverno",
    ref: `kyverno-chart-${CHART_SOURCES.kyverno.version}`,
    catalogVersion: CHART_SOURCES.kyverno.version,
    files: ["charts/kyverno/charts/crds/templates/kyverno.io/kyverno.io_clusterpolicies.yaml"],
    format: "crd-yaml",
    note: "the chart's crds subchart (Helm template lines dropped)",
  },
  {
    name: "kube-prometheus-stack",
    repository: "prometheus-community/helm-charts",
    ref: `kube-prometheus-stack-${CHART_SOURCES.kubePrometheusStack.version}`,
    catalogVersion: CHART_SOURCES.kubePrometheusStack.version,
    files: [
      "charts/kube-prometheus-stack/charts/crds/crds/crd-servicemonitors.yaml",
      "charts/kube-prometheus-stack/charts/crds/crds/crd-podmonitors.yaml",
      "charts/kube-prometheus-stack/charts/crds/crds/crd-prometheusrules.yaml",
    ],
    format: "crd-yaml",
    note: "the chart's crds subchart (Prometheus Operator CRDs)",
  },
  {
    name: "eks-auto-mode",
    repository: "datreeio/CRDs-catalog",
    ref: "7b1e26ef9deea49293714d204c1a2270aab1178f",
    files: ["eks.amazonaws.com/nodeclass_v1.json", "eks.amazonaws.com/ingressclassparams_v1.json", "karpenter.sh/nodepool_v1.json"],
    format: "json-schema",
    kinds: { nodeclass: "NodeClass", ingressclassparams: "IngressClassParams", nodepool: "NodePool" },
    supplements: [
      {
        kind: "eks.amazonaws.com/v1/NodeClass",
        path: ["spec", "ephemeralStorage", "kmsKeyID"],
        schema: { type: "string" },
        reference:
          "Amazon EKS user guide, settings-auto (\"Configure encrypted ephemeral storage with custom KMS keys\", read 2026-12-07); the field name as modules/platform/node-pools.ts writes it from create-node-class \"Node Class Specification\" (the current page's YAML could not be read here to confirm the spelling); the extracted schema (2025-02-02) predates the field",
      },
    ],
    note:
      "EKS Auto Mode serves NodeClass and IngressClassParams (eks.amazonaws.com/v1) and Karpenter's NodePool (karpenter.sh/v1) itself; AWS publishes no CRD files for them. " +
      "The best public source found: datreeio/CRDs-catalog, where eks.amazonaws.com/* were extracted from a live cluster (commit 2dcd0601, 2025-02-02, \"adding eks schemas\") and karpenter.sh/nodepool_v1 is Karpenter v1.14.0's CRD (d334f024, 2026-07-23). " +
      "Not tied to a catalog version: Auto Mode upgrades these with the cluster",
  },
];

export interface ChartValuesSource {
  /** The catalog entry (src/config/versions.ts CHART_SOURCES). */
  readonly catalogKey: keyof typeof CHART_SOURCES;
  readonly repository: string;
  readonly ref: string;
  /** The chart's folder at that ref. */
  readonly path: string;
}

const chartAt = (catalogKey: keyof typeof CHART_SOURCES, repository: string, ref: string, path: string): ChartValuesSource => ({ catalogKey, repository, ref, path });

/** The chart of every release the platform installs, at the catalog's version (tags verified 2026-12-07). */
export const CHART_VALUES_SOURCES: readonly ChartValuesSource[] = [
  chartAt("argoCd", "argoproj/argo-helm", `argo-cd-${CHART_SOURCES.argoCd.version}`, "charts/argo-cd"),
  chartAt("kubePrometheusStack", "prometheus-community/helm-charts", `kube-prometheus-stack-${CHART_SOURCES.kubePrometheusStack.version}`, "charts/kube-prometheus-stack"),
  chartAt("externalSecrets", "external-secrets/external-secrets", `helm-chart-${CHART_SOURCES.externalSecrets.version}`, "deploy/charts/external-secrets"),
  // aws/eks-charts has no per-chart tags; the catalog records the commit that published 3.5.0.
  chartAt("awsLoadBalancerController", "aws/eks-charts", "5239609242f3430be50fb0b714a24d3ef2b47983", "stable/aws-load-balancer-controller"),
  chartAt("metricsServer", "kubernetes-sigs/metrics-server", `metrics-server-helm-chart-${CHART_SOURCES.metricsServer.version}`, "charts/metrics-server"),
  chartAt("kyverno", "kyverno/kyverno", `kyverno-chart-${CHART_SOURCES.kyverno.version}`, "charts/kyverno"),
  chartAt("externalDns", "kubernetes-sigs/external-dns", `external-dns-helm-chart-${CHART_SOURCES.externalDns.version}`, "charts/external-dns"),
];

/**
 * Helm repositories of subcharts → the GitHub repository and tag pattern their charts are
 * released from (each checked 2026-12-07: the tag exists and holds charts/<name>/Chart.yaml at
 * that version).
 */
export const SUBCHART_REPOSITORIES: Record<string, { repository: string; tag: (name: string, version: string) => string; path: (name: string) => string }> = {
  "https://prometheus-community.github.io/helm-charts": { repository: "prometheus-community/helm-charts", tag: (n, v) => `${n}-${v}`, path: (n) => `charts/${n}` },
  "https://grafana-community.github.io/helm-charts": { repository: "grafana-community/helm-charts", tag: (n, v) => `${n}-${v}`, path: (n) => `charts/${n}` },
  "https://dandydeveloper.github.io/charts/": { repository: "DandyDeveloper/charts", tag: (n, v) => `${n}-${v}`, path: (n) => `charts/${n}` },
};

/** The date these sources were last read and the vendored files regenerated. */
export const VENDORED_ON = "2026-12-07";
