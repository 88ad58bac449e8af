/**
 * The versions catalog: every external version the project depends on, in one place, each with
 * the upstream reference it was verified against and the date. No other file writes one of these
 * versions (`__tests__/unit/versions.test.ts` fails on a version literal elsewhere).
 *
 * Kept current without anyone remembering: Renovate (`renovate.json`) proposes updates to every
 * line marked `renovate:`, and `.github/workflows/versions.yml` re-checks the catalog on pull
 * requests that touch it and weekly with the real tools (`helm show chart`, `helm template |
 * kubeconform`, `aws eks describe-cluster-versions`, `aws rds describe-db-engine-versions`).
 *
 * Upgrading: change the value, the reference and the date together, after reading the upstream
 * release notes; the weekly job and the plan show what the change does.
 */

/** Where a fact was read, and when (YYYY-MM-DD). */
export interface Verification {
  readonly reference: string;
  readonly verifiedOn: string;
}

/** A Helm chart as published: where to get it and the exact version. */
export interface ChartSource extends Verification {
  readonly chart: string;
  /** Helm repository URL. */
  readonly repository: string;
  /** Exact chart version; never a range. */
  readonly version: string;
  /** The application version that chart version ships (Chart.yaml `appVersion`). */
  readonly appVersion: string;
}

// ---------------------------------------------------------------- Terraform and providers

export const TERRAFORM = {
  /**
   * Oldest Terraform the stacks accept (`required_version` of every stack): write-only arguments
   * (`password_wo`, `secret_string_wo`) arrived in 1.11.0, ephemeral resources in 1.10.0.
   */
  requiredVersion: ">= 1.11",
  /** The Terraform CI and the build machines run. Newer stable releases exist (1.15.9 on 2026-08-19); upgrade together with the build image. */
  // renovate: datasource=github-releases depName=hashicorp/terraform
  version: "1.11.4",
  reference: "hashicorp/terraform CHANGELOG.md at v1.10.0 (24236f4f, 2024-11-26: ephemeral resources) and v1.11.0 (41495103, 2025-02-27: write-only attributes); tags up to v1.15.9 (87488977, 2026-08-19)",
  verifiedOn: "2026-12-01",
} as const;

/**
 * The local AWS emulator (`pip install 'moto[server]==5.2.1'`). src/cli/emulator-server.py serves
 * moto's own application (moto/moto_server/werkzeug_app.py), so a new moto release is checked
 * there too: `moto_server` in moto/server.py runs werkzeug's `run_simple(..., threaded=True)`.
 */
export const EMULATOR = {
  moto: {
    version: "5.2.1",
    reference: "moto 5.2.1 as installed on the build machines (moto.__version__; moto/server.py and moto/moto_server/werkzeug_app.py read there), served by werkzeug 3.1.8",
    verifiedOn: "2026-12-07",
  },
} as const satisfies Record<string, Verification & { version: string }>;

/**
 * Providers, fixed by the prebuilt cdktf bindings in package.json (each binding is generated for
 * exactly one provider version; `lib/provider/index.js` records it).
 */
export const PROVIDERS = {
  aws: { source: "hashicorp/aws", version: "5.100.0", binding: "@cdktf/provider-aws", reference: "@cdktf/provider-aws 20.1.0 lib/provider/index.js providerVersion", verifiedOn: "2026-12-01" },
  kubernetes: { source: "hashicorp/kubernetes", version: "2.38.0", binding: "@cdktf/provider-kubernetes", reference: "@cdktf/provider-kubernetes 12.1.1 lib/provider/index.js providerVersion", verifiedOn: "2026-12-01" },
  helm: { source: "hashicorp/helm", version: "3.1.1", binding: "@cdktf/provider-helm", reference: "@cdktf/provider-helm 12.1.2 lib/provider/index.js providerVersion", verifiedOn: "2026-12-01" },
} as const satisfies Record<string, Verification & { source: string; version: string; binding: string }>;

// ---------------------------------------------------------------- Support windows

/** How long a version is supported (YYYY-MM-DD, the last day AWS names). */
export interface SupportWindow {
  readonly version: string;
  readonly standardSupportEnds: string;
  readonly extendedSupportEnds: string;
}

/** A release calendar as recorded: the versions AWS offers and when their support ends. */
export interface SupportCalendar extends Verification {
  readonly versions: readonly SupportWindow[];
}

/**
 * The Kubernetes versions EKS offers and their support windows. Config validation refuses a
 * KUBERNETES.version that is not on it or has left standard support (src/config/support-windows.ts).
 */
export const EKS_KUBERNETES_CALENDAR: SupportCalendar = {
  versions: [
    { version: "1.36", standardSupportEnds: "2027-08-02", extendedSupportEnds: "2028-08-02" },
    { version: "1.35", standardSupportEnds: "2027-03-27", extendedSupportEnds: "2028-03-27" },
    { version: "1.34", standardSupportEnds: "2026-12-02", extendedSupportEnds: "2027-12-02" },
    { version: "1.33", standardSupportEnds: "2026-07-29", extendedSupportEnds: "2027-07-29" },
    { version: "1.32", standardSupportEnds: "2026-03-23", extendedSupportEnds: "2027-03-23" },
  ],
  reference:
    "Amazon EKS Kubernetes release calendar (EKS user guide, kubernetes-versions: \"End of standard support\", \"End of extended support\"), as endoflife-date/endoflife.date products/amazon-eks.md records it from that table (de1074da, 2026-07-08; read at a70eca33, 2026-08-22). Versions whose extended support had ended are left out",
  verifiedOn: "2026-12-07",
};

/**
 * The PostgreSQL majors RDS offers and their support windows. Config validation refuses a
 * POSTGRES.majorVersion that is not on it, has left standard support, or names a minor.
 */
export const RDS_POSTGRES_CALENDAR: SupportCalendar = {
  versions: [
    { version: "18", standardSupportEnds: "2031-02-28", extendedSupportEnds: "2034-02-28" },
    { version: "17", standardSupportEnds: "2030-02-28", extendedSupportEnds: "2033-02-28" },
    { version: "16", standardSupportEnds: "2029-02-28", extendedSupportEnds: "2032-02-29" },
    { version: "15", standardSupportEnds: "2028-02-29", extendedSupportEnds: "2031-02-28" },
    { version: "14", standardSupportEnds: "2027-02-28", extendedSupportEnds: "2030-02-28" },
    { version: "13", standardSupportEnds: "2026-02-28", extendedSupportEnds: "2029-02-28" },
  ],
  reference:
    "Release calendar for Amazon RDS for PostgreSQL (RDS for PostgreSQL release notes, postgresql-release-calendar: \"RDS end of standard support date\", \"RDS end of Extended Support date\"), as endoflife-date/endoflife.date products/amazon-rds-postgresql.md records it from that table (c86378a1, 2026-08-16; read at a70eca33, 2026-08-22). Majors whose extended support had ended are left out",
  verifiedOn: "2026-12-07",
};

/** The support window of `version` in `calendar`, if it lists it. */
export const supportWindowOf = (calendar: SupportCalendar, version: string): SupportWindow | undefined => calendar.versions.find((entry) => entry.version === version);

// ---------------------------------------------------------------- Amazon EKS

export const KUBERNETES = {
  /** The EKS Kubernetes version of every cluster: in standard support, the newest EKS offered when verified. */
  // renovate: datasource=endoflife-date depName=amazon-eks
  version: "1.36",
  /**
   * `upgrade_policy.support_type`: at the end of standard support EKS upgrades the cluster rather
   * than moving it into extended support (six times the control-plane price; EXTENDED is EKS' default).
   */
  supportType: "STANDARD",
  /** From EKS_KUBERNETES_CALENDAR. */
  get standardSupportEnds(): string {
    return supportWindowOf(EKS_KUBERNETES_CALENDAR, this.version)?.standardSupportEnds ?? "unknown";
  },
  get extendedSupportEnds(): string {
    return supportWindowOf(EKS_KUBERNETES_CALENDAR, this.version)?.extendedSupportEnds ?? "unknown";
  },
  reference:
    "Amazon EKS user guide, Kubernetes version lifecycle (awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc, kubernetes-versions-standard.adoc: \"Kubernetes 1.36 is now available in Amazon EKS\"); dates from endoflife-date/endoflife.date products/amazon-eks.md (de1074da, 2026-07-08), scraped from the AWS calendar. 1.34 leaves standard support 2026-12-02; 1.37 was not on EKS in any source read",
  verifiedOn: "2026-12-01",
} as const;

/**
 * The Kubernetes API schema the unit suite validates objects against (src/kubernetes/sources.ts):
 * kubernetes/kubernetes api/openapi-spec/swagger.json of the catalog's minor, as
 * kubernetes-client/python records it at a release (kubernetes/swagger.json.unprocessed; that
 * release's CHANGELOG.md names the Kubernetes patch). Follows KUBERNETES.version by hand (no
 * Renovate marker: the client's tags are not the API's): the unit suite fails when the minors differ.
 */
export const KUBERNETES_OPENAPI_SOURCE = {
  repository: "kubernetes-client/python",
  ref: "v36.0.3",
  path: "kubernetes/swagger.json.unprocessed",
  kubernetesVersion: "1.36.2",
  reference: "kubernetes-client/python tag v36.0.3 (67e7d9ab, 2026-07-13): CHANGELOG.md \"Kubernetes API Version: v1.36.2\", scripts/constants.py KUBERNETES_BRANCH = \"release-1.36\"",
  verifiedOn: "2026-12-07",
} as const;

/**
 * EKS managed add-ons are not pinned here: each resolves, at plan time, to the most recent version
 * EKS publishes for the cluster's Kubernetes version (`data.aws_eks_addon_version`, `most_recent`),
 * as terraform-aws-modules/terraform-aws-eks does. A new add-on build therefore shows as an update
 * in the next plan, never as an incompatible pin.
 */
export const EKS_ADDON_VERSIONS = {
  resolution: "most-recent-for-cluster-version",
  reference: "hashicorp/aws 5.100.0 data source aws_eks_addon_version (addon_name, kubernetes_version, most_recent); add-on names from the Amazon EKS user guide, workloads/eks-add-ons.adoc",
  verifiedOn: "2026-12-01",
} as const;

/**
 * Availability Zone IDs in which EKS refuses cluster subnets. AZ names map to different zone IDs
 * in each account, so the network checks the configured names against the account's zone IDs at
 * plan time.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = {
  zoneIds: ["use1-az3", "usw1-az2", "cac1-az3"],
  reference: "Amazon EKS user guide, networking/network-reqs.adoc, \"Subnet requirements for clusters\" (\"The subnets can't reside in the following Availability Zones\")",
  verifiedOn: "2026-12-01",
} as const;

// ---------------------------------------------------------------- Amazon RDS for PostgreSQL

export const POSTGRES = {
  /**
   * Major version only: RDS picks the current minor and, with auto minor version upgrades on,
   * keeps it current without a plan diff (the provider compares the prefix and reports the real
   * version in `engine_version_actual`). 17 rather than 18: both are in standard support; 17 is
   * the version terraform-aws-modules/terraform-aws-rds's examples run (v7.2.0), 18 is the newest.
   */
  // renovate: datasource=endoflife-date depName=amazon-rds-postgresql
  majorVersion: "17",
  /** The parameter group family of that major (`postgres<major>`); follows majorVersion. */
  get parameterGroupFamily(): string {
    return `postgres${this.majorVersion}`;
  },
  /** From RDS_POSTGRES_CALENDAR. */
  get standardSupportEnds(): string {
    return supportWindowOf(RDS_POSTGRES_CALENDAR, this.majorVersion)?.standardSupportEnds ?? "unknown";
  },
  reference:
    "Amazon RDS for PostgreSQL release calendar via endoflife-date/endoflife.date products/amazon-rds-postgresql.md (c86378a1, 2026-08-16: 14-18 in standard support, 17 until 2030-02-28); family and major-only version as in terraform-aws-modules/terraform-aws-rds examples/complete-postgres (fa183b6b, 2026-03-26)",
  verifiedOn: "2026-12-01",
} as const;

// ---------------------------------------------------------------- Helm charts

export const CHART_SOURCES = {
  argoCd: {
    chart: "argo-cd",
    repository: "https://argoproj.github.io/argo-helm",
    // renovate: datasource=helm registryUrl=https://argoproj.github.io/argo-helm depName=argo-cd
    version: "10.1.1",
    appVersion: "v3.4.4",
    reference: "argoproj/argo-helm tag argo-cd-10.1.1 (af0a9310, 2026-07-02), charts/argo-cd/Chart.yaml and the gh-pages index.yaml",
    verifiedOn: "2026-12-01",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repository: "https://prometheus-community.github.io/helm-charts",
    // renovate: datasource=helm registryUrl=https://prometheus-community.github.io/helm-charts depName=kube-prometheus-stack
    version: "88.5.3",
    appVersion: "v0.93.1",
    reference: "prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3 (ea930bae, 2026-08-21), charts/kube-prometheus-stack/Chart.yaml (grafana subchart 12.11.1 from grafana-community/helm-charts)",
    verifiedOn: "2026-12-01",
  },
  externalSecrets: {
    chart: "external-secrets",
    repository: "https://charts.external-secrets.io",
    // renovate: datasource=helm registryUrl=https://charts.external-secrets.io depName=external-secrets
    version: "2.9.0",
    appVersion: "v2.9.0",
    reference: "external-secrets/external-secrets tag helm-chart-2.9.0 (cc5bfbc2, 2026-08-08), deploy/charts/external-secrets/Chart.yaml and the gh-pages index.yaml",
    verifiedOn: "2026-12-01",
  },
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    repository: "https://aws.github.io/eks-charts",
    // renovate: datasource=helm registryUrl=https://aws.github.io/eks-charts depName=aws-load-balancer-controller
    version: "3.5.0",
    appVersion: "v3.5.0",
    reference: "aws/eks-charts master 52396092 (2026-08-03, \"aws-load-balancer-controller: v3.5.0\"), stable/aws-load-balancer-controller/Chart.yaml and the gh-pages index.yaml (no per-chart tags)",
    verifiedOn: "2026-12-01",
  },
  metricsServer: {
    chart: "metrics-server",
    repository: "https://kubernetes-sigs.github.io/metrics-server/",
    // renovate: datasource=helm registryUrl=https://kubernetes-sigs.github.io/metrics-server/ depName=metrics-server
    version: "3.13.1",
    appVersion: "0.8.1",
    reference: "kubernetes-sigs/metrics-server tag metrics-server-helm-chart-3.13.1 (842dcc8c, 2026-06-11), the newest chart tag; charts/metrics-server/Chart.yaml and README.md (helm repo add)",
    verifiedOn: "2026-12-02",
  },
  kyverno: {
    chart: "kyverno",
    repository: "https://kyverno.github.io/kyverno/",
    // renovate: datasource=helm registryUrl=https://kyverno.github.io/kyverno/ depName=kyverno
    version: "3.9.0",
    appVersion: "v1.19.0",
    reference:
      "kyverno/kyverno tag kyverno-chart-3.9.0 (= v1.19.0, ee97ce09, 2026-08-20), charts/kyverno/Chart.yaml (kubeVersion \">=1.25.0-0\") and charts/kyverno/README.md (helm repo add). Not confirmed for Kubernetes 1.36: the published compatibility matrix (kyverno/website) stops at Kyverno 1.18 for 1.33-1.35; v1.19.0's CI runs 1.33-1.35 and two jobs on 1.36.1. So every cluster audits until a release is published for the catalog's Kubernetes (KYVERNO_COMPATIBILITY below)",
    verifiedOn: "2026-12-02",
  },
  externalDns: {
    chart: "external-dns",
    repository: "https://kubernetes-sigs.github.io/external-dns/",
    // renovate: datasource=helm registryUrl=https://kubernetes-sigs.github.io/external-dns/ depName=external-dns
    version: "1.21.1",
    appVersion: "0.21.0",
    reference:
      "kubernetes-sigs/external-dns tag external-dns-helm-chart-1.21.1 (9f264513, 2026-04-30), the newest chart tag and gh-pages index.yaml entry; charts/external-dns/Chart.yaml (no kubeVersion), values.yaml (provider.name, domainFilters, txtOwnerId, policy, sources, registry, extraArgs, serviceAccount, resources) and README.md (helm repo add). The app's v0.22.0 tag (2026-08-19) had no chart yet on 2026-08-22; docs/tutorials/aws.md for the IAM policy and the failover annotations",
    verifiedOn: "2026-12-02",
  },
} as const satisfies Record<string, ChartSource>;

/**
 * The Kubernetes versions the pinned Kyverno release is published as supporting. Where the
 * catalog's Kubernetes is outside them, every cluster runs Kyverno's policies in Audit whatever
 * its tier asks (an untested admission controller that fails closed would refuse pods), until a
 * release's published compatibility covers it (platform-stack.ts `effectivePolicyMode`).
 */
export const KYVERNO_COMPATIBILITY = {
  minKubernetes: "1.33",
  maxKubernetes: "1.35",
  reference:
    "kyverno/website 7c0814a5 (2026-08-07), src/constants/version.ts compatibilityMatrix (the newest entry: Kyverno 1.18.x, Kubernetes 1.33-1.35) and src/content/docs/docs/installation/releases.md (\"Kubernetes Versions Supported: v1.33 - v1.35\"); kyverno/kyverno's newest tag v1.19.0 (2026-08-20, the chart 3.9.0 pinned above) has no published matrix entry. Read 2026-12-07",
  verifiedOn: "2026-12-07",
} as const;

// ---------------------------------------------------------------- Container images the project runs itself

/** An image the project's own manifests run (the charts pin theirs). */
export interface ContainerImage extends Verification {
  readonly repository: string;
  /** Exact tag; never latest. */
  readonly version: string;
}

export const CONTAINER_IMAGES = {
  /** The off-hours CronJobs (modules/platform/off-hours.ts): kubectl with bash and jq. */
  kubectl: {
    repository: "registry.k8s.io/kubectl",
    // renovate: datasource=docker depName=registry.k8s.io/kubectl
    version: "v1.36.0",
    reference:
      "kubernetes/kubernetes CHANGELOG/CHANGELOG-1.36.md, v1.36.0 \"Container Images\" (registry.k8s.io/kubectl:v1.36.0, amd64/arm64/ppc64le/s390x), the newest 1.36 entry read; build/server-image/kubectl/Dockerfile (debian-base bookworm with bash, jq, grep, sed, coreutils; ENTRYPOINT kubectl; since PR #119592). The same minor as the clusters. Tag only: no registry was reachable to read its digest",
    verifiedOn: "2026-12-02",
  },
} as const satisfies Record<string, ContainerImage>;

/** repository:tag of a catalog image. */
export const imageOf = (image: ContainerImage): string => `${image.repository}:${image.version}`;

// ---------------------------------------------------------------- Tools the workflows install

/**
 * Command-line tools the GitHub workflows install: helm and kubeconform for the versions check
 * (versions.yml), Trivy, gitleaks and Go (to build gitleaks) for the pull-request scans. The workflows read these values from here
 * (`npx tsx src/cli/versions.ts tools`).
 */
export const CHECK_TOOLS = {
  helm: {
    // renovate: datasource=github-releases depName=helm/helm
    version: "v4.2.4",
    reference: "helm/helm tag v4.2.4 (3900f434, 2026-08-13)",
    verifiedOn: "2026-12-01",
  },
  kubeconform: {
    // renovate: datasource=github-releases depName=yannh/kubeconform
    version: "v0.7.0",
    reference: "yannh/kubeconform tag v0.7.0 (e65429b1, 2025-05-12); release assets kubeconform-linux-amd64.tar.gz and CHECKSUMS; CRD schemas from datreeio/CRDs-catalog as its Readme shows",
    verifiedOn: "2026-12-01",
  },
  trivy: {
    // renovate: datasource=github-releases depName=aquasecurity/trivy
    version: "v0.74.0",
    reference: "aquasecurity/trivy tag v0.74.0 (e1fd17a0, 2026-08-14), the newest tag; scans *.tf.json (pkg/iac/detection/detect.go) and reads a .yaml --ignorefile (pkg/result/ignore.go). Run through aquasecurity/trivy-action v0.36.0 (ed142fd0, 2026-04-22), whose own default is v0.70.0",
    verifiedOn: "2026-12-01",
  },
  gitleaks: {
    // renovate: datasource=github-releases depName=gitleaks/gitleaks
    version: "v8.30.1",
    reference: "gitleaks/gitleaks tag v8.30.1 (83d9cd68, 2026-03-12), module github.com/zricethezav/gitleaks/v8 (go.mod, main package at the root, `go 1.24.11`); built with go install, so the Go checksum database verifies the source",
    verifiedOn: "2026-12-01",
  },
  go: {
    // renovate: datasource=golang-version depName=go
    version: "1.24.11",
    reference: "the Go version gitleaks v8.30.1's go.mod requires (`go 1.24.11`), installed with actions/setup-go v7.0.0 (b7ad1dad, node24)",
    verifiedOn: "2026-12-01",
  },
} as const;
