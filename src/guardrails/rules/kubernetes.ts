import { decide, rolePolicies } from "../iam";
import { block, isExpression, isObject, isTrue, parseReference, type JsonObject, type StackView, type TerraformResourceJson } from "../stack-view";
import { defineRule, eachResource, type Finding, type Rule } from "./rule";

/**
 * Rules for what breaks a platform stack's first real deploy and no emulator shows: the behaviour of
 * the kubernetes provider (hashicorp/kubernetes 2.38.0, the catalog's) and of EKS Auto Mode.
 */

const MANIFEST = ["kubernetes_manifest"];

/**
 * Group/versions a Kubernetes API server serves without any CRD: the GA (v1, v2) group/versions of
 * kubernetes/kubernetes `api/openapi-spec/v3/` (one `apis__<group>__<version>_openapi.json` each;
 * listing read 2026-12-07). Alpha and beta versions are left out: a cluster need not serve them.
 */
export const BUILT_IN_GROUP_VERSIONS: readonly string[] = [
  "v1",
  "admissionregistration.k8s.io/v1",
  "apiextensions.k8s.io/v1",
  "apiregistration.k8s.io/v1",
  "apps/v1",
  "authentication.k8s.io/v1",
  "authorization.k8s.io/v1",
  "autoscaling/v1",
  "autoscaling/v2",
  "batch/v1",
  "certificates.k8s.io/v1",
  "coordination.k8s.io/v1",
  "discovery.k8s.io/v1",
  "events.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1",
  "networking.k8s.io/v1",
  "node.k8s.io/v1",
  "policy/v1",
  "rbac.authorization.k8s.io/v1",
  "resource.k8s.io/v1",
  "scheduling.k8s.io/v1",
  "storage.k8s.io/v1",
];

/**
 * Kinds an EKS Auto Mode cluster serves from its creation, with no release of the stack: the EKS
 * user guide applies them with kubectl on any cluster with Auto Mode enabled
 * (automode/create-node-pool.adoc: NodePool karpenter.sh/v1; create-node-class.adoc: NodeClass
 * eks.amazonaws.com/v1; auto-configure-alb.adoc: IngressClassParams eks.amazonaws.com/v1;
 * awsdocs/amazon-eks-user-guide 4d52b4d0, 2024-12-18, read 2026-12-07).
 */
export const AUTO_MODE_KINDS: readonly string[] = ["karpenter.sh/v1 NodePool", "eks.amazonaws.com/v1 NodeClass", "eks.amazonaws.com/v1 IngressClassParams"];

/** This stack and the others of its environment: where its cluster is made. */
function environmentStacks(view: StackView): StackView[] {
  return [view, ...view.sameEnvironment()];
}

/** The environment's EKS cluster and the stack that makes it. */
function clusterOf(view: StackView): { view: StackView; cluster: TerraformResourceJson } | undefined {
  for (const candidate of environmentStacks(view)) {
    const [cluster] = candidate.resources("aws_eks_cluster");
    if (cluster) return { view: candidate, cluster };
  }
  return undefined;
}

const manifestOf = (resource: TerraformResourceJson): JsonObject | undefined => (isObject(resource.body.manifest) ? resource.body.manifest : undefined);

function crdProblem(view: StackView, resource: TerraformResourceJson): string | undefined {
  const manifest = manifestOf(resource);
  const { apiVersion, kind } = manifest ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string" || isExpression(apiVersion) || isExpression(kind)) {
    return "manifest.apiVersion and manifest.kind must be literal strings for this check (and for the provider to find the schema).";
  }
  if (BUILT_IN_GROUP_VERSIONS.includes(apiVersion)) return undefined;
  const autoModeKind = AUTO_MODE_KINDS.includes(`${apiVersion} ${kind}`);
  if (autoModeKind && isTrue(block(clusterOf(view)?.cluster.body.compute_config)?.enabled)) return undefined;
  const why = autoModeKind ? "Auto Mode serves it, but this environment's cluster has no Auto Mode (compute_config.enabled)" : "its CRD is installed by a release, not served by a fresh cluster";
  return `${kind} (${apiVersion}): ${why}, so the first plan fails with "API did not recognize GroupVersionKind from manifest (CRD may not be installed)".`;
}

/** JSON paths of every empty list or map inside a value. */
export function emptyCollections(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [path || "."] : value.flatMap((item, i) => emptyCollections(item, `${path}[${i}]`));
  if (isObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path || "."] : entries.flatMap(([key, item]) => emptyCollections(item, path ? `${path}.${key}` : key));
  }
  return [];
}

function emptyProblem(resource: TerraformResourceJson): string | undefined {
  const empty = emptyCollections(resource.body.manifest, "manifest");
  if (empty.length === 0) return undefined;
  return `empty list or map at ${empty.join(", ")}: the provider (2.38.0) sends an empty list as null, so the apply fails with "Provider produced inconsistent result after apply"; empty maps are refused with them, as the rule cannot tell which ones the API server keeps.`;
}

/** An account ID for the ARNs of the evaluated requests; no condition in question depends on it. */
const ACCOUNT = "123456789012";

/**
 * The requests Auto Mode makes as the cluster role for a node of a NodeClass with its own tags
 * (EKS user guide, Auto Mode cluster IAM role, "Custom AWS tags for EKS Auto resources": the
 * statements Compute, Storage and Networking; terraform-aws-eks v21.19.0 `enable_auto_mode_custom_tags`).
 */
function nodeRequests(region: string, clusterName: string, nodeClass: string, tags: Record<string, string>) {
  const requestTags = (extra: Record<string, string>) => {
    const all = { "eks:eks-cluster-name": clusterName, ...extra, ...tags };
    return {
      ...Object.fromEntries(Object.entries(all).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
      "aws:TagKeys": Object.keys(all),
      "aws:PrincipalTag/eks:eks-cluster-name": clusterName,
    };
  };
  const arn = (type: string, id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:${type}/${id}`;
  const launch = requestTags({ "eks:kubernetes-node-class-name": nodeClass, "eks:kubernetes-node-pool-name": nodeClass });
  return [
    { action: "ec2:RunInstances", resource: arn("instance", "i-0123456789abcdef0"), context: launch },
    { action: "ec2:CreateFleet", resource: arn("fleet", "fleet-0123456789abcdef0"), context: launch },
    { action: "ec2:CreateLaunchTemplate", resource: arn("launch-template", "lt-0123456789abcdef0"), context: launch },
    { action: "ec2:CreateVolume", resource: arn("volume", "vol-0123456789abcdef0"), context: requestTags({}) },
    { action: "ec2:CreateNetworkInterface", resource: arn("network-interface", "eni-0123456789abcdef0"), context: requestTags({ "eks:kubernetes-cni-node-name": "ip-10-0-0-1.ec2.internal" }) },
  ];
}

function nodeClassTagProblem(view: StackView, resource: TerraformResourceJson): string | undefined {
  const manifest = manifestOf(resource);
  if (manifest?.apiVersion !== "eks.amazonaws.com/v1" || manifest.kind !== "NodeClass") return undefined;
  const spec = isObject(manifest.spec) ? manifest.spec : {};
  const tags = isObject(spec.tags) ? spec.tags : {};
  if (Object.keys(tags).length === 0) return undefined;
  const found = clusterOf(view);
  if (!found) return "the NodeClass sets tags, but no stack of its environment makes the EKS cluster, so the cluster role's permission cannot be checked.";
  const { view: clusterView, cluster } = found;
  const roleRef = parseReference(cluster.body.role_arn);
  const role = roleRef && !roleRef.data ? clusterView.resource(roleRef.address) : undefined;
  if (!role) return `the cluster's role_arn ${JSON.stringify(cluster.body.role_arn)} is not a role of ${clusterView.stackName}, so its permission to tag cannot be checked.`;
  const clusterName = typeof cluster.body.name === "string" && !isExpression(cluster.body.name) ? cluster.body.name : "cluster";
  const { policies, unreadable } = rolePolicies(clusterView, role);
  const region = clusterView.providerRegion(cluster) ?? "us-east-1";
  const literal = (value: unknown) => (typeof value === "string" && !isExpression(value) ? value : "terraform-expression");
  const requestTags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, literal(value)]));
  const name = isObject(manifest.metadata) ? literal(manifest.metadata.name) : "node-class";
  const principal = `arn:aws:iam::${ACCOUNT}:role/${literal(role.body.name)}`;
  const refused = nodeRequests(region, clusterName, name, requestTags).filter(
    (request) => decide(policies, { principal, accountId: ACCOUNT, ...request }) !== "Allowed",
  );
  if (refused.length === 0) return undefined;
  const unread = unreadable.length > 0 ? ` (policies not read: ${unreadable.join(", ")})` : "";
  return `spec.tags ${Object.keys(tags).join(", ")}: the cluster role ${role.address} of ${clusterView.stackName} may not ${refused.map((r) => r.action).join(", ")} with user-defined tags${unread}, so Auto Mode cannot launch the nodes.`;
}

export const kubernetesRules: Rule[] = [
  defineRule("PIPEOPS-0008", MANIFEST, (view) => eachResource(view, MANIFEST, (resource) => crdProblem(view, resource))),
  defineRule("PIPEOPS-0009", MANIFEST, (view) => eachResource(view, MANIFEST, emptyProblem)),
  defineRule("PIPEOPS-0010", MANIFEST, (view): Finding[] => eachResource(view, MANIFEST, (resource) => nodeClassTagProblem(view, resource))),
];
