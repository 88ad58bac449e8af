/**
 * The object the kubernetes provider (hashicorp/terraform-provider-kubernetes v2.38.0) builds from a
 * `kubernetes_<kind>_v1` resource. The provider's expand functions (kubernetes/structures*.go,
 * structure_cron_job_v1.go, resource_kubernetes_*_v1.go, read 2026-12-07) map each attribute to the
 * Kubernetes field of the same name in camelCase, with the exceptions below; repeated blocks take
 * the singular name (`container`, `rule`) and become the plural list field. Map attributes (labels,
 * annotations, data, …) keep their keys. A mapping mistake shows up in the schema suite as an
 * unknown field, since every converted object is validated against the Kubernetes OpenAPI.
 */

type Json = Record<string, unknown>;

/** Resource type → apiVersion and kind of the object it becomes. A type not listed is an error, never skipped. */
export const KUBERNETES_RESOURCE_KINDS: Record<string, { apiVersion: string; kind: string }> = {
  kubernetes_namespace_v1: { apiVersion: "v1", kind: "Namespace" },
  kubernetes_config_map_v1: { apiVersion: "v1", kind: "ConfigMap" },
  kubernetes_service_account_v1: { apiVersion: "v1", kind: "ServiceAccount" },
  kubernetes_resource_quota_v1: { apiVersion: "v1", kind: "ResourceQuota" },
  kubernetes_limit_range_v1: { apiVersion: "v1", kind: "LimitRange" },
  kubernetes_role_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  kubernetes_role_binding_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
  kubernetes_cluster_role_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" },
  kubernetes_cluster_role_binding_v1: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" },
  kubernetes_storage_class_v1: { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" },
  kubernetes_cron_job_v1: { apiVersion: "batch/v1", kind: "CronJob" },
  kubernetes_job_v1: { apiVersion: "batch/v1", kind: "Job" },
  kubernetes_network_policy_v1: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  kubernetes_priority_class_v1: { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass" },
  kubernetes_pod_disruption_budget_v1: { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
};

/** Arguments that configure Terraform or the provider, not the object. */
const TERRAFORM_ONLY = new Set([
  "depends_on", "lifecycle", "provider", "count", "for_each", "connection", "provisioner", "timeouts",
  "wait_for_default_service_account", "wait_for_completion", "wait_for_rollout",
]);

/**
 * Attributes whose value is a map with free keys (kept verbatim): metadata labels and annotations,
 * ConfigMap data and binary_data, StorageClass parameters, resource limits and requests,
 * node_selector, match_labels, ResourceQuota `hard`, LimitRange `max`/`min`/`default`/`default_request`/
 * `max_limit_request_ratio`, PriorityClass — none.
 */
const MAP_ATTRIBUTES = new Set([
  "labels", "annotations", "data", "binary_data", "parameters", "limits", "requests", "node_selector", "match_labels",
  "hard", "max", "min", "default", "default_request", "max_limit_request_ratio",
]);

/**
 * Names that are not the camelCase of the attribute (from the expand functions): singular block →
 * plural list field, initialisms, and StorageClass's `storage_provisioner`.
 */
const RENAMES: Record<string, string> = {
  // structures_rbac.go: expandRBACRules / expandRBACSubjects; non_resource_urls → NonResourceURLs
  rule: "rules",
  subject: "subjects",
  non_resource_urls: "nonResourceURLs",
  // structures_pod.go: expandPodSpec
  container: "containers",
  init_container: "initContainers",
  volume: "volumes",
  toleration: "tolerations",
  topology_spread_constraint: "topologySpreadConstraints",
  readiness_gate: "readinessGates",
  sysctl: "sysctls",
  option: "options",
  // structures_container.go: expandContainers
  port: "ports",
  volume_mount: "volumeMounts",
  host_ip: "hostIP",
  pod_ip: "podIP",
  // structure_cron_job_v1.go: in["timezone"] → obj.TimeZone
  timezone: "timeZone",
  // resource_kubernetes_storage_class_v1.go: Provisioner: d.Get("storage_provisioner")
  storage_provisioner: "provisioner",
  // resource_kubernetes_service_account_v1.go: ImagePullSecrets: d.Get("image_pull_secret"), Secrets: d.Get("secret")
  image_pull_secret: "imagePullSecrets",
  // resource_kubernetes_limit_range_v1.go: spec.limit → Spec.Limits
  limit: "limits",
  // structures.go expandResourceQuotaScopeSelector: scope_selector.match_expression → MatchExpressions
  match_expression: "matchExpressions",
  // structure_network_policy.go: ip_block, pod_selector, policy_types … are camelCase; match_expressions too
};

/**
 * Attributes the provider types as strings and parses into integers (structures_pod.go,
 * structures_container.go, structure_job.go: strconv.Atoi for user and group ids, toleration seconds and
 * a Job's ttl_seconds_after_finished;
 * strconv.ParseInt(v, 8, 32) for file modes).
 */
const INTEGER_STRINGS: Record<string, number> = { ttl_seconds_after_finished: 10, run_as_user: 10, run_as_group: 10, fs_group: 10, toleration_seconds: 10, default_mode: 8, mode: 8 };

/**
 * Attributes the provider reads with intstr.Parse (a port number or name, a count or percentage):
 * a numeric string becomes an integer (structure_network_policy.go ports, structures_container.go
 * probe ports, structure_pod_disruption_budget_v1.go, structure_service_spec.go target_port).
 */
const INT_OR_STRING = new Set(["port", "target_port", "min_available", "max_unavailable"]);

function integerOf(key: string, value: unknown): unknown {
  if (INT_OR_STRING.has(key) && typeof value === "string" && /^-?\d+$/.test(value)) return Number.parseInt(value, 10);
  const radix = INTEGER_STRINGS[key];
  if (radix === undefined || typeof value !== "string" || /^\$\{/.test(value)) return value;
  const parsed = Number.parseInt(value, radix);
  if (Number.isNaN(parsed)) throw new Error(`${key} = "${value}" is not a base-${radix} integer, which the provider requires`);
  return parsed;
}

/** Singular block names → plural list fields: renamed only when the value is a list of blocks (a network policy's `port` is a scalar in its `ports`). */
const BLOCK_NAMES = new Set(["rule", "subject", "container", "init_container", "volume", "toleration", "topology_spread_constraint", "readiness_gate", "sysctl", "option", "port", "volume_mount", "image_pull_secret", "limit", "match_expression"]);

const camel = (name: string, value?: unknown): string =>
  (BLOCK_NAMES.has(name) && !Array.isArray(value) ? undefined : RENAMES[name]) ?? name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function convert(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item));
  if (value === null || typeof value !== "object") return key === undefined ? value : integerOf(key, value);
  if (key !== undefined && MAP_ATTRIBUTES.has(key)) return { ...(value as Json) };
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [camel(k, v), convert(v, k)]));
}

/** The object a `kubernetes_<kind>_v1` resource body (synthesized Terraform JSON) becomes. */
export function objectOfKubernetesResource(type: string, body: Json): Json {
  const gvk = KUBERNETES_RESOURCE_KINDS[type];
  if (!gvk) throw new Error(`${type} has no mapping to a Kubernetes object`);
  const fields = Object.entries(body).filter(([key]) => !TERRAFORM_ONLY.has(key));
  const object: Json = { apiVersion: gvk.apiVersion, kind: gvk.kind };
  for (const [key, value] of fields) {
    // The service account's top-level `secret` blocks are its Secrets list (a volume's `secret` is not).
    if (type === "kubernetes_service_account_v1" && key === "secret") object.secrets = convert(value);
    else object[camel(key, value)] = convert(value, key);
  }
  return object;
}
