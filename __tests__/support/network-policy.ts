/**
 * Who may connect to whom under a set of NetworkPolicies, decided as the Kubernetes documentation
 * states the semantics (concepts/services-networking/network-policies, networking.k8s.io/v1 API):
 *
 *  - a pod is isolated for ingress (egress) when some policy of its namespace selects it and has
 *    "Ingress" ("Egress") in policyTypes; policyTypes left out means ["Ingress"], plus "Egress"
 *    when the policy has an egress section;
 *  - a non-isolated direction allows everything; an isolated one allows what any rule of any
 *    policy selecting the pod allows (rules and policies are OR'ed);
 *  - a rule with no `from`/`to` matches every peer, with no `ports` every port; a peer with both
 *    namespaceSelector and podSelector matches pods that satisfy both; podSelector alone means
 *    the policy's own namespace; ipBlock matches addresses in `cidr` and not in `except`;
 *  - a port is a number or a container port's name on the destination pod, `endPort` makes a
 *    range, the protocol defaults to TCP;
 *  - a connection needs the source pod's egress and the destination pod's ingress to allow it;
 *    traffic from the node a pod runs on is always allowed.
 *
 * ipBlock is matched against every source address, pods' included: with the VPC CNI pods hold VPC
 * addresses, and a policy admitting the VPC's range admits them (the reason this module exists).
 */

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; readonly values?: readonly string[] }[];
}

export interface PolicyPort {
  readonly protocol?: "TCP" | "UDP" | "SCTP";
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface NetworkPolicy {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes?: readonly ("Ingress" | "Egress")[];
    readonly ingress?: readonly { readonly from?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
    readonly egress?: readonly { readonly to?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
  };
}

export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly node: string;
  /** Container ports by name (for named ports in policies). */
  readonly namedPorts?: Readonly<Record<string, number>>;
}

/** A connection's far end: a pod, or an address outside every pod (a load balancer, the control plane, another node). */
export type Endpoint = { readonly pod: Pod } | { readonly ip: string; readonly node?: string };

export interface Cluster {
  /** Namespace → its labels (kubernetes.io/metadata.name is added, as the API server does). */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly policies: readonly NetworkPolicy[];
}

export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In":
        return key in labels && values.includes(labels[key]!);
      case "NotIn":
        return !(key in labels) || !values.includes(labels[key]!);
      case "Exists":
        return key in labels;
      case "DoesNotExist":
        return !(key in labels);
    }
  });
  return byLabel && byExpression;
}

function ipNumber(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`${ip} is not an IPv4 address`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  if (!base || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`${cidr} is not an IPv4 CIDR`);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((ipNumber(ip) & mask) >>> 0) === ((ipNumber(base) & mask) >>> 0);
}

const namespaceLabels = (cluster: Cluster, name: string) => ({ ...(cluster.namespaces[name] ?? {}), "kubernetes.io/metadata.name": name });

function peerMatches(cluster: Cluster, policyNamespace: string, peer: PolicyPeer, other: Endpoint): boolean {
  if (peer.ipBlock) {
    const ip = "pod" in other ? other.pod.ip : other.ip;
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((cidr) => inCidr(ip, cidr));
  }
  if (!("pod" in other)) return false;
  const { pod } = other;
  const namespaceOk = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels(cluster, pod.namespace)) : pod.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, pod.labels);
}

/** `namedPorts`: the destination pod's container ports by name (none towards an address). */
function portMatches(ports: readonly PolicyPort[] | undefined, port: number, protocol: string, namedPorts: Readonly<Record<string, number>>): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === "number" ? p.port : namedPorts[p.port];
    if (number === undefined) return false;
    return p.endPort !== undefined && typeof p.port === "number" ? port >= number && port <= p.endPort : port === number;
  });
}

const typesOf = (policy: NetworkPolicy) => policy.spec.policyTypes ?? (policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);

/** Whether `pod`'s policies let the connection in (`direction` Ingress, `other` the source) or out (Egress, `other` the destination). */
function allowedAt(cluster: Cluster, pod: Pod, direction: "Ingress" | "Egress", other: Endpoint, port: number, protocol: string, portOwner: Pod | undefined): boolean {
  const applying = cluster.policies.filter((p) => p.metadata.namespace === pod.namespace && selects(p.spec.podSelector, pod.labels) && typesOf(p).includes(direction));
  if (applying.length === 0) return true;
  return applying.some((policy) => {
    const rules = direction === "Ingress" ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    return rules.some(({ peers, ports }) => {
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(cluster, policy.metadata.namespace, peer, other));
      // A named port is resolved on the destination pod; towards an address it cannot match.
      return peerOk && portMatches(ports, port, protocol, portOwner?.namedPorts ?? {});
    });
  });
}

/** May `source` open a connection to `destination` on `port`? */
export function mayConnect(cluster: Cluster, source: Endpoint, destination: Endpoint, port: number, protocol: "TCP" | "UDP" | "SCTP" = "TCP"): boolean {
  const target = "pod" in destination ? destination.pod : undefined;
  if (target && !("pod" in source) && source.node !== undefined && source.node === target.node) return true;
  const outOk = "pod" in source ? allowedAt(cluster, source.pod, "Egress", destination, port, protocol, target) : true;
  const inOk = target ? allowedAt(cluster, target, "Ingress", source, port, protocol, target) : true;
  return outOk && inOk;
}
