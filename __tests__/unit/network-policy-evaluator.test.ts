/**
 * The NetworkPolicy evaluator of the reachability matrix (__tests__/support/network-policy.ts),
 * checked against the cases the Kubernetes documentation spells out
 * (concepts/services-networking/network-policies, read 2026-12-07).
 */
import { describe, expect, it } from "vitest";
import { inCidr, mayConnect, selects, type Cluster, type NetworkPolicy, type Pod } from "../support/network-policy";

const pod = (namespace: string, labels: Record<string, string>, ip: string, node = "node-a", namedPorts?: Record<string, number>): { pod: Pod } => ({ pod: { namespace, labels, ip, node, namedPorts } });
const policy = (namespace: string, spec: NetworkPolicy["spec"], name = "p"): NetworkPolicy => ({ metadata: { name, namespace }, spec });

const db = pod("default", { role: "db" }, "10.0.1.10", "node-b", { postgres: 5432 });
const frontend = pod("default", { role: "frontend" }, "10.0.1.11");
const otherNamespacePod = pod("team", { role: "frontend" }, "10.0.2.12");
const myprojectPod = pod("myproject", {}, "10.0.3.13");

/** The documentation's test-network-policy, ingress part. */
const documented: NetworkPolicy = policy("default", {
  podSelector: { matchLabels: { role: "db" } },
  policyTypes: ["Ingress"],
  ingress: [
    {
      from: [{ ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } }, { namespaceSelector: { matchLabels: { project: "myproject" } } }, { podSelector: { matchLabels: { role: "frontend" } } }],
      ports: [{ protocol: "TCP", port: 6379 }],
    },
  ],
});
const cluster = (...policies: NetworkPolicy[]): Cluster => ({ namespaces: { default: {}, team: {}, myproject: { project: "myproject" } }, policies });

describe("the NetworkPolicy evaluator", () => {
  it("allows everything to a pod no policy selects", () => {
    expect(mayConnect(cluster(), otherNamespacePod, db, 1)).toBe(true);
    expect(mayConnect(cluster(documented), db, frontend, 9999)).toBe(true);
  });

  it("decides the documentation's example: ipBlock with except, a namespaceSelector, a podSelector of the policy's namespace, one port", () => {
    const c = cluster(documented);
    expect(mayConnect(c, frontend, db, 6379)).toBe(true);
    expect(mayConnect(c, frontend, db, 6380)).toBe(false);
    expect(mayConnect(c, myprojectPod, db, 6379)).toBe(true);
    // A frontend pod of another namespace: the podSelector alone means the policy's namespace.
    expect(mayConnect(c, otherNamespacePod, db, 6379)).toBe(false);
    expect(mayConnect(c, { ip: "172.17.0.5" }, db, 6379)).toBe(true);
    expect(mayConnect(c, { ip: "172.17.1.5" }, db, 6379)).toBe(false);
    expect(mayConnect(c, { ip: "172.17.0.5" }, db, 6379, "UDP")).toBe(false);
  });

  it("ANDs namespaceSelector and podSelector in one peer, ORs them in two", () => {
    const and = policy("default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { project: "myproject" } }, podSelector: { matchLabels: { role: "client" } } }] }] });
    const or = policy("default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { project: "myproject" } } }, { podSelector: { matchLabels: { role: "client" } } }] }] });
    const client = pod("myproject", { role: "client" }, "10.0.3.14");
    expect(mayConnect(cluster(and), client, db, 80)).toBe(true);
    expect(mayConnect(cluster(and), myprojectPod, db, 80)).toBe(false);
    expect(mayConnect(cluster(or), myprojectPod, db, 80)).toBe(true);
  });

  it("ORs rules and policies: any one allowing is enough; a policy without rules only isolates", () => {
    const deny = policy("default", { podSelector: {}, policyTypes: ["Ingress"] }, "deny");
    expect(mayConnect(cluster(deny), frontend, db, 6379)).toBe(false);
    expect(mayConnect(cluster(deny, documented), frontend, db, 6379)).toBe(true);
  });

  it("matches named ports on the destination pod and port ranges with endPort", () => {
    const named = policy("default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: "postgres" }] }] });
    const range = policy("default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }] }] });
    expect(mayConnect(cluster(named), otherNamespacePod, db, 5432)).toBe(true);
    expect(mayConnect(cluster(named), otherNamespacePod, db, 5433)).toBe(false);
    expect(mayConnect(cluster(range), otherNamespacePod, db, 32768)).toBe(true);
    expect(mayConnect(cluster(range), otherNamespacePod, db, 32769)).toBe(false);
  });

  it("isolates egress only where policyTypes names it (or an egress section implies it), and needs both ends to agree", () => {
    const egressDeny = policy("default", { podSelector: { matchLabels: { role: "frontend" } }, policyTypes: ["Egress"] });
    const impliedEgress = policy("default", { podSelector: { matchLabels: { role: "frontend" } }, egress: [{ ports: [{ protocol: "UDP", port: 53 }] }] });
    expect(mayConnect(cluster(egressDeny), frontend, db, 6379)).toBe(false);
    expect(mayConnect(cluster(impliedEgress), frontend, db, 6379)).toBe(false);
    expect(mayConnect(cluster(impliedEgress), frontend, { ip: "10.0.0.2" }, 53, "UDP")).toBe(true);
    // Egress open at the source, ingress closed at the destination.
    expect(mayConnect(cluster(documented), otherNamespacePod, db, 6379)).toBe(false);
  });

  it("always allows the pod's own node, and matches ipBlock against pod addresses too", () => {
    const deny = policy("default", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(mayConnect(cluster(deny), { ip: "10.0.0.50", node: "node-b" }, db, 5432)).toBe(true);
    expect(mayConnect(cluster(deny), { ip: "10.0.0.51", node: "node-c" }, db, 5432)).toBe(false);
    const vpc = policy("default", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }] }] });
    expect(mayConnect(cluster(vpc), otherNamespacePod, db, 5432)).toBe(true);
  });

  it("selects labels by matchLabels and every matchExpressions operator; reads CIDRs bit by bit", () => {
    const labels = { app: "web", tier: "front" };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }, { key: "app", operator: "Exists" }] }, labels)).toBe(true);
    expect(inCidr("10.0.15.255", "10.0.0.0/20")).toBe(true);
    expect(inCidr("10.0.16.0", "10.0.0.0/20")).toBe(false);
    expect(inCidr("192.168.1.1", "0.0.0.0/0")).toBe(true);
  });
});
