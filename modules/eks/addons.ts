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
