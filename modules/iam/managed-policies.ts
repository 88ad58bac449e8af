/** AWS managed IAM policies the EKS roles use (commercial partition). */
const aws = (path: string) => `arn:aws:iam::aws:policy/${path}`;

export const AWS_MANAGED_POLICY = {
  // Cluster role
  eksCluster: aws("AmazonEKSClusterPolicy"),
  // Cluster role, EKS Auto Mode only
  eksCompute: aws("AmazonEKSComputePolicy"),
  eksBlockStorage: aws("AmazonEKSBlockStoragePolicy"),
  eksLoadBalancing: aws("AmazonEKSLoadBalancingPolicy"),
  eksNetworking: aws("AmazonEKSNetworkingPolicy"),
  // Managed node group nodes
  eksWorkerNode: aws("AmazonEKSWorkerNodePolicy"),
  ecrReadOnly: aws("AmazonEC2ContainerRegistryReadOnly"),
  // EKS Auto Mode nodes
  eksWorkerNodeMinimal: aws("AmazonEKSWorkerNodeMinimalPolicy"),
  ecrPullOnly: aws("AmazonEC2ContainerRegistryPullOnly"),
  // Add-on service accounts (IRSA)
  eksCni: aws("AmazonEKS_CNI_Policy"),
  ebsCsiDriver: aws("service-role/AmazonEBSCSIDriverPolicy"),
  cloudWatchAgentServer: aws("CloudWatchAgentServerPolicy"),
  xrayWriteOnly: aws("AWSXrayWriteOnlyAccess"),
} as const;

/** EKS access policy that makes a principal cluster-admin (Kubernetes `cluster-admin`). */
export const EKS_CLUSTER_ADMIN_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * EKS access policy for read-only cluster access: get/list/watch of every resource, Kubernetes
 * Secrets included (the Helm provider reads its release Secrets to plan). EKS user guide,
 * access-policy-reference ("AmazonEKSAdminViewPolicy"), read 2026-12-01.
 */
export const EKS_ADMIN_VIEW_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";

/**
 * What the nodes of an EKS Auto Mode custom NodeClass need to join the cluster: an access entry of
 * type EC2 with this policy (EKS user guide, automode/create-node-class.adoc, "auto-node-access-entry").
 */
export const EKS_AUTO_NODE_ACCESS_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy";
