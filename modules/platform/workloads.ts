/**
 * Every pod the platform's Helm releases run, with the CPU and memory each container requests and
 * may use, and the values key that sets them. The one place for these numbers: PlatformServices
 * writes each container's resources into its release's values from here, and the capacity test
 * (`__tests__/unit/capacity.test.ts`) reads the synthesized values back and sums them against each
 * environment's nodes.
 *
 * Which pods each chart runs, and under which keys, was read in the charts' values.yaml and
 * templates at the versions the catalog pins (argo-cd 10.1.1 with redis-ha 4.38.0,
 * kube-prometheus-stack 88.5.3 with grafana 12.11.1, kube-state-metrics 8.4.0 and
 * prometheus-node-exporter 4.56.1, external-secrets 2.9.0, kyverno 3.9.0, metrics-server 3.13.1,
 * aws-load-balancer-controller 3.5.0; docs/platform.md "Capacity"). Only kyverno and
 * metrics-server set requests of their own; every other chart's `resources` default to `{}`.
 */

export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One container (or init container) of a pod and the values key of its resources (dot-separated). */
export interface WorkloadContainer {
  readonly valuesPath: string;
  readonly resources: ContainerResources;
}

export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "Job";

export interface Workload {
  readonly name: string;
  /** Job: a Helm hook that runs during install or upgrade only (not counted in the steady state). */
  readonly kind: WorkloadKind;
  /** Pods (DaemonSets: one per node, whatever is written here). */
  readonly replicas: number;
  readonly containers: readonly WorkloadContainer[];
  readonly initContainers?: readonly WorkloadContainer[];
  /** Required anti-affinity on kubernetes.io/hostname: every replica needs a node of its own. */
  readonly oneReplicaPerNode?: boolean;
}

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): ContainerResources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Small helpers: sidecars, init containers and hook jobs. */
const TINY = resources("10m", "32Mi", "100m", "64Mi");

const container = (valuesPath: string, spec: ContainerResources): WorkloadContainer => ({ valuesPath, resources: spec });

// ---------------------------------------------------------------- Argo CD

/** Replica count of each Argo CD component when highly available (the upstream HA manifests use 2). */
const ARGOCD_HA_REPLICAS = 2;

/** Replicas of the controller, server, repo-server and ApplicationSet controller. */
export const argoCdReplicas = (highAvailability: boolean) => (highAvailability ? ARGOCD_HA_REPLICAS : 1);

/** redis-ha's own defaults (`replicas: 3`, `haproxy.replicas: 3`, both with hard anti-affinity), written out. */
export const REDIS_HA_REPLICAS = 3;

export function argoCdWorkloads(settings: { readonly highAvailability: boolean }): Workload[] {
  const replicas = argoCdReplicas(settings.highAvailability);
  const redis: Workload[] = settings.highAvailability
    ? [
        {
          name: "redis-ha-server",
          kind: "StatefulSet",
          replicas: REDIS_HA_REPLICAS,
          oneReplicaPerNode: true,
          containers: [
            container("redis-ha.redis.resources", resources("100m", "128Mi", "500m", "256Mi")),
            container("redis-ha.sentinel.resources", TINY),
            container("redis-ha.splitBrainDetection.resources", TINY),
          ],
          initContainers: [container("redis-ha.init.resources", TINY)],
        },
        {
          name: "redis-ha-haproxy",
          kind: "Deployment",
          replicas: REDIS_HA_REPLICAS,
          oneReplicaPerNode: true,
          containers: [container("redis-ha.haproxy.resources", resources("50m", "64Mi", "200m", "128Mi"))],
          initContainers: [container("redis-ha.haproxy.init.resources", TINY)],
        },
      ]
    : [{ name: "redis", kind: "Deployment", replicas: 1, containers: [container("redis.resources", resources("50m", "64Mi", "200m", "128Mi"))] }];
  return [
    { name: "application-controller", kind: "StatefulSet", replicas, containers: [container("controller.resources", resources("250m", "512Mi", "1", "1Gi"))] },
    { name: "server", kind: "Deployment", replicas, containers: [container("server.resources", resources("50m", "128Mi", "500m", "256Mi"))] },
    {
      name: "repo-server",
      kind: "Deployment",
      replicas,
      containers: [container("repoServer.resources", resources("100m", "256Mi", "1", "512Mi"))],
      initContainers: [container("repoServer.copyutil.resources", TINY)],
    },
    { name: "applicationset-controller", kind: "Deployment", replicas, containers: [container("applicationSet.resources", resources("50m", "128Mi", "500m", "256Mi"))] },
    ...redis,
    { name: "redis-secret-init", kind: "Job", replicas: 1, containers: [container("redisSecretInit.resources", TINY)] },
  ];
}

// ---------------------------------------------------------------- kube-prometheus-stack

export function kubePrometheusStackWorkloads(settings: { readonly prometheusReplicas: number; readonly alertmanagerReplicas: number }): Workload[] {
  // The operator adds a config-reloader to the Prometheus and Alertmanager pods (one values key for both).
  const reloader = container("prometheusOperator.prometheusConfigReloader.resources", TINY);
  return [
    { name: "prometheus-operator", kind: "Deployment", replicas: 1, containers: [container("prometheusOperator.resources", resources("100m", "128Mi", "500m", "256Mi"))] },
    {
      name: "prometheus",
      kind: "StatefulSet",
      replicas: settings.prometheusReplicas,
      containers: [container("prometheus.prometheusSpec.resources", resources("250m", "1Gi", "1", "2Gi")), reloader],
      initContainers: [reloader],
    },
    {
      name: "alertmanager",
      kind: "StatefulSet",
      replicas: settings.alertmanagerReplicas,
      containers: [container("alertmanager.alertmanagerSpec.resources", resources("20m", "64Mi", "200m", "128Mi")), reloader],
      initContainers: [reloader],
    },
    {
      name: "grafana",
      kind: "Deployment",
      replicas: 1,
      // The dashboard and datasource sidecars share one key.
      containers: [container("grafana.resources", resources("100m", "256Mi", "500m", "512Mi")), container("grafana.sidecar.resources", TINY), container("grafana.sidecar.resources", TINY)],
    },
    { name: "kube-state-metrics", kind: "Deployment", replicas: 1, containers: [container("kube-state-metrics.resources", resources("20m", "64Mi", "200m", "256Mi"))] },
    { name: "node-exporter", kind: "DaemonSet", replicas: 1, containers: [container("prometheus-node-exporter.resources", resources("20m", "32Mi", "200m", "64Mi"))] },
    { name: "admission-webhook-patch", kind: "Job", replicas: 1, containers: [container("prometheusOperator.admissionWebhooks.patch.resources", TINY)] },
  ];
}

// ---------------------------------------------------------------- External Secrets Operator

export function externalSecretsWorkloads(): Workload[] {
  return [
    { name: "controller", kind: "Deployment", replicas: 1, containers: [container("resources", resources("20m", "64Mi", "200m", "256Mi"))] },
    { name: "webhook", kind: "Deployment", replicas: 1, containers: [container("webhook.resources", resources("10m", "32Mi", "100m", "128Mi"))] },
    { name: "cert-controller", kind: "Deployment", replicas: 1, containers: [container("certController.resources", resources("10m", "32Mi", "100m", "128Mi"))] },
  ];
}

// ---------------------------------------------------------------- Kyverno

export function kyvernoWorkloads(settings: { readonly admissionReplicas: number }): Workload[] {
  // Requests as the chart's own defaults; CPU limits added (the chart sets memory limits only).
  const controller = resources("100m", "64Mi", "500m", "128Mi");
  return [
    {
      name: "admission-controller",
      kind: "Deployment",
      replicas: settings.admissionReplicas,
      containers: [container("admissionController.container.resources", resources("100m", "128Mi", "1", "384Mi"))],
      initContainers: [container("admissionController.initContainer.resources", resources("10m", "64Mi", "100m", "256Mi"))],
    },
    { name: "background-controller", kind: "Deployment", replicas: 1, containers: [container("backgroundController.resources", controller)] },
    { name: "cleanup-controller", kind: "Deployment", replicas: 1, containers: [container("cleanupController.resources", controller)] },
    { name: "reports-controller", kind: "Deployment", replicas: 1, containers: [container("reportsController.resources", controller)] },
  ];
}

// ---------------------------------------------------------------- metrics-server, load balancer controller

/** Two replicas, so the resource metrics API survives a node drain. */
export const METRICS_SERVER_REPLICAS = 2;

export function metricsServerWorkloads(): Workload[] {
  // Requests as the chart's values.yaml suggests (100m, 200Mi).
  return [{ name: "metrics-server", kind: "Deployment", replicas: METRICS_SERVER_REPLICAS, containers: [container("resources", resources("100m", "200Mi", "500m", "400Mi"))] }];
}

/** One controller: it reconciles records every minute, and a restart loses nothing (the records carry their owner). */
export function externalDnsWorkloads(): Workload[] {
  return [{ name: "external-dns", kind: "Deployment", replicas: 1, containers: [container("resources", resources("10m", "64Mi", "100m", "128Mi"))] }];
}

/** The chart's own `replicaCount: 2`, written out. */
export const LOAD_BALANCER_CONTROLLER_REPLICAS = 2;

export function loadBalancerControllerWorkloads(): Workload[] {
  return [{ name: "controller", kind: "Deployment", replicas: LOAD_BALANCER_CONTROLLER_REPLICAS, containers: [container("resources", resources("50m", "128Mi", "200m", "256Mi"))] }];
}

// ---------------------------------------------------------------- into the values

/** A workload's containers and init containers, each with its values key. */
export const everyContainer = (workload: Workload): readonly WorkloadContainer[] => [...workload.containers, ...(workload.initContainers ?? [])];

/**
 * The release's values with each container's resources written at its key. A key that already
 * holds a value is an error: the resources of a container are set here and nowhere else.
 */
export function withResources(values: object, workloads: readonly Workload[]): object {
  const result = structuredClone(values) as Record<string, unknown>;
  for (const { valuesPath, resources: spec } of workloads.flatMap(everyContainer)) {
    const keys = valuesPath.split(".");
    let node = result;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    const last = keys[keys.length - 1]!;
    const existing = node[last];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(spec)) {
      throw new Error(`withResources: ${valuesPath} is already set to ${JSON.stringify(existing)}; set a container's resources in modules/platform/workloads.ts only.`);
    }
    node[last] = spec;
  }
  return result;
}

// ---------------------------------------------------------------- off-hours jobs

/** The off-hours CronJobs' one container (kubectl and jq; modules/platform/off-hours.ts). */
export const OFF_HOURS_JOB_RESOURCES = resources("50m", "64Mi", "200m", "128Mi");

// ---------------------------------------------------------------- quantities

/** CPU quantity in millicores ("250m" → 250, "1" → 1000). */
export function milliCpu(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
  if (!match) throw new Error(`${quantity} is not a CPU quantity such as 250m or 1.`);
  return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
}

const MEMORY_UNITS: Readonly<Record<string, number>> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** Memory quantity in MiB ("512Mi" → 512, "2Gi" → 2048). */
export function mebibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!match) throw new Error(`${quantity} is not a memory quantity such as 512Mi or 2Gi.`);
  return Number(match[1]) * MEMORY_UNITS[match[2]!]!;
}

/** What one pod of a workload asks the scheduler for: the larger of its containers' sum and its largest init container. */
export function podRequests(workload: Workload): { readonly milliCpu: number; readonly mebibytes: number } {
  const sum = (key: "cpu" | "memory", parse: (q: string) => number) => workload.containers.reduce((total, c) => total + parse(c.resources.requests[key]), 0);
  const init = (key: "cpu" | "memory", parse: (q: string) => number) => Math.max(0, ...(workload.initContainers ?? []).map((c) => parse(c.resources.requests[key])));
  return { milliCpu: Math.max(sum("cpu", milliCpu), init("cpu", milliCpu)), mebibytes: Math.max(sum("memory", mebibytes), init("memory", mebibytes)) };
}

// ---------------------------------------------------------------- application quotas

/** What the cluster offers at most: its pools at their maximum size, less what the EKS add-ons request there. */
export interface ClusterCapacity {
  readonly nodes: number;
  readonly milliCpu: number;
  readonly mebibytes: number;
  readonly pods: number;
  /** The smallest node the pools may start (allocatable, less the add-ons' DaemonSets). */
  readonly smallestNode: { readonly milliCpu: number; readonly mebibytes: number };
}

/** One application namespace's ResourceQuota (`hard`) and LimitRange (per container). */
export interface ApplicationQuota {
  readonly hard: Readonly<Record<string, string>>;
  readonly container: { readonly defaultRequest: ContainerResources["requests"]; readonly default: ContainerResources["limits"]; readonly max: ContainerResources["limits"] };
}

/** Share of what the platform leaves that the application namespaces may request: the rest is room for rolling updates. */
export const APPLICATION_SHARE = 0.8;
/** Limits may exceed requests by this factor in total (burst), never a node's worth in one container. */
export const LIMIT_OVERCOMMIT = 2;

/**
 * Splits what the cluster offers at its maximum size, less every platform pod (DaemonSets on every
 * node), evenly between the application namespaces; each container gets small defaults and may
 * not ask for more than the smallest node has left beside the DaemonSets. Load balancer and
 * NodePort Services are refused (applications are published through the Ingress class).
 */
export function applicationQuota(capacity: ClusterCapacity, platform: readonly Workload[], namespaces: number): ApplicationQuota {
  if (namespaces < 1) throw new Error("applicationQuota: no application namespace to size a quota for.");
  let milli = 0, mib = 0, pods = 0;
  let perNodeMilli = 0, perNodeMib = 0;
  for (const workload of platform.filter((w) => w.kind !== "Job")) {
    const one = podRequests(workload);
    const count = workload.kind === "DaemonSet" ? capacity.nodes : workload.replicas;
    milli += count * one.milliCpu;
    mib += count * one.mebibytes;
    pods += count;
    if (workload.kind === "DaemonSet") {
      perNodeMilli += one.milliCpu;
      perNodeMib += one.mebibytes;
    }
  }
  const share = (total: number, used: number) => Math.floor(((total - used) * APPLICATION_SHARE) / namespaces);
  const cpu = share(capacity.milliCpu, milli);
  const memory = share(capacity.mebibytes, mib);
  const podCount = share(capacity.pods, pods);
  if (cpu < 100 || memory < 128 || podCount < 1) {
    throw new Error(
      `applicationQuota: the cluster at its maximum size leaves ${cpu}m CPU, ${memory} MiB and ${podCount} pods per application namespace (${namespaces} of them). ` +
        "Fix: raise the node pools' maxSize or larger instance types, or list fewer application namespaces.",
    );
  }
  const largest = { milliCpu: Math.min(cpu, capacity.smallestNode.milliCpu - perNodeMilli), mebibytes: Math.min(memory, capacity.smallestNode.mebibytes - perNodeMib) };
  return {
    hard: {
      "requests.cpu": `${cpu}m`,
      "requests.memory": `${memory}Mi`,
      "limits.cpu": `${cpu * LIMIT_OVERCOMMIT}m`,
      "limits.memory": `${memory * LIMIT_OVERCOMMIT}Mi`,
      pods: String(podCount),
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    },
    container: {
      defaultRequest: { cpu: "100m", memory: "128Mi" },
      default: { cpu: "500m", memory: "512Mi" },
      max: { cpu: `${Math.floor(largest.milliCpu)}m`, memory: `${Math.floor(largest.mebibytes)}Mi` },
    },
  };
}
