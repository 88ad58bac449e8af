import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "cdktf";
import { stringify } from "yaml";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { sharedTestApp, synthStack } from "../support/synth";
import { CHART_SOURCES, KUBERNETES } from "../../src/config/versions";
import { gvkOf, isRepositoryChart, kubernetesObjectsOf, releaseValues, type KubernetesObject, type TerraformStackJson } from "../../src/kubernetes/objects";
import { KubernetesSchemas } from "../../src/kubernetes/schema";
import { chartReleasesOf, HelmValuesCheck, type ChartRelease } from "../../src/kubernetes/helm-values";
import { loadCrdFiles, loadKubernetesFile, loadValuesFiles } from "../../src/kubernetes/schema-files";
import { CHART_VALUES_SOURCES, CRD_SOURCES, KUBERNETES_OPENAPI } from "../../src/kubernetes/sources";

/**
 * Every Kubernetes object the platform stacks write is valid against its real schema (the
 * vendored Kubernetes OpenAPI and CRDs), and every Helm release's values fit its chart.
 */

const built = sharedTestApp();
const platformStacks = built.environments.map((env) => `${env.name}-platform`);
const stackJson = (name: string) => synthStack(built, name).json as TerraformStackJson;
const schemas = new KubernetesSchemas();
const values = new HelmValuesCheck(undefined, schemas);

const clone = <T>(value: T): T => structuredClone(value);
const allObjects = platformStacks.flatMap((stack) => kubernetesObjectsOf(stackJson(stack)).map((found) => ({ stack, ...found })));
const objectOfKind = (kind: string): KubernetesObject => clone(allObjects.find(({ object }) => object.kind === kind)!.object);

describe("the Kubernetes objects of every platform stack (npm run k8s:objects)", () => {
  it.each(platformStacks)("%s: one object per kubernetes_manifest and kubernetes_*_v1 resource, plus the repository chart's objects", (stack) => {
    const json = stackJson(stack);
    const resources = Object.entries(json.resource ?? {}).filter(([type]) => type === "kubernetes_manifest" || /^kubernetes_.+_v1$/.test(type));
    const chartObjects = Object.entries(json.resource?.helm_release ?? {})
      .filter(([, body]) => isRepositoryChart(body))
      .reduce((n, [name, body]) => n + (releaseValues(name, body).objects as unknown[]).length, 0);
    const objects = kubernetesObjectsOf(json);
    expect(objects.length).toBe(resources.reduce((n, [, byName]) => n + Object.keys(byName).length, 0) + chartObjects);
    expect(objects.length).toBeGreaterThan(0);
  });

  it("every object of every platform stack is valid against its schema (unknown fields and wrong types are errors)", () => {
    const problems = schemas.validateAll(allObjects.map(({ object }) => object));
    const invalid = allObjects.flatMap(({ stack, source }, i) => problems[i]!.map((problem) => `${stack} ${source}: ${problem}`));
    expect(invalid).toEqual([]);
    // Every kind the stacks write has a schema (no kind is skipped).
    const kinds = new Set(allObjects.map(({ object }) => gvkOf(object)));
    expect([...kinds].filter((kind) => !schemas.knownKinds.includes(kind))).toEqual([]);
  });

  it("an unknown field fails, in a built-in kind and in a custom resource", () => {
    const cronJob = objectOfKind("CronJob") as any;
    cronJob.spec.jobTemplate.spec.template.spec.containers[0].securityContext.runAsUsr = 1000;
    const policy = objectOfKind("ClusterPolicy") as any;
    policy.spec.validationFailureActon = "Audit";
    const [cronJobProblems, policyProblems] = schemas.validateAll([cronJob, policy]);
    expect(cronJobProblems).toEqual([expect.stringContaining("spec.jobTemplate.spec.template.spec.containers.0.securityContext.runAsUsr: unknown field")]);
    expect(policyProblems).toEqual([expect.stringContaining("spec.validationFailureActon: unknown field")]);
  });

  it("a wrong type fails, in a built-in kind and in a custom resource", () => {
    const storageClass = objectOfKind("StorageClass") as any;
    storageClass.allowVolumeExpansion = "yes";
    const pool = objectOfKind("NodePool") as any;
    pool.spec.template.spec.requirements = { key: "karpenter.sh/capacity-type" };
    const [storageProblems, poolProblems] = schemas.validateAll([storageClass, pool]);
    expect(storageProblems).toEqual(["allowVolumeExpansion: must be boolean"]);
    expect(poolProblems).toEqual(["spec.template.spec.requirements: must be array"]);
  });

  it("a value known only after apply (a whole Terraform expression) may be of any type, but its field must exist", () => {
    const cronJob = objectOfKind("CronJob") as any;
    cronJob.spec.jobTemplate.spec.backoffLimit = "${var.retries}";
    expect(schemas.validate(cronJob)).toEqual([]);
    cronJob.spec.jobTemplate.spec.backofLimit = "${var.retries}";
    expect(schemas.validate(cronJob)).toEqual([expect.stringContaining("spec.jobTemplate.spec.backofLimit: unknown field")]);
  });

  it("a kind without a vendored schema fails instead of being skipped", () => {
    expect(schemas.validate({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([expect.stringContaining("example.com/v1/Widget has no vendored schema")]);
  });
});

describe("kubernetes_*_v1 resources become the objects the provider (v2.38.0) sends", () => {
  const objectsOf = (resource: Record<string, Record<string, Record<string, unknown>>>) => kubernetesObjectsOf({ resource }).map(({ object }) => object);

  it("renames as the provider's expand functions do, converts its string-typed integers, and drops Terraform's own arguments", () => {
    const [storageClass, cronJob] = objectsOf({
      kubernetes_storage_class_v1: { gp3: { metadata: { name: "gp3" }, storage_provisioner: "ebs.csi.eks.amazonaws.com", reclaim_policy: "Delete", parameters: { fs_type: "ext4" }, depends_on: ["x"] } },
      kubernetes_cron_job_v1: {
        job: {
          metadata: { name: "j", namespace: "n" },
          spec: {
            schedule: "0 * * * *",
            timezone: "Etc/UTC",
            job_template: { metadata: {}, spec: { ttl_seconds_after_finished: "60", template: { metadata: {}, spec: { restart_policy: "Never", security_context: { run_as_user: "65534" }, container: [{ name: "c", image: "i", volume_mount: [{ name: "t", mount_path: "/tmp" }] }] } } } },
          },
        },
      },
    });
    expect(storageClass).toEqual({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "gp3" }, provisioner: "ebs.csi.eks.amazonaws.com", reclaimPolicy: "Delete", parameters: { fs_type: "ext4" } });
    const spec = (cronJob as any).spec;
    expect(spec.timeZone).toBe("Etc/UTC");
    expect(spec.jobTemplate.spec.ttlSecondsAfterFinished).toBe(60);
    expect(spec.jobTemplate.spec.template.spec.securityContext.runAsUser).toBe(65534);
    expect(spec.jobTemplate.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: "t", mountPath: "/tmp" }]);
    expect(schemas.validateAll([storageClass!, cronJob!])).toEqual([[], []]);
  });

  it("a NetworkPolicy, a ResourceQuota and a PodDisruptionBudget become valid objects (ports and counts as intstr.Parse reads them)", () => {
    const [policy, quota, budget] = objectsOf({
      kubernetes_network_policy_v1: {
        np: { metadata: { name: "web", namespace: "a" }, spec: { pod_selector: { match_labels: { app: "web" } }, policy_types: ["Ingress"], ingress: [{ from: [{ namespace_selector: { match_expressions: [{ key: "k", operator: "In", values: ["v"] }] } }, { ip_block: { cidr: "10.0.0.0/16" } }], ports: [{ port: "8080", protocol: "TCP" }, { port: "http" }] }] } },
      },
      kubernetes_resource_quota_v1: { q: { metadata: { name: "q", namespace: "a" }, spec: { hard: { "requests.cpu": "4" }, scope_selector: { match_expression: [{ scope_name: "PriorityClass", operator: "In", values: ["high"] }] } } } },
      kubernetes_pod_disruption_budget_v1: { pdb: { metadata: { name: "p", namespace: "a" }, spec: { min_available: "1", selector: { match_labels: { app: "web" } } } } },
    });
    expect((policy as any).spec.ingress[0].ports).toEqual([{ port: 8080, protocol: "TCP" }, { port: "http" }]);
    expect((quota as any).spec.scopeSelector.matchExpressions[0].scopeName).toBe("PriorityClass");
    expect((budget as any).spec.minAvailable).toBe(1);
    expect(schemas.validateAll([policy!, quota!, budget!])).toEqual([[], [], []]);
  });

  it("a kubernetes_* resource type without a mapping is an error, never skipped", () => {
    expect(() => objectsOf({ kubernetes_deployment_v1: { d: { metadata: { name: "d" } } } })).toThrow(/kubernetes_deployment_v1 has no mapping/);
  });
});

describe("objects rendered by the repository's own chart (a helm_release whose values list them under `objects`)", () => {
  /** A synthesized stack with a namespace and a release of a local chart directory whose objects refer to it. */
  function chartStack(objects: (namespace: string) => unknown[] | string) {
    const app = Testing.app();
    const stack = new TerraformStack(app, "chart-fixture");
    new KubernetesProvider(stack, "kubernetes", {});
    new HelmProvider(stack, "helm", {});
    const ns = new NamespaceV1(stack, "team", { metadata: { name: "team" } });
    const list = objects(ns.metadata.name);
    new Release(stack, "objects", { name: "platform-objects", chart: "./charts/platform-objects", namespace: "kube-system", values: [typeof list === "string" ? list : stringify({ objects: list })] });
    return JSON.parse(Testing.synth(stack)) as TerraformStackJson;
  }
  const monitor = (namespace: string) => ({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m", namespace }, spec: { selector: { matchLabels: { app: "x" } }, endpoints: [{ port: "metrics", interval: "30s" }] } });
  const policy = (namespace: string) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "deny", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress"] } });

  it("lists every entry of `objects` (YAML values with Terraform references), each validated like any other object", () => {
    const found = kubernetesObjectsOf(chartStack((namespace) => [monitor(namespace), policy(namespace)]));
    const namespaceRef = "${kubernetes_namespace_v1.team.metadata[0].name}";
    expect(found.map(({ source, object }) => [source, object])).toEqual([
      ["helm_release.objects objects[0]", monitor(namespaceRef)],
      ["helm_release.objects objects[1]", policy(namespaceRef)],
      ["kubernetes_namespace_v1.team", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } }],
    ]);
    expect(schemas.validateAll(found.map(({ object }) => object))).toEqual([[], [], []]);
    const bad = kubernetesObjectsOf(chartStack((namespace) => [{ ...monitor(namespace), spec: { ...monitor(namespace).spec, endpoints: [{ port: "metrics", intervall: "30s" }] } }]));
    expect(schemas.validate(bad[0]!.object)).toEqual([expect.stringContaining("spec.endpoints.0.intervall: unknown field")]);
  });

  it("its release is not checked as a published chart, and values that are one Terraform expression, or lack `objects`, are refused", () => {
    expect(chartReleasesOf(chartStack((namespace) => [policy(namespace)]))).toEqual([]);
    expect(() => kubernetesObjectsOf(chartStack(() => "${yamlencode(local.objects)}"))).toThrow(/values\[0\] is a Terraform expression/);
    expect(() => kubernetesObjectsOf(chartStack(() => "other: 1\n"))).toThrow(/needs a top-level `objects` list/);
  });
});

describe("Helm values fit each chart at its pinned version (values.yaml key paths, values.schema.json, subcharts)", () => {
  const releases = platformStacks.flatMap((stack) => chartReleasesOf(stackJson(stack)).map((release) => ({ stack, release })));
  const releaseOf = (chart: string): ChartRelease => clone(releases.find(({ release }) => release.chart === chart)!.release);

  it("every release of every platform stack", () => {
    expect(releases.flatMap(({ stack, release }) => values.check(release).map((p) => `${stack} ${release.chart}: ${p}`))).toEqual([]);
  });

  it("an unknown values path fails, in a chart and in a subchart", () => {
    const argo = releaseOf("argo-cd");
    (argo.values as any).controler = { replicas: 2 };
    expect(values.check(argo)).toEqual([expect.stringMatching(/^controler: not a value of argo-cd 10\.1\.1/)]);
    const stack = releaseOf("kube-prometheus-stack");
    (stack.values as any).grafana.persistance = { enabled: true };
    expect(values.check(stack)).toEqual([expect.stringMatching(/^grafana\.persistance: not a value of grafana /)]);
  });

  it("`set` entries are values paths too (a sensitive value is never copied)", () => {
    const [release] = chartReleasesOf({
      resource: {
        helm_release: {
          argo: { chart: "argo-cd", repository: "https://argoproj.github.io/argo-helm", version: CHART_SOURCES.argoCd.version, values: ["{}"], set: [{ name: "server.replicas", value: "2" }, { name: "controler.replicas", value: "2" }], set_sensitive: [{ name: "configs.secret.argocdServerAdminPassword", value: "s3cret" }] },
        },
      },
    });
    expect(JSON.stringify(release!.values)).not.toContain("s3cret");
    expect(values.check(release!)).toEqual([expect.stringMatching(/^controler: not a value of argo-cd/)]);
  });

  it("a wrong type fails where the chart ships a values.schema.json", () => {
    const eso = releaseOf("external-secrets");
    (eso.values as any).installCRDs = "yes";
    expect(values.check(eso)).toEqual([expect.stringMatching(/^installCRDs: must be boolean \(values\.schema\.json of external-secrets 2\.9\.0\)/)]);
  });

  it("a `resources` map is checked as the Kubernetes ResourceRequirements the chart renders it into", () => {
    const kyverno = releaseOf("kyverno");
    (kyverno.values as any).admissionController.container.resources.limts = { cpu: "1" };
    (kyverno.values as any).backgroundController.resources.requests.cpu = true;
    expect(values.check(kyverno).sort()).toEqual([
      "admissionController.container.resources.limts: unknown field (not in the schema; server-side field validation rejects it) (as a Kubernetes ResourceRequirements)",
      "backgroundController.resources.requests.cpu: must be string,number (as a Kubernetes ResourceRequirements)",
    ]);
  });

  it("content below a pass-through key (an empty default) is the chart's to render", () => {
    const dns = releaseOf("external-dns");
    (dns.values as any).serviceAccount.annotations = { "any/annotation": "x" };
    expect(values.check(dns)).toEqual([]);
  });
});

describe("the vendored schemas are those of the catalog's versions", () => {
  it("Kubernetes OpenAPI of the catalog's Kubernetes minor", () => {
    const file = loadKubernetesFile();
    expect(file.kubernetesVersion.split(".").slice(0, 2).join(".")).toBe(KUBERNETES.version);
    expect(KUBERNETES_OPENAPI.kubernetesVersion).toBe(file.kubernetesVersion);
    expect(file.provenance).toMatchObject({ repository: KUBERNETES_OPENAPI.file.repository, ref: KUBERNETES_OPENAPI.file.ref });
  });

  it("each chart's CRDs and values at the catalog's chart version (npm run k8s:schemas refreshes them)", () => {
    const crds = loadCrdFiles();
    expect(Object.keys(crds).sort()).toEqual(CRD_SOURCES.map((s) => s.name).sort());
    for (const source of CRD_SOURCES) expect(crds[source.name]!.provenance, source.name).toMatchObject({ repository: source.repository, ref: source.ref });
    const files = loadValuesFiles();
    for (const source of CHART_VALUES_SOURCES) {
      const { chart, version } = CHART_SOURCES[source.catalogKey];
      expect(files[chart], chart).toMatchObject({ chart, version, provenance: { repository: source.repository, ref: source.ref } });
    }
  });
});
