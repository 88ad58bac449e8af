import { CHARTS, NODE_EXPORTER_NAMESPACE } from "./charts";

/**
 * The Kubernetes security layer of the platform: Pod Security Admission levels per namespace (with
 * the reason for each), default-deny ingress NetworkPolicies with the allows each component needs,
 * and the Kyverno baseline policies. Plain objects; PlatformServices applies them.
 */

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface NamespaceSecurity {
  /** The level enforced; pods that break it are refused. */
  readonly enforce: PodSecurityLevel;
  /** Audited and warned about (at least `enforce`), so a stricter level's violations are visible. */
  readonly warn: PodSecurityLevel;
  readonly reason: string;
}

/**
 * Pod Security levels of the platform's namespaces (Pod Security Standards: restricted forbids
 * root, privilege escalation, capabilities beyond NET_BIND_SERVICE and an unset seccomp profile;
 * baseline forbids host namespaces, hostPath, host ports and privileged containers).
 */
export function platformNamespaceSecurity(options: { readonly argoCdHighAvailability: boolean }): Readonly<Record<string, NamespaceSecurity>> {
  return {
    [CHARTS.argoCd.namespace]: options.argoCdHighAvailability
      ? { enforce: "baseline", warn: "restricted", reason: "argo-cd 10.1.1 sets a restricted securityContext (runAsNonRoot, RuntimeDefault seccomp, drop ALL) on its own components; its redis-ha subchart (HA mode) was not verified against restricted" }
      : { enforce: "restricted", warn: "restricted", reason: "argo-cd 10.1.1 values: every component's containerSecurityContext has runAsNonRoot, allowPrivilegeEscalation false, drop ALL and the RuntimeDefault seccomp profile" },
    [CHARTS.externalSecrets.namespace]: {
      enforce: "restricted",
      warn: "restricted",
      reason: "external-secrets 2.9.0 values: controller, webhook and cert-controller run non-root, without privilege escalation, with RuntimeDefault seccomp",
    },
    [CHARTS.kubePrometheusStack.namespace]: {
      enforce: "baseline",
      warn: "restricted",
      reason: "grafana 12.11.1 (a kube-prometheus-stack 88.5.3 dependency) runs its init-chown-data container as root (runAsNonRoot: false); node-exporter is not here (its own namespace)",
    },
    [NODE_EXPORTER_NAMESPACE]: {
      enforce: "privileged",
      warn: "privileged",
      reason: "prometheus-node-exporter 4.56.1 needs hostNetwork, hostPID and hostPath mounts of /, /proc and /sys, which baseline forbids; nothing else runs here",
    },
    [CHARTS.externalDns.namespace]: {
      enforce: "restricted",
      warn: "restricted",
      reason: "external-dns 1.21.1 values: runAsNonRoot (65532), no privilege escalation, read-only root, drop ALL, RuntimeDefault seccomp",
    },
    [CHARTS.kyverno.namespace]: {
      enforce: "baseline",
      warn: "restricted",
      reason: "kyverno 3.9.0 sets runAsNonRoot and RuntimeDefault on its controllers; its hook and cleanup jobs were not verified against restricted",
    },
  };
}

/** Application namespaces run only what meets the restricted standard. */
export const APPLICATION_NAMESPACE_SECURITY: NamespaceSecurity = {
  enforce: "restricted",
  warn: "restricted",
  reason: "application workloads: no root, no privilege escalation, no host access",
};

/** The Pod Security Admission labels of a namespace, pinned to the cluster's Kubernetes minor. */
export function podSecurityLabels(security: NamespaceSecurity, kubernetesVersion: string): Record<string, string> {
  const version = `v${kubernetesVersion}`;
  return {
    "pod-security.kubernetes.io/enforce": security.enforce,
    "pod-security.kubernetes.io/enforce-version": version,
    "pod-security.kubernetes.io/audit": security.warn,
    "pod-security.kubernetes.io/audit-version": version,
    "pod-security.kubernetes.io/warn": security.warn,
    "pod-security.kubernetes.io/warn-version": version,
  };
}

// ---------------------------------------------------------------- NetworkPolicies

export interface NetworkPolicyManifest {
  readonly apiVersion: "networking.k8s.io/v1";
  readonly kind: "NetworkPolicy";
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

/** The address ranges that stand for callers outside the cluster's pods. */
export interface NetworkRanges {
  /**
   * Where the EKS control plane's calls come from: its cross-account ENIs, which EKS creates in
   * the cluster's subnets only (EKS user guide, networking/network-reqs.adoc). These subnets hold
   * no node (Auto Mode's NodeClass and the node groups use the private subnets), so no pod of
   * any namespace has an address in them (modules/network/subnet-layout.ts, `controlPlane`).
   */
  readonly controlPlane: readonly string[];
  /** Where the ALB's calls come from: its nodes in the public subnets (IP targets). */
  readonly loadBalancers: readonly string[];
  /** The database subnets (an application's declared egress names them as `database`). */
  readonly database: readonly string[];
}

export interface AllowedPort {
  readonly port: number;
  readonly why: string;
}

/** What may reach pods of a namespace besides its own pods; everything else is refused. */
export interface IngressAllows {
  /** Admission webhooks' ports: reached by the EKS control plane only. */
  readonly webhooks?: readonly AllowedPort[];
  /** Ports served through the ALB (an Ingress): reached from the load balancers' subnets only. */
  readonly published?: readonly AllowedPort[];
  /** Prometheus (its own pods in `monitoring`) scrapes metrics, on whatever port each exporter serves. */
  readonly scrapedByPrometheus?: boolean;
  /** Pods of other namespaces that call a port here (another namespace's declared egress). */
  readonly fromNamespaces?: readonly { readonly namespace: string; readonly port: number }[];
}

/** Where an application namespace's pods may connect to, besides their own namespace and DNS. */
export type EgressTarget =
  | { readonly database: true; readonly port: number }
  | { readonly namespace: string; readonly port: number }
  | { readonly cidr: string; readonly port: number };

const MONITORING = CHARTS.kubePrometheusStack.namespace;

/**
 * The Prometheus pods: the operator labels every pod of a Prometheus StatefulSet
 * `app.kubernetes.io/name: prometheus` (prometheus-operator tag v0.93.0, pkg/prometheus/server/operator.go
 * makeSelectorLabels, read 2026-12-07; the chart's v0.93.1 is not tagged in the mirror read).
 */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" } as const;

const namespaceSelector = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * Default-deny ingress for a namespace, then the allows: its own pods, Prometheus's pods, the
 * control plane's ENIs on the webhook ports, the load balancers' subnets on the published ports,
 * and other namespaces' pods that declared a port here. With `egress` (application namespaces)
 * egress is denied too, except to its own pods, DNS and the declared targets; without it egress
 * stays open (the platform's controllers call the API server and AWS endpoints).
 */
export function namespaceNetworkPolicies(namespace: string, ranges: NetworkRanges, allows: IngressAllows, egress?: readonly EgressTarget[]): NetworkPolicyManifest[] {
  const policy = (name: string, spec: Record<string, unknown>): NetworkPolicyManifest => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec });
  const ipBlocks = (cidrs: readonly string[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  const policies = [
    policy("default-deny", { podSelector: {}, policyTypes: egress ? ["Ingress", "Egress"] : ["Ingress"] }),
    policy("allow-same-namespace", {
      podSelector: {},
      policyTypes: egress ? ["Ingress", "Egress"] : ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      ...(egress ? { egress: [{ to: [{ podSelector: {} }] }] } : {}),
    }),
  ];
  if (allows.scrapedByPrometheus && namespace !== MONITORING) {
    policies.push(policy("allow-prometheus", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ...namespaceSelector(MONITORING), podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }] }] }));
  }
  if (allows.webhooks && allows.webhooks.length > 0) {
    policies.push(policy("allow-control-plane-webhooks", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: ipBlocks(ranges.controlPlane), ports: allows.webhooks.map(({ port }) => tcp(port)) }] }));
  }
  if (allows.published && allows.published.length > 0) {
    policies.push(policy("allow-load-balancers", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: ipBlocks(ranges.loadBalancers), ports: allows.published.map(({ port }) => tcp(port)) }] }));
  }
  if (allows.fromNamespaces && allows.fromNamespaces.length > 0) {
    policies.push(
      policy("allow-declared-callers", {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: allows.fromNamespaces.map(({ namespace: caller, port }) => ({ from: [namespaceSelector(caller)], ports: [tcp(port)] })),
      }),
    );
  }
  if (egress) {
    // DNS wherever the resolver is: a CoreDNS pod, or (Auto Mode) the node's own resolver.
    policies.push(policy("allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] }));
    if (egress.length > 0) {
      const to = (target: EgressTarget) => ("database" in target ? ipBlocks(ranges.database) : "namespace" in target ? [namespaceSelector(target.namespace)] : ipBlocks([target.cidr]));
      policies.push(policy("allow-declared-egress", { podSelector: {}, policyTypes: ["Egress"], egress: egress.map((target) => ({ to: to(target), ports: [tcp(target.port)] })) }));
    }
  }
  return policies;
}

/**
 * The ingress each platform namespace needs. Webhook container ports: the External Secrets
 * webhook 10250 (external-secrets chart `webhook.port`), the Prometheus operator's admission
 * webhook 10250 (kube-prometheus-stack `prometheusOperator.tls.internalPort`), Kyverno's 9443.
 * No platform UI is published: Argo CD and Grafana are reached with `kubectl port-forward`, which
 * the pod's own node carries (always allowed).
 */
export const PLATFORM_INGRESS: Readonly<Record<string, IngressAllows>> = {
  [CHARTS.argoCd.namespace]: { scrapedByPrometheus: true },
  [CHARTS.externalSecrets.namespace]: { scrapedByPrometheus: true, webhooks: [{ port: 10250, why: "admission webhook, called by the control plane" }] },
  [MONITORING]: { webhooks: [{ port: 10250, why: "prometheus-operator admission webhook" }] },
  [NODE_EXPORTER_NAMESPACE]: { scrapedByPrometheus: true },
  [CHARTS.kyverno.namespace]: { scrapedByPrometheus: true, webhooks: [{ port: 9443, why: "admission webhooks, called by the control plane" }] },
  [CHARTS.externalDns.namespace]: { scrapedByPrometheus: true },
};

/** The port an application serves behind the ALB (its Service's target port). */
export const APPLICATION_PORT = 8080;

/** Application namespaces: their own pods, Prometheus, the load balancers on the application port, and declared callers. */
export function applicationIngress(callers: IngressAllows["fromNamespaces"] = []): IngressAllows {
  return { scrapedByPrometheus: true, published: [{ port: APPLICATION_PORT, why: "the application's Service behind the ALB" }], fromNamespaces: callers };
}

// ---------------------------------------------------------------- Kyverno baseline policies

export type PolicyMode = "audit" | "enforce";

export interface ClusterPolicyManifest {
  readonly apiVersion: "kyverno.io/v1";
  readonly kind: "ClusterPolicy";
  readonly metadata: { readonly name: string; readonly annotations: Readonly<Record<string, string>> };
  readonly spec: { readonly background: boolean; readonly rules: readonly Record<string, unknown>[] };
}

/**
 * HTTP is only ever a redirect: every Ingress of the default class (named, or naming none) gets
 * listeners on 80 and 443 and `ssl-redirect: 443`, unless it sets them itself (Kyverno's `+()`
 * anchor adds what is missing), and pod (IP) targets. Auto Mode has no class-wide redirect (IngressClassParams has no
 * `sslRedirectPort`; the EKS user guide points to the annotation). Mutating, so it runs at
 * admission only.
 */
export function httpsRedirectPolicy(ingressClassName: string): ClusterPolicyManifest {
  const rules = [
    {
      name: "listen-on-80-and-443-and-redirect-80",
      match: { any: [{ resources: { kinds: ["Ingress"] } }] },
      preconditions: { any: [{ key: "{{ request.object.spec.ingressClassName || '' }}", operator: "AnyIn", value: ["", ingressClassName] }] },
      mutate: {
        patchStrategicMerge: {
          metadata: {
            annotations: {
              "+(alb.ingress.kubernetes.io/listen-ports)": '[{"HTTP": 80}, {"HTTPS": 443}]',
              "+(alb.ingress.kubernetes.io/ssl-redirect)": "443",
              // Pods as targets: the ALB's nodes in the public subnets call the pod itself, the one
              // source the application namespaces' NetworkPolicy admits (NodePort Services are
              // refused by their quota). The EKS user guide's Auto Mode example uses it
              // (automode/auto-elb-example.adoc, "IP target type for direct pod routing").
              "+(alb.ingress.kubernetes.io/target-type)": "ip",
            },
          },
        },
      },
    },
  ];
  return {
    apiVersion: "kyverno.io/v1",
    kind: "ClusterPolicy",
    metadata: { name: "ingress-https-redirect", annotations: { "policies.kyverno.io/title": "Redirect HTTP to HTTPS on every Ingress of the default class" } },
    spec: { background: false, rules },
  };
}

/**
 * Registries the platform charts pull from (their values at the pinned versions: argo-cd quay.io,
 * ghcr.io and ecr-public.aws.com; kube-prometheus-stack quay.io, registry.k8s.io, ghcr.io and
 * docker.io for busybox and Grafana's images; external-secrets ghcr.io; kyverno reg.kyverno.io and
 * ghcr.io; the AWS Load Balancer Controller public.ecr.aws).
 */
export const PLATFORM_IMAGE_REGISTRIES = [
  "quay.io/*",
  "ghcr.io/*",
  "registry.k8s.io/*",
  "ecr-public.aws.com/*",
  "public.ecr.aws/*",
  "reg.kyverno.io/*",
  "docker.io/grafana/*",
  "docker.io/library/busybox*",
  "docker.io/curlimages/*",
] as const;

const PODS = { any: [{ resources: { kinds: ["Pod"] } }] };
const containerLists = ["containers", "=(initContainers)", "=(ephemeralContainers)"];

function rule(name: string, message: string, mode: PolicyMode, pattern: Record<string, unknown>, exclude?: readonly string[]): Record<string, unknown> {
  return {
    name,
    match: PODS,
    ...(exclude && exclude.length > 0 ? { exclude: { any: [{ resources: { namespaces: [...exclude] } }] } } : {}),
    // The per-rule action (Kyverno 1.13+; spec.validationFailureAction is deprecated).
    validate: { failureAction: mode === "enforce" ? "Enforce" : "Audit", message, pattern },
  };
}

const clusterPolicy = (name: string, title: string, rules: Record<string, unknown>[], auditReason?: string): ClusterPolicyManifest => ({
  apiVersion: "kyverno.io/v1",
  kind: "ClusterPolicy",
  metadata: { name, annotations: { "policies.kyverno.io/title": title, ...(auditReason ? { "pipeops.io/audit-reason": auditReason } : {}) } },
  spec: { background: true, rules },
});

export interface BaselinePolicyOptions {
  readonly mode: PolicyMode;
  /** Why the policies audit although the tier enforces (annotated on each). */
  readonly auditReason?: string;
  /** Image prefixes pods may use, as Kyverno wildcard patterns ("quay.io/*"). */
  readonly allowedImages: readonly string[];
  /** Namespaces held to the resource-requests rule (the application namespaces). */
  readonly requestsRequiredIn: readonly string[];
}

/**
 * The baseline policy set, after kyverno/policies (pod-security/baseline/disallow-privileged-containers,
 * disallow-host-namespaces; best-practices/restrict-image-registries, require-pod-requests-limits).
 * The node exporter's namespace is exempt from the host rules it exists to break.
 */
export function baselinePolicies(options: BaselinePolicyOptions): ClusterPolicyManifest[] {
  const { mode, auditReason } = options;
  const each = (containerPattern: Record<string, unknown>) => Object.fromEntries(containerLists.map((list) => [list, [containerPattern]]));
  const policies = [
    clusterPolicy("disallow-privileged-containers", "Disallow privileged containers", [
      rule("privileged-containers", "Privileged containers are not allowed: remove securityContext.privileged.", mode, { spec: each({ "=(securityContext)": { "=(privileged)": "false" } }) }, [NODE_EXPORTER_NAMESPACE]),
    ], auditReason),
    clusterPolicy("disallow-host-namespaces", "Disallow host namespaces", [
      rule("host-namespaces", "Sharing the host's network, PID or IPC namespace is not allowed: remove hostNetwork, hostPID and hostIPC.", mode, { spec: { "=(hostPID)": "false", "=(hostIPC)": "false", "=(hostNetwork)": "false" } }, [NODE_EXPORTER_NAMESPACE]),
    ], auditReason),
    clusterPolicy("restrict-image-registries", "Restrict image registries", [
      rule("allowed-registries", `Images must come from an allowed registry: ${options.allowedImages.join(", ")}.`, mode, { spec: each({ image: options.allowedImages.join(" | ") }) }),
    ], auditReason),
  ];
  if (options.requestsRequiredIn.length > 0) {
    policies.push(
      clusterPolicy("require-requests-limits", "Require CPU and memory requests and a memory limit", [
        {
          ...rule("requests-and-memory-limit", "CPU and memory requests and a memory limit are required.", mode, {
            spec: { containers: [{ resources: { requests: { memory: "?*", cpu: "?*" }, limits: { memory: "?*" } } }] },
          }),
          match: { any: [{ resources: { kinds: ["Pod"], namespaces: [...options.requestsRequiredIn] } }] },
        },
      ], auditReason),
    );
  }
  return policies;
}
