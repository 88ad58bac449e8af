import { describe, expect, it } from "vitest";
import { buildTestApp, managedNodeGroupsDev, manifestsOf as manifests, resourcesOf, sharedTestApp, synthStack, AWS, type SynthesizedStack } from "../support/synth";
import { isObjectsRelease, objectsOfRelease } from "../../modules/platform/objects-release";
import { decide, policyDocument } from "../support/iam-policies";
import { ConfigError } from "../../src/config/validate";
import type { EnvironmentInput } from "../../src/config/types";
import { CHART_SOURCES, KUBERNETES } from "../../src/config/versions";
import { effectivePolicyMode } from "../../src/stacks/platform-stack";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";

/**
 * The Kubernetes security layer (issue: network policies, Pod Security Admission, a policy engine,
 * secrets scoped to who needs them, Argo CD scoped), checked on the synthesized stacks.
 */

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const built = sharedTestApp(AWS);
const namespaces = (stack: SynthesizedStack) => Object.fromEntries(resourcesOf(stack, "kubernetes_namespace_v1").map(([, n]) => [(n as Body).metadata.name, (n as Body).metadata]));

/** Pod Security level per platform namespace; HA Argo CD (prod, DR) runs redis-ha, not verified against restricted. */
const EXPECTED_LEVELS = (haArgoCd: boolean, dns: boolean) => ({
  argocd: haArgoCd ? "baseline" : "restricted",
  "external-secrets": "restricted",
  monitoring: "baseline",
  "monitoring-node": "privileged",
  kyverno: "baseline",
  // Where the environment has a public zone (prod, DR).
  ...(dns ? { "external-dns": "restricted" } : {}),
  // The architecture's application namespaces, in every environment by default.
  "sample-app": "restricted",
  "api-services": "restricted",
  "web-frontend": "restricted",
  "batch-jobs": "restricted",
});

/**
 * Every cluster audits while the pinned Kyverno is not published as supporting the catalog's
 * Kubernetes (versions catalog KYVERNO_COMPATIBILITY); the tiers that enforce say why on each policy.
 */
describe.each([
  ["dev", "Audit", false],
  ["staging", "Audit", true],
  ["prod", "Audit", true],
  ["dr", "Audit", true],
] as const)("%s-platform", (env, failureAction, tierEnforces) => {
  const stack = synthStack(built, `${env}-platform`);
  const config = built.environments.find((e) => e.name === env)!;
  const haArgoCd = config.platform.argocd.highAvailability;

  it("labels every namespace it creates with its Pod Security level, pinned to the cluster's version, and records why", () => {
    const created = namespaces(stack);
    expect(Object.keys(created).sort()).toEqual(Object.keys(EXPECTED_LEVELS(haArgoCd, Boolean(config.dns))).sort());
    for (const [name, level] of Object.entries(EXPECTED_LEVELS(haArgoCd, Boolean(config.dns)))) {
      const { labels, annotations } = created[name]!;
      expect(labels["pod-security.kubernetes.io/enforce"], name).toBe(level);
      expect(labels["pod-security.kubernetes.io/enforce-version"]).toBe(`v${KUBERNETES.version}`);
      // Audited and warned at restricted wherever enforce is looser (privileged excepted: nothing stricter can hold there).
      expect(labels["pod-security.kubernetes.io/warn"]).toBe(level === "privileged" ? "privileged" : "restricted");
      expect(labels["pod-security.kubernetes.io/audit"]).toBe(labels["pod-security.kubernetes.io/warn"]);
      expect(annotations["pipeops.io/pod-security-reason"].length, name).toBeGreaterThan(40);
    }
  });

  it("denies ingress by default in every namespace, then allows its own pods, Prometheus's pods, and the control plane's subnets on the webhook ports only (the matrix: network-reachability.test.ts)", () => {
    const policies = manifests(stack, "NetworkPolicy");
    for (const name of Object.keys(EXPECTED_LEVELS(haArgoCd, Boolean(config.dns)))) {
      const own = policies.filter((p) => p.metadata.namespace === name);
      // Application namespaces deny egress too (their allows: network-reachability.test.ts).
      const types = config.platform.applicationNamespaces.some((n) => n.name === name) ? ["Ingress", "Egress"] : ["Ingress"];
      expect(own.find((p) => p.metadata.name === "default-deny")?.spec, name).toEqual({ podSelector: {}, policyTypes: types });
      expect(own.map((p) => p.metadata.name), name).toContain("allow-same-namespace");
    }
    expect(policies.map((p) => p.metadata.name)).not.toContain("allow-from-vpc");
    expect(JSON.stringify(policies)).not.toContain(`"cidr":"${config.network.vpcCidr}"`);
    const webhooks = (namespace: string) => policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === "allow-control-plane-webhooks")?.spec.ingress[0];
    const controlPlane = config.network.availabilityZones.map((_, i) => ({ ipBlock: { cidr: `${config.network.vpcCidr.split(".").slice(0, 2).join(".")}.${80 + i}.0/24` } }));
    expect(webhooks("external-secrets")).toEqual({ from: controlPlane, ports: [{ protocol: "TCP", port: 10250 }] });
    expect(webhooks("kyverno").ports).toEqual([{ protocol: "TCP", port: 9443 }]);
    expect(webhooks("monitoring").ports).toEqual([{ protocol: "TCP", port: 10250 }]);
    expect(webhooks("argocd")).toBeUndefined();
    const scraped = policies.find((p) => p.metadata.namespace === "argocd" && p.metadata.name === "allow-prometheus")!;
    expect(scraped.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }] }]);
  });

  it(`installs Kyverno at the catalog's version with the baseline policies in ${failureAction} mode`, () => {
    const release = resourcesOf(stack, "helm_release").map(([, r]) => r as Body).find((r) => r.chart === "kyverno")!;
    expect(release).toMatchObject({ repository: CHART_SOURCES.kyverno.repository, version: CHART_SOURCES.kyverno.version, atomic: true });
    const policies = manifests(stack, "ClusterPolicy");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(["disallow-host-namespaces", "disallow-privileged-containers", ...(config.dns ? ["ingress-https-redirect"] : []), "require-requests-limits", "restrict-image-registries"]);
    expect(policies.find((p) => p.metadata.name === "require-requests-limits")!.spec.rules[0].match).toEqual({ any: [{ resources: { kinds: ["Pod"], namespaces: ["sample-app", "api-services", "web-frontend", "batch-jobs"] } }] });
    for (const policy of policies.filter((p) => p.metadata.name !== "ingress-https-redirect")) {
      const reason = policy.metadata.annotations["pipeops.io/audit-reason"];
      if (tierEnforces) expect(reason, policy.metadata.name).toMatch(new RegExp(`^Kyverno ${CHART_SOURCES.kyverno.appVersion} is published as supporting Kubernetes 1\\.33-1\\.35, not ${KUBERNETES.version} .*Audit until a release covers it\\.$`));
      else expect(reason).toBeUndefined();
    }
    // The tiers that mean to enforce keep two admission controllers.
    expect(JSON.parse(release.values[0]).admissionController.replicas).toBe(tierEnforces ? 2 : 1);
    for (const policy of policies) {
      expect(policy.apiVersion).toBe("kyverno.io/v1");
      // The redirect policy mutates; the rest validate.
      for (const rule of policy.spec.rules.filter((r: Body) => r.validate)) expect(rule.validate.failureAction, policy.metadata.name).toBe(failureAction);
    }
    // Only the node exporter, which needs them, may use the host's namespaces.
    const hostRule = policies.find((p) => p.metadata.name === "disallow-host-namespaces")!.spec.rules[0];
    expect(hostRule.exclude).toEqual({ any: [{ resources: { namespaces: ["monitoring-node"] } }] });
    const images = policies.find((p) => p.metadata.name === "restrict-image-registries")!.spec.rules[0].validate.pattern.spec.containers[0].image as string;
    expect(images.split(" | ")).toEqual(expect.arrayContaining(["quay.io/*", "ghcr.io/*", `${config.accountId}.dkr.ecr.${config.region}.amazonaws.com/*`]));
    expect(images).not.toContain("docker.io/*");
  });

  it("runs the node exporter in its own namespace, the only privileged one", () => {
    const release = resourcesOf(stack, "helm_release").map(([, r]) => r as Body).find((r) => r.chart === "kube-prometheus-stack")!;
    const values = JSON.parse(release.values[0]) as Body;
    expect(values["prometheus-node-exporter"].namespaceOverride).toBe("monitoring-node");
  });

  it("scopes Argo CD with AppProjects: default emptied as Argo CD's docs show, the platform project alone may create cluster-scoped objects, every Application in a project naming its repositories and destinations", () => {
    const projects = Object.fromEntries(manifests(stack, "AppProject").map((p) => [p.metadata.name, p]));
    expect(Object.keys(projects).sort()).toEqual(["applications", "default", "platform"]);
    // argo-cd v3.4.4 docs/user-guide/projects.md, "To remove all permissions from the default project".
    expect(projects.default!.spec).toEqual({ sourceRepos: [], sourceNamespaces: [], destinations: [], namespaceResourceBlacklist: [{ group: "*", kind: "*" }] });
    const repo = config.platform.argocd.gitopsRepoUrl;
    for (const name of ["platform", "applications"]) {
      expect(projects[name]!.spec.sourceRepos, name).toEqual([repo]);
      expect(projects[name]!.spec.destinations.length, name).toBeGreaterThan(0);
    }
    expect(projects.platform!.spec.clusterResourceWhitelist).toEqual([{ group: "*", kind: "*" }]);
    expect(projects.applications!.spec.clusterResourceWhitelist).toEqual([]);
    expect(projects.default!.spec.clusterResourceWhitelist).toBeUndefined();
    expect(projects.applications!.spec.namespaceResourceBlacklist).toContainEqual({ group: "networking.k8s.io", kind: "NetworkPolicy" });
    for (const app of manifests(stack, "Application")) expect(admits(projects, app), app.metadata.name).toBe(true);
    expect(stack.text).not.toContain('"project": "default"');
  });

  it("adopts the default project Argo CD's server creates at start (take_ownership), and only in the release that holds it", () => {
    const objectReleases = resourcesOf(stack, "helm_release").map(([, r]) => r as Body).filter((r) => isObjectsRelease(r));
    const holdsDefault = (r: Body) => objectsOfRelease(r).some((o) => o.kind === "AppProject" && (o.metadata as Body).name === "default");
    expect(objectReleases.filter(holdsDefault).map((r) => [r.name, r.take_ownership])).toEqual([["platform-argocd", true]]);
    for (const release of objectReleases.filter((r) => !holdsDefault(r))) expect(release.take_ownership, release.name).toBeUndefined();
  });

  it("accepts an Application into each seed namespace in the applications project, and refuses one into kube-system or through the default project", () => {
    const projects = Object.fromEntries(manifests(stack, "AppProject").map((p) => [p.metadata.name, p]));
    const repo = config.platform.argocd.gitopsRepoUrl!;
    const app = (project: string, namespace: string, repoURL = repo) => ({ spec: { project, source: { repoURL }, destination: { server: "https://kubernetes.default.svc", namespace } } });
    for (const namespace of ["sample-app", "api-services", "web-frontend", "batch-jobs"]) expect(admits(projects, app("applications", namespace)), namespace).toBe(true);
    expect(admits(projects, app("applications", "kube-system"))).toBe(false);
    expect(admits(projects, app("applications", "argocd"))).toBe(false);
    expect(admits(projects, app("applications", "sample-app", "https://github.com/someone/else.git"))).toBe(false);
    expect(admits(projects, app("default", "default"))).toBe(false);
    expect(admits(projects, app("default", "sample-app"))).toBe(false);
    // The same check passes an Application through the default project Argo CD would have left open.
    expect(admits({ ...projects, default: OPEN_DEFAULT_PROJECT }, app("default", "kube-system"))).toBe(true);
  });
});

/** The default project as Argo CD creates it (argo-cd v3.4.4 server/server.go initializeDefaultProject). */
const OPEN_DEFAULT_PROJECT = { spec: { sourceRepos: ["*"], destinations: [{ server: "*", namespace: "*" }], clusterResourceWhitelist: [{ group: "*", kind: "*" }] } };

/** Argo CD's glob for project fields: `*` any run of characters, a leading `!` denies. */
const glob = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);
const permitted = (patterns: readonly string[], value: string) => !patterns.some((p) => p.startsWith("!") && glob(p.slice(1), value)) && patterns.some((p) => !p.startsWith("!") && glob(p, value));

/**
 * Whether Argo CD lets an Application into its project: the project exists, names the source
 * repository, and names the destination's server and namespace (argo-cd v3.4.4
 * pkg/apis/application/v1alpha1 AppProject.IsSourcePermitted / IsDestinationPermitted; globs, `!` negates).
 */
function admits(projects: Record<string, Body>, app: Body): boolean {
  const project = projects[app.spec.project ?? "default"];
  if (!project) return false;
  const { repoURL } = app.spec.source;
  const { server, namespace } = app.spec.destination;
  const destinations = (project.spec.destinations ?? []) as { server: string; namespace: string }[];
  return permitted(project.spec.sourceRepos ?? [], repoURL) && destinations.some((d) => glob(d.server, server) && glob(d.namespace, namespace));
}

/** One variant app for the tests below: dev alone, on EKS Auto Mode, with two application namespaces. */
let variant: ReturnType<typeof buildTestApp> | undefined;
function appsApp() {
  const env: EnvironmentInput = {
    ...structuredClone(dev),
    platform: { ...dev.platform, applicationNamespaces: [{ name: "payments" }, { name: "orders" }] },
  };
  return (variant ??= buildTestApp(AWS, [env]));
}
const appsPlatform = () => synthStack(appsApp(), "dev-platform");

describe("network policies are enforced by the cluster", () => {
  it("turns the VPC CNI's network policy agent on in a managed-node-group cluster", () => {
    const managed = managedNodeGroupsDev(AWS);
    const addon = resourcesOf(synthStack(managed, "dev"), "aws_eks_addon").map(([, a]) => a as Body).find((a) => a.addon_name === "vpc-cni")!;
    expect(JSON.parse(addon.configuration_values)).toEqual({ enableNetworkPolicy: "true" });
  });

  it("switches Auto Mode's network policy controller on with its ConfigMap in every environment (all run Auto Mode)", () => {
    for (const env of ["dev", "staging", "prod", "dr"]) {
      const [[, map]] = resourcesOf(synthStack(built, `${env}-platform`), "kubernetes_config_map_v1") as [[string, Body]];
      expect(map.metadata, env).toEqual({ name: "amazon-vpc-cni", namespace: "kube-system" });
      expect(map.data, env).toEqual({ "enable-network-policy-controller": "true" });
    }
  });
});

describe("application namespaces (on an Auto Mode dev, built alone)", () => {
  const app = appsApp();
  const platform = appsPlatform();
  const core = synthStack(app, "dev");
  const config = app.environments.find((e) => e.name === "dev")!;
  const where = { accountId: config.accountId, region: config.region };

  it("are restricted, deny ingress by default and hold requests to the resource rule", () => {
    for (const name of ["payments", "orders"]) {
      expect(namespaces(platform)[name]!.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
      expect(manifests(platform, "NetworkPolicy").some((p) => p.metadata.namespace === name && p.metadata.name === "default-deny")).toBe(true);
    }
    const requests = manifests(platform, "ClusterPolicy").find((p) => p.metadata.name === "require-requests-limits")!;
    expect(requests.spec.rules[0].match).toEqual({ any: [{ resources: { kinds: ["Pod"], namespaces: ["payments", "orders"] } }] });
    expect(manifests(platform, "AppProject").find((p) => p.metadata.name === "applications")!.spec.destinations.map((d: Body) => d.namespace)).toEqual(["payments", "orders"]);
  });

  it("each get a SecretStore whose role (evaluated as IAM does) reads that namespace's secrets only, never another's nor the database's", async () => {
    const stores = manifests(platform, "SecretStore");
    expect(stores.map((s) => s.metadata.namespace).sort()).toEqual(["monitoring", "orders", "payments"]);
    const secret = (name: string) => `arn:aws:secretsmanager:${where.region}:${where.accountId}:secret:${name}`;
    const reads = (namespace: string, name: string) =>
      decide({ principal: `arn:aws:iam::${where.accountId}:role/pipeops-dev-secrets-${namespace}`, action: "secretsmanager:GetSecretValue", resource: secret(name), identityPolicies: [policyDocument(core, `platform-roles_${namespace}-secrets-policy`, where)] }, where.accountId);
    expect(await reads("payments", "pipeops/dev/apps/payments/api-key-AbCdEf")).toBe("Allowed");
    expect(await reads("payments", "pipeops/dev/apps/orders/api-key-AbCdEf")).toBe("ImplicitlyDenied");
    expect(await reads("payments", "pipeops/dev/grafana-admin-AbCdEf")).toBe("ImplicitlyDenied");
    expect(await reads("payments", "rds!db-0123abcd-AbCdEf")).toBe("ImplicitlyDenied");
    expect(await reads("orders", "pipeops/dev/apps/orders/api-key-AbCdEf")).toBe("Allowed");
    expect(await reads("monitoring", "pipeops/dev/grafana-admin-AbCdEf")).toBe("Allowed");
    expect(await reads("monitoring", "pipeops/dev/apps/payments/api-key-AbCdEf")).toBe("ImplicitlyDenied");
  });

  it("may declare egress only to the database, a CIDR or another application namespace of the environment", () => {
    const egress = (to: string): EnvironmentInput => ({ ...structuredClone(dev), platform: { ...dev.platform, applicationNamespaces: [{ name: "payments", egress: [{ to, port: 443 }] }, { name: "orders" }] } });
    expect(() => buildTestApp(AWS, [egress("billing")])).toThrow(/dev: platform\.applicationNamespaces\[0\]\.egress\[0\]\.to: "billing" is not another application namespace of this environment\. Fix: name one of orders, "database" or a CIDR\./);
    expect(() => buildTestApp(AWS, [egress("payments")])).toThrow(/"payments" is not another application namespace/);
    expect(() => buildTestApp(AWS, [egress("orders")])).not.toThrow();
  });

  it("may not take a platform namespace's name", () => {
    const clash: EnvironmentInput = { ...structuredClone(dev), platform: { ...dev.platform, applicationNamespaces: [{ name: "kyverno" }] } };
    expect(() => buildTestApp(AWS, [clash])).toThrow(/dev: platform\.applicationNamespaces\[0\]\.name: "kyverno" is a namespace the platform or Kubernetes owns/);
  });
});

describe("the policy mode a cluster runs", () => {
  it("is the tier's where the pinned Kyverno is published for the cluster's Kubernetes, Audit with the reason where not", () => {
    expect(effectivePolicyMode("enforce", "1.35", { minKubernetes: "1.33", maxKubernetes: "1.35" })).toEqual({ mode: "enforce", highAvailability: true });
    expect(effectivePolicyMode("audit", "1.35", { minKubernetes: "1.33", maxKubernetes: "1.35" })).toEqual({ mode: "audit", highAvailability: false });
    const uncovered = effectivePolicyMode("enforce", "1.36", { minKubernetes: "1.33", maxKubernetes: "1.35" });
    expect(uncovered).toMatchObject({ mode: "audit", highAvailability: true });
    expect(uncovered.auditReason).toContain("not 1.36");
    expect(effectivePolicyMode("enforce", "1.32", { minKubernetes: "1.33", maxKubernetes: "1.35" }).mode).toBe("audit");
  });
});

describe("policy engine config", () => {
  it("is audit in dev and enforce elsewhere by default; production and DR refuse audit or no engine", () => {
    expect(built.environments.map((e) => [e.name, e.platform.policyEngine.mode])).toEqual([["dev", "audit"], ["staging", "enforce"], ["prod", "enforce"], ["dr", "enforce"]]);
    const audited: EnvironmentInput = { ...structuredClone(prod), platform: { ...prod.platform, policyEngine: { mode: "audit" } } };
    expect(() => buildTestApp(AWS, [dev, staging, audited, dr])).toThrow(ConfigError);
    expect(() => buildTestApp(AWS, [dev, staging, audited, dr])).toThrow(/prod: platform\.policyEngine\.mode: "audit": production and DR clusters enforce the baseline policies\..*Fix: /);
    const off: EnvironmentInput = { ...structuredClone(dr), platform: { ...dr.platform, policyEngine: { enabled: false } } };
    expect(() => buildTestApp(AWS, [dev, staging, prod, off])).toThrow(/dr: platform\.policyEngine\.enabled: false/);
  });
});
