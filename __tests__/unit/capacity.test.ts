/**
 * The platform fits: every environment's add-ons and platform releases, at their configured
 * replica counts, on the environment's minimum capacity (minSize nodes of each pool's smallest
 * type) with headroom left for the first application pods and rolling updates. What each pod
 * requests is read back from the synthesized Helm values; what a node offers is the EKS AMI's
 * allocatable estimate (src/config/instance-types.ts, sources there).
 */
import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { AWS, resourcesOf, sharedTestApp, stackOf, synthStack } from "../support/synth";
import { estimatedNodeAllocatable } from "../../src/config/instance-types";
import { ADDON_PODS, AUTO_MODE_ADDONS, EKS_ADDONS } from "../../modules/eks/addons";
import { PlatformServices } from "../../modules/platform/platform-services";
import { applicationQuota, everyContainer, mebibytes, milliCpu, podRequests, type Workload } from "../../modules/platform/workloads";
import { CHARTS, type PlatformChart } from "../../modules/platform/charts";
import { nodeClass, nodePool } from "../../modules/platform/node-pools";
import { nodeCapacity } from "../../src/stacks/node-capacity";
import type { EnvironmentConfig } from "../../src/config/types";
import { isObjectsRelease } from "../../modules/platform/objects-release";

/** Requests may take at most this share of the minimum capacity's CPU, memory and pod slots. */
const MAX_SHARE = 0.8;

const built = sharedTestApp(AWS);

function platformOf(env: EnvironmentConfig): PlatformServices {
  const stack = stackOf(built, `${env.name}-platform`) as TerraformStack;
  const found = stack.node.findAll().find((c): c is PlatformServices => c instanceof PlatformServices);
  if (!found) throw new Error(`${env.name}-platform has no PlatformServices`);
  return found;
}

function valueAt(values: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
}

interface Minimum {
  readonly nodes: number;
  readonly milliCpu: number;
  readonly mebibytes: number;
  readonly pods: number;
  readonly smallestNode: { readonly milliCpu: number; readonly mebibytes: number };
}

/** minSize nodes of each pool's smallest type (by CPU, then memory). */
const minimumCapacity = (env: EnvironmentConfig): Minimum => nodeCapacity(env, "minSize");

interface Demand {
  readonly pods: number;
  readonly milliCpu: number;
  readonly mebibytes: number;
  readonly largestPod: { readonly name: string; readonly milliCpu: number; readonly mebibytes: number };
}

function demandOn(nodes: number, workloads: readonly (Workload & { release: string })[], addonPods: typeof ADDON_PODS): Demand {
  let pods = 0, milliCpu = 0, mebibytes = 0;
  let largestPod = { name: "", milliCpu: 0, mebibytes: 0 };
  const add = (name: string, count: number, cpu: number, memory: number) => {
    pods += count;
    milliCpu += count * cpu;
    mebibytes += count * memory;
    if (cpu > largestPod.milliCpu) largestPod = { name, milliCpu: cpu, mebibytes: memory };
  };
  for (const workload of workloads) {
    if (workload.kind === "Job") continue;
    const one = podRequests(workload);
    add(`${workload.release}/${workload.name}`, workload.kind === "DaemonSet" ? nodes : workload.replicas, one.milliCpu, one.mebibytes);
  }
  for (const pod of addonPods) add(`${pod.addon}/${pod.name}`, pod.kind === "DaemonSet" ? nodes : pod.replicas, pod.milliCpu, pod.mebibytes);
  return { pods, milliCpu, mebibytes, largestPod };
}

describe.each(built.environments.map((env) => [env.name, env] as const))("%s: the platform fits the minimum capacity", (name, env) => {
  const platform = platformOf(env);
  const synthesized = synthStack(built, `${name}-platform`);
  // The objects chart's releases run no pods.
  const releases = Object.fromEntries(
    resourcesOf(synthesized, "helm_release")
      .filter(([, body]) => !isObjectsRelease(body))
      .map(([, body]) => [String(body.name), JSON.parse((body.values as string[])[0]!) as Record<string, unknown>]),
  );
  const workloads = Object.entries(platform.workloads).flatMap(([chart, list]) => list!.map((w) => ({ ...w, release: CHARTS[chart as PlatformChart].releaseName })));
  const installedAddons = env.eks.computeMode === "auto-mode" ? AUTO_MODE_ADDONS : EKS_ADDONS;
  const addonPods = ADDON_PODS.filter((pod) => installedAddons.includes(pod.addon));
  const minimum = minimumCapacity(env);
  const demand = demandOn(minimum.nodes, workloads, addonPods);

  it("knows the pods of every release it installs", () => {
    expect(Object.keys(platform.workloads).map((chart) => CHARTS[chart as PlatformChart].releaseName).sort()).toEqual(Object.keys(releases).sort());
  });

  it("sets explicit CPU and memory requests and limits on every container, read back from the synthesized values", () => {
    for (const workload of workloads) {
      for (const container of everyContainer(workload)) {
        const set = valueAt(releases[workload.release]!, container.valuesPath) as { requests?: Record<string, string>; limits?: Record<string, string> };
        expect(set, `${workload.release} ${container.valuesPath}`).toEqual(container.resources);
        expect(Object.keys(set.requests ?? {}).sort()).toEqual(["cpu", "memory"]);
        expect(Object.keys(set.limits ?? {}).sort()).toEqual(["cpu", "memory"]);
      }
    }
  });

  it(`requests at most ${MAX_SHARE * 100} % of the CPU, memory and pod slots of its minimum nodes`, () => {
    const shares = { cpu: demand.milliCpu / minimum.milliCpu, memory: demand.mebibytes / minimum.mebibytes, pods: demand.pods / minimum.pods };
    console.info(
      `${name}: ${demand.pods} pods, ${demand.milliCpu}m CPU, ${demand.mebibytes} MiB requested on ${minimum.nodes} node(s) offering ${minimum.pods} pods, ${minimum.milliCpu}m, ${minimum.mebibytes} MiB ` +
        `(${Math.round(shares.pods * 100)} % / ${Math.round(shares.cpu * 100)} % / ${Math.round(shares.memory * 100)} %)`,
    );
    expect(shares.cpu, "CPU").toBeLessThanOrEqual(MAX_SHARE);
    expect(shares.memory, "memory").toBeLessThanOrEqual(MAX_SHARE);
    expect(shares.pods, "pods").toBeLessThanOrEqual(MAX_SHARE);
  });

  it("has room on one node for its largest pod, next to the DaemonSets", () => {
    const daemonSets = demandOn(1, workloads.filter((w) => w.kind === "DaemonSet"), addonPods.filter((p) => p.kind === "DaemonSet"));
    expect(demand.largestPod.milliCpu + daemonSets.milliCpu, demand.largestPod.name).toBeLessThanOrEqual(minimum.smallestNode.milliCpu);
    expect(demand.largestPod.mebibytes + daemonSets.mebibytes, demand.largestPod.name).toBeLessThanOrEqual(minimum.smallestNode.mebibytes);
  });

  it("has a node for every replica that must run alone (redis-ha's hard anti-affinity)", () => {
    for (const workload of workloads.filter((w) => w.oneReplicaPerNode)) {
      expect(workload.replicas, `${workload.release}/${workload.name}`).toBeLessThanOrEqual(minimum.nodes);
    }
    if (env.platform.argocd.highAvailability) expect(workloads.filter((w) => w.oneReplicaPerNode).map((w) => w.name).sort()).toEqual(["redis-ha-haproxy", "redis-ha-server"]);
  });
});

describe("the capacity arithmetic itself", () => {
  it("matches the published AL2023 allocatable of the seed's instance types", () => {
    expect(estimatedNodeAllocatable("t3.medium")).toEqual({ pods: 17, milliCpu: 1930, mebibytes: 3246 });
    expect(estimatedNodeAllocatable("t3.large")).toEqual({ pods: 35, milliCpu: 1930, mebibytes: 6837 });
    expect(estimatedNodeAllocatable("m5.large")).toEqual({ pods: 29, milliCpu: 1930, mebibytes: 6903 });
    expect(estimatedNodeAllocatable("m5.xlarge")).toEqual({ pods: 58, milliCpu: 3920, mebibytes: 14162 });
  });

  it("fails an environment whose platform does not fit: prod's highly available platform on dev's two t3.medium", () => {
    const prodEnv = built.environments.find((e) => e.name === "prod")!;
    const workloads = Object.entries(platformOf(prodEnv).workloads).flatMap(([chart, list]) => list!.map((w) => ({ ...w, release: CHARTS[chart as PlatformChart].releaseName })));
    const small = minimumCapacity({ ...prodEnv, eks: { ...prodEnv.eks, nodeGroups: [{ ...prodEnv.eks.nodeGroups[0]!, instanceTypes: ["t3.medium"], minSize: 2 }] } });
    const demand = demandOn(small.nodes, workloads, ADDON_PODS.filter((p) => AUTO_MODE_ADDONS.includes(p.addon)));
    expect(demand.milliCpu / small.milliCpu).toBeGreaterThan(MAX_SHARE);
    expect(workloads.find((w) => w.name === "redis-ha-server")!.replicas).toBeGreaterThan(small.nodes);
  });
});

describe("node pool manifests refuse what Auto Mode would", () => {
  const nodes = { roleName: "r", subnetSelectorTerms: [{ id: "subnet-1" }], securityGroupSelectorTerms: [{ id: "sg-1" }], diskSizeGib: 50, volumeKmsKeyArn: "k", tags: {} };
  const pool = { name: "p", nodeClassName: "p", instanceTypes: ["t3.medium"], capacityTypes: ["on-demand" as const], architectures: ["amd64" as const], zones: ["us-west-2a"], limits: { milliCpu: 1000, memoryMib: 1024 }, weight: 100 };

  it("refuses a NodeClass named default (Auto Mode's own) and a weight outside 1-100", () => {
    expect(() => nodeClass({ ...nodes, name: "default" })).toThrow(/"default" is Auto Mode's own NodeClass\. Fix: /);
    expect(() => nodePool({ ...pool, weight: 0 })).toThrow(/weight 0 is outside 1-100/);
    // No taint: no taints field and no template labels at all (an empty list would reach the API as null).
    expect(nodePool(pool).spec.template.spec.taints).toBeUndefined();
    expect(nodePool(pool).spec.template.metadata).toBeUndefined();
  });
});

describe.each(built.environments.map((env) => [env.name, env] as const))("%s: application namespaces share what the platform leaves", (name, env) => {
  const synthesized = synthStack(built, `${name}-platform`);
  const quotas = resourcesOf(synthesized, "kubernetes_resource_quota_v1").map(([, q]) => q as { metadata: { namespace: string }; spec: { hard: Record<string, string> } });
  const limits = resourcesOf(synthesized, "kubernetes_limit_range_v1").map(([, l]) => l as { metadata: { namespace: string }; spec: { limit: { type: string; max: Record<string, string>; default: Record<string, string>; default_request: Record<string, string> }[] } });
  const namespaces = env.platform.applicationNamespaces.map((n) => n.name);

  it("gives each a ResourceQuota and a LimitRange, and refuses LoadBalancer and NodePort Services there", () => {
    expect(quotas.map((q) => q.metadata.namespace).sort()).toEqual([...namespaces].sort());
    expect(limits.map((l) => l.metadata.namespace).sort()).toEqual([...namespaces].sort());
    for (const quota of quotas) expect(quota.spec.hard).toMatchObject({ "services.loadbalancers": "0", "services.nodeports": "0" });
  });

  it("never promises more than the cluster at its maximum size holds beside the platform, and no container larger than its smallest node", () => {
    const platform = platformOf(env);
    const workloads = Object.values(platform.workloads).flatMap((list) => list!);
    const nodes = env.eks.nodeGroups.reduce((n, g) => n + g.maxSize, 0);
    const installedAddons = env.eks.computeMode === "auto-mode" ? AUTO_MODE_ADDONS : EKS_ADDONS;
    const demand = demandOn(nodes, workloads.map((w) => ({ ...w, release: "" })), ADDON_PODS.filter((pod) => installedAddons.includes(pod.addon)));
    const max = nodeCapacity(env, "maxSize");
    const offered = { ...max, smallest: max.smallestNode.milliCpu };
    const total = (key: string, parse: (q: string) => number) => quotas.reduce((sum, q) => sum + parse(q.spec.hard[key]!), 0);
    const cpu = total("requests.cpu", milliCpu), memory = total("requests.memory", mebibytes), pods = total("pods", Number);
    console.info(`${name}: ${quotas.length} application namespaces, each ${quotas[0]!.spec.hard["requests.cpu"]} CPU, ${quotas[0]!.spec.hard["requests.memory"]}, ${quotas[0]!.spec.hard.pods} pods; platform ${demand.milliCpu}m, ${demand.mebibytes} MiB, ${demand.pods} pods of ${offered.milliCpu}m, ${offered.mebibytes} MiB, ${offered.pods} pods at ${nodes} nodes`);
    expect(cpu + demand.milliCpu).toBeLessThanOrEqual(offered.milliCpu);
    expect(memory + demand.mebibytes).toBeLessThanOrEqual(offered.mebibytes);
    expect(pods + demand.pods).toBeLessThanOrEqual(offered.pods);
    for (const limit of limits) expect(milliCpu(limit.spec.limit[0]!.max.cpu!)).toBeLessThan(offered.smallest);
  });
});

describe("the application quota arithmetic", () => {
  const capacity = { nodes: 2, milliCpu: 3860, mebibytes: 6492, pods: 34, smallestNode: { milliCpu: 1930, mebibytes: 3246 } };
  const platform = [{ name: "p", kind: "Deployment" as const, replicas: 4, containers: [{ valuesPath: "r", resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } } }] }];

  it("splits 80 % of what the platform leaves between the namespaces", () => {
    const quota = applicationQuota(capacity, platform, 2);
    expect(quota.hard).toMatchObject({ "requests.cpu": `${Math.floor(((3860 - 2000) * 0.8) / 2)}m`, "requests.memory": `${Math.floor(((6492 - 4096) * 0.8) / 2)}Mi`, pods: String(Math.floor(((34 - 4) * 0.8) / 2)) });
  });

  it("refuses to cut a quota when the platform leaves too little, naming the fix", () => {
    expect(() => applicationQuota(capacity, platform, 40)).toThrow(/leaves .* per application namespace \(40 of them\)\. Fix: raise the node pools' maxSize/);
  });
});
