/**
 * The EKS managed add-ons the cluster gets, and which of them must exist before nodes join.
 * Auto Mode runs networking, DNS, kube-proxy, EBS storage and Pod Identity itself, so only the
 * observability add-on is installed there.
 */
export const EKS_ADDONS = [
  "vpc-cni",
  "kube-proxy",
  "eks-pod-identity-agent",
  "coredns",
  "aws-ebs-csi-driver",
  "amazon-cloudwatch-observability",
] as const;

export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * Installed before the node groups: nodes only become Ready once the CNI runs, and DaemonSets are
 * healthy with no nodes. The others run Deployments, which need nodes to become ACTIVE.
 */
export const ADDONS_BEFORE_NODES: readonly EksAddonName[] = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"];

/**
 * Configuration of add-ons that need one. The VPC CNI's network policy agent enforces Kubernetes
 * NetworkPolicies (EKS user guide, cni-network-policy-configure: `{"enableNetworkPolicy": "true"}`,
 * add-on v1.14.0-eksbuild.3 or later, clusters 1.25 or later, Linux EC2 nodes).
 */
export const ADDON_CONFIGURATION: Partial<Record<EksAddonName, string>> = {
  "vpc-cni": JSON.stringify({ enableNetworkPolicy: "true" }),
};

/** Add-ons of a cluster in EKS Auto Mode (the rest are built into Auto Mode). */
export const AUTO_MODE_ADDONS: readonly EksAddonName[] = ["amazon-cloudwatch-observability"];

/** Every control-plane log EKS can send to CloudWatch Logs. */
export const EKS_CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/**
 * Log groups Container Insights writes (`/aws/containerinsights/<cluster>/<name>`): Fluent Bit
 * creates application, host and dataplane, the CloudWatch agent performance, each only "if they
 * don't already exist" (Amazon CloudWatch user guide, Container-Insights-setup-logs-FluentBit).
 */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"] as const;

/**
 * The pods each add-on runs and what they request, for the capacity arithmetic (the unit test that
 * sums every environment's pods against its smallest nodes). Read in the add-ons' upstream charts
 * and manifests at their newest tags (docs/platform.md "Capacity"): amazon-cloudwatch-observability
 * chart 6.4.0 values.yaml (`agent.resources`, `containerLogs.fluentBit.resources`,
 * `manager.resources`; the GPU and Neuron exporters run on those instance types only), aws-vpc-cni
 * v1.23.0 (aws-node and aws-eks-nodeagent, 25m each), aws-ebs-csi-driver chart 2.64.0 (controller
 * 2 × 60m/232Mi with the snapshotter, node 30m/104Mi), eks-pod-identity-agent v0.1.37 (`{}`),
 * CoreDNS 2 × 100m/70Mi (EKS user guide; the coredns/deployment manifest). kube-proxy's 100m is
 * not published by AWS: it is the figure seen in copies of the EKS manifest, unverified. The EKS
 * builds (`-eksbuild.N`) may differ from upstream.
 */
export interface AddonPods {
  readonly addon: EksAddonName;
  readonly name: string;
  readonly kind: "Deployment" | "DaemonSet";
  /** Deployments only; a DaemonSet runs one pod per node. */
  readonly replicas: number;
  /** Requests of the whole pod. */
  readonly milliCpu: number;
  readonly mebibytes: number;
}

export const ADDON_PODS: readonly AddonPods[] = [
  { addon: "amazon-cloudwatch-observability", name: "cloudwatch-agent", kind: "DaemonSet", replicas: 1, milliCpu: 250, mebibytes: 128 },
  { addon: "amazon-cloudwatch-observability", name: "fluent-bit", kind: "DaemonSet", replicas: 1, milliCpu: 50, mebibytes: 25 },
  { addon: "amazon-cloudwatch-observability", name: "controller-manager", kind: "Deployment", replicas: 1, milliCpu: 100, mebibytes: 64 },
  { addon: "vpc-cni", name: "aws-node", kind: "DaemonSet", replicas: 1, milliCpu: 50, mebibytes: 0 },
  { addon: "kube-proxy", name: "kube-proxy", kind: "DaemonSet", replicas: 1, milliCpu: 100, mebibytes: 0 },
  { addon: "eks-pod-identity-agent", name: "eks-pod-identity-agent", kind: "DaemonSet", replicas: 1, milliCpu: 0, mebibytes: 0 },
  { addon: "coredns", name: "coredns", kind: "Deployment", replicas: 2, milliCpu: 100, mebibytes: 70 },
  { addon: "aws-ebs-csi-driver", name: "ebs-csi-controller", kind: "Deployment", replicas: 2, milliCpu: 60, mebibytes: 232 },
  { addon: "aws-ebs-csi-driver", name: "ebs-csi-node", kind: "DaemonSet", replicas: 1, milliCpu: 30, mebibytes: 104 },
];
