/**
 * Who may reach what inside each environment's cluster: every NetworkPolicy the platform stack
 * synthesizes, evaluated as Kubernetes does (__tests__/support/network-policy.ts), over a matrix of
 * sources (each namespace's pods, Prometheus, the ALB's subnets, the control plane's ENIs, another
 * node, the pod's own node) and destination ports, against the answer the design gives for each
 * cell, written out below independently of modules/platform/security.ts.
 */
import { describe, expect, it } from "vitest";
import { AWS, manifestsOf, resourcesOf, sharedTestApp, synthStack } from "../support/synth";
import { inCidr, mayConnect, type Cluster, type Endpoint, type NetworkPolicy, type Pod } from "../support/network-policy";
import { subnetLayout } from "../../modules/network/subnet-layout";
import type { EnvironmentConfig } from "../../src/config/types";

const built = sharedTestApp(AWS);

// ---------------------------------------------------------------- the design, cell by cell

/** Admission webhooks: only the control plane reaches these container ports. */
const WEBHOOK_PORTS: Record<string, number[]> = { "external-secrets": [10250], monitoring: [10250], kyverno: [9443] };
/** Served through the ALB: only the load balancers' subnets reach these. No platform UI is published. */
const APPLICATION_PORT = 8080;
/** Namespaces Prometheus does not need to be let into: its own. */
const PROMETHEUS_HOME = "monitoring";
const PROMETHEUS_LABELS = { "app.kubernetes.io/name": "prometheus" };
/** Ports probed on every destination. */
const PORTS = [53, 3000, 5432, 8080, 9443, 10250];

type Source =
  | { readonly kind: "pod"; readonly namespace: string; readonly prometheus?: boolean }
  | { readonly kind: "load-balancer" | "control-plane" | "other-node" | "own-node" };

function expected(env: EnvironmentConfig, source: Source, destination: string, port: number): boolean {
  const apps = new Map(env.platform.applicationNamespaces.map((n) => [n.name, n.egress]));
  switch (source.kind) {
    case "own-node":
      return true;
    case "other-node":
      return false;
    case "control-plane":
      return (WEBHOOK_PORTS[destination] ?? []).includes(port);
    case "load-balancer":
      return apps.has(destination) && port === APPLICATION_PORT;
    case "pod": {
      if (source.namespace === destination) return true;
      if (source.prometheus) return true;
      // Another application namespace that declared this port of this one, nothing else.
      return (apps.get(source.namespace) ?? []).some((e) => e.to === destination && e.port === port);
    }
  }
}

/** Egress of a namespace's pods to outside the cluster: application namespaces reach DNS and what they declared; the platform's egress is open. */
function expectedEgress(env: EnvironmentConfig, namespace: string, to: "database" | "internet" | "dns", port: number): boolean {
  const egress = env.platform.applicationNamespaces.find((n) => n.name === namespace)?.egress;
  if (!egress) return true;
  if (to === "dns") return port === 53;
  return to === "database" && egress.some((e) => e.to === "database" && e.port === port);
}

// ---------------------------------------------------------------- the cluster, as synthesized

const clusters = new Map<string, ReturnType<typeof buildCluster>>();
function clusterOf(env: EnvironmentConfig, extra: NetworkPolicy[] = []) {
  if (extra.length > 0) return buildCluster(env, extra);
  if (!clusters.has(env.name)) clusters.set(env.name, buildCluster(env, []));
  return clusters.get(env.name)!;
}

function buildCluster(env: EnvironmentConfig, extra: NetworkPolicy[]) {
  const stack = synthStack(built, `${env.name}-platform`);
  const managed = resourcesOf(stack, "kubernetes_namespace_v1").map(([, n]) => (n.metadata as { name: string }).name);
  const namespaces = [...managed, "kube-system", "default"];
  const layout = subnetLayout(env.network.vpcCidr, env.network.availabilityZones);
  const host = (cidr: string, n: number) => cidr.replace(/\.\d+\/\d+$/, `.${n}`);
  const pods: Record<string, Pod> = {};
  namespaces.forEach((namespace, i) => {
    pods[namespace] = { namespace, labels: { app: "workload" }, ip: host(layout[i % layout.length]!.private, 10 + i), node: `node-${i}` };
  });
  const prometheus: Pod = { namespace: PROMETHEUS_HOME, labels: PROMETHEUS_LABELS, ip: host(layout[0]!.private, 200), node: "node-prometheus" };
  const policies = [...(manifestsOf(stack, "NetworkPolicy") as NetworkPolicy[]), ...extra];
  const cluster: Cluster = { namespaces: Object.fromEntries(namespaces.map((n) => [n, {}])), policies };
  const sources: [string, Source, (destination: Pod) => Endpoint][] = [
    ...namespaces.map((n): [string, Source, (d: Pod) => Endpoint] => [`pod in ${n}`, { kind: "pod", namespace: n }, () => ({ pod: pods[n]! })]),
    ["Prometheus", { kind: "pod", namespace: PROMETHEUS_HOME, prometheus: true }, () => ({ pod: prometheus })],
    ...layout.map((az, i): [string, Source, (d: Pod) => Endpoint] => [`ALB in ${az.public}`, { kind: "load-balancer" }, () => ({ ip: host(az.public, 20 + i) })]),
    ...layout.map((az, i): [string, Source, (d: Pod) => Endpoint] => [`control plane in ${az.controlPlane}`, { kind: "control-plane" }, () => ({ ip: host(az.controlPlane, 20 + i) })]),
    ["another node", { kind: "other-node" }, () => ({ ip: host(layout[1 % layout.length]!.private, 250), node: "node-other" })],
    ["the pod's own node", { kind: "own-node" }, (d) => ({ ip: host(layout[0]!.private, 251), node: d.node })],
  ];
  return { managed, cluster, pods, sources, layout, policies, host };
}

/** Every cell where the synthesized policies and the design disagree. */
function mismatches(env: EnvironmentConfig, extra: NetworkPolicy[] = []): string[] {
  const { managed, cluster, pods, sources, layout, host } = clusterOf(env, extra);
  const wrong: string[] = [];
  for (const destination of managed) {
    for (const [label, source, endpoint] of sources) {
      for (const port of PORTS) {
        const actual = mayConnect(cluster, endpoint(pods[destination]!), { pod: pods[destination]! }, port);
        if (actual !== expected(env, source, destination, port)) wrong.push(`${label} -> ${destination}:${port} is ${actual ? "allowed" : "refused"}`);
      }
    }
  }
  const outside = { database: host(layout[0]!.database, 30), internet: "203.0.113.10" };
  for (const namespace of managed) {
    const from = { pod: pods[namespace]! };
    for (const port of [443, 5432]) {
      for (const to of ["database", "internet"] as const) {
        const actual = mayConnect(cluster, from, { ip: outside[to] }, port);
        if (actual !== expectedEgress(env, namespace, to, port)) wrong.push(`${namespace} -> ${to}:${port} is ${actual ? "allowed" : "refused"}`);
      }
    }
    for (const protocol of ["UDP", "TCP"] as const) {
      const actual = mayConnect(cluster, from, { pod: pods["kube-system"]! }, 53, protocol);
      if (actual !== expectedEgress(env, namespace, "dns", 53)) wrong.push(`${namespace} -> DNS ${protocol}/53 is ${actual ? "allowed" : "refused"}`);
    }
  }
  return wrong;
}

/** Who may reach each namespace, from the evaluated cells (the table the docs show). */
function reachability(env: EnvironmentConfig): string {
  const { managed, cluster, pods, sources } = clusterOf(env);
  return managed
    .map((destination) => {
      const who = sources
        .filter(([, s]) => !(s.kind === "pod" && s.namespace === destination) && s.kind !== "own-node")
        .flatMap(([label, , endpoint]) => {
          const ports = PORTS.filter((port) => mayConnect(cluster, endpoint(pods[destination]!), { pod: pods[destination]! }, port));
          return ports.length > 0 ? [`${label} (${ports.length === PORTS.length ? "any port" : ports.join(", ")})`] : [];
        });
      return `  ${destination}: own pods, own node${who.length > 0 ? ", " + who.join(", ") : ""}`;
    })
    .join("\n");
}

describe.each(built.environments.map((env) => [env.name, env] as const))("%s: who may reach what", (name, env) => {
  it("matches the design in every cell: sources × namespaces × ports, and the application namespaces' egress", () => {
    console.info(`${name}:\n${reachability(env)}`);
    expect(mismatches(env)).toEqual([]);
  });

  it("fails the matrix when a policy admits the VPC's range (allow-from-vpc) or all pods", () => {
    const fromVpc: NetworkPolicy = { metadata: { name: "allow-from-vpc", namespace: "kyverno" }, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: env.network.vpcCidr } }], ports: [{ protocol: "TCP", port: 9443 }] }] } };
    const allPods: NetworkPolicy = { metadata: { name: "allow-all-pods", namespace: "argocd" }, spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: {} }] }] } };
    expect(mismatches(env, [fromVpc])).toContain("pod in default -> kyverno:9443 is allowed");
    expect(mismatches(env, [allPods])).toContain("pod in kube-system -> argocd:8080 is allowed");
  });

  it("has a namespace for each of the architecture's applications, and no control-plane range that holds a node or pod", () => {
    expect(env.platform.applicationNamespaces.map((n) => n.name)).toEqual(["sample-app", "api-services", "web-frontend", "batch-jobs"]);
    const { layout } = clusterOf(env);
    // Aligned blocks overlap exactly when one holds the other's first address.
    const base = (cidr: string) => cidr.split("/")[0]!;
    const overlaps = (a: string, b: string) => inCidr(base(a), b) || inCidr(base(b), a);
    for (const az of layout) {
      for (const other of layout) expect([other.private, other.public, other.database].some((range) => overlaps(range, az.controlPlane)), az.controlPlane).toBe(false);
    }
  });
});
