/**
 * `<env>-platform` stacks: synth-and-assert of the Kubernetes and Helm providers, every Helm release
 * and the custom resources that wire the services together.
 *
 * These stacks are NOT `terraform validate`d anywhere in this suite: validation needs the
 * hashicorp/kubernetes and hashicorp/helm provider binaries, and the offline provider mirror the
 * tests run with carries only hashicorp/aws. The validate suite leaves `*-platform` out on purpose,
 * and the last test below records it by name. `terraform validate` of these stacks runs wherever
 * the registry is reachable (see docs/platform.md).
 */
import { describe, expect, it } from "vitest";
import { App, Testing } from "cdktf";
import type { EnvironmentConfig, EnvironmentInput } from "../../src/config/types";
import { ConfigError } from "../../src/config/validate";
import { dev, prod, staging } from "../../environments";
import { PLATFORM_OBJECTS_CHART, PlatformStack } from "../../src/stacks/platform-stack";
import { PLATFORM_SERVICE_ACCOUNTS } from "../../modules/eks/platform-roles";
import { CHART_SOURCES, PROVIDERS } from "../../src/config/versions";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AWS, buildTestApp, managedNodeGroupsDev, writtenSharedApp, objectsOf, resourcesOf, synthStack, tempDir, type SynthesizedStack, sharedTestApp } from "../support/synth";
import { isObjectsRelease } from "../../modules/platform/objects-release";

type Body = Record<string, any>;

/**
 * How Terraform reads the core stack's published output: from the remote state read only once the
 * state object exists (count), empty (null) until then.
 */
const coreOutputExpression = (name: string) => `data.terraform_remote_state.core[0].outputs.${name}`;
const coreOutput = (name: string) => `\${try(${coreOutputExpression(name)}, null)}`;

/** The charts as a reviewer expects them: exactly the versions catalog's, into the expected namespaces. */
const EXPECTED_CHARTS = {
  "argo-cd": { ...CHART_SOURCES.argoCd, namespace: "argocd" },
  "kube-prometheus-stack": { ...CHART_SOURCES.kubePrometheusStack, namespace: "monitoring" },
  "external-secrets": { ...CHART_SOURCES.externalSecrets, namespace: "external-secrets" },
  "metrics-server": { ...CHART_SOURCES.metricsServer, namespace: "kube-system" },
  kyverno: { ...CHART_SOURCES.kyverno, namespace: "kyverno" },
} as const;

/** Sizes per environment, from the issue: dev minimal, prod highly available. */
const EXPECTED_SIZES = {
  dev: { argocdReplicas: 1, redisHa: false, retention: "7d", prometheusStorage: "20Gi", prometheusReplicas: 1, alertmanagerReplicas: 1 },
  staging: { argocdReplicas: 1, redisHa: false, retention: "15d", prometheusStorage: "50Gi", prometheusReplicas: 1, alertmanagerReplicas: 1 },
  prod: { argocdReplicas: 2, redisHa: true, retention: "30d", prometheusStorage: "200Gi", prometheusReplicas: 2, alertmanagerReplicas: 3 },
} as const;

/** The releases of catalog charts (the objects chart's releases are read through manifests()). */
function releases(stack: SynthesizedStack): Body[] {
  return resourcesOf(stack, "helm_release")
    .map(([, body]) => body)
    .filter((body) => !isObjectsRelease(body));
}

function releaseOf(stack: SynthesizedStack, chart: string): Body {
  const found = releases(stack).filter((r) => r.chart === chart);
  if (found.length !== 1) throw new Error(`expected one helm_release of chart ${chart}, found ${found.length}`);
  return found[0]!;
}

function releaseAddress(stack: SynthesizedStack, chart: string): string {
  const [id] = resourcesOf(stack, "helm_release").find(([, body]) => body.chart === chart)!;
  return `helm_release.${id}`;
}

function valuesOf(release: Body): Body {
  expect(release.values).toHaveLength(1);
  return JSON.parse(release.values[0]) as Body;
}

/** Follows a `${<type>.<id>.metadata[0].name}` reference to the literal name it resolves to. */
function resolveName(stack: SynthesizedStack, value: string): string {
  const ref = /^\$\{(kubernetes_[a-z0-9_]+)\.([^.]+)\.metadata\[0\]\.name\}$/.exec(value);
  if (!ref) return value;
  const body = stack.json.resource?.[ref[1]!]?.[ref[2]!];
  if (!body) throw new Error(`dangling reference ${value}`);
  return (body as Body).metadata.name as string;
}

/**
 * The objects of one kind the stack writes, by the address of the resource that writes them: a
 * kubernetes_manifest, or a release of the objects chart (its arguments, with the object as `manifest`).
 */
function manifests(stack: SynthesizedStack, kind: string): [string, Body][] {
  return objectsOf(stack, kind).map(({ address, resource, object }) => [address, { ...resource, manifest: object }]);
}

function onlyManifest(stack: SynthesizedStack, kind: string, namespace?: string): [string, Body] {
  const found = manifests(stack, kind).filter(([, m]) => namespace === undefined || m.manifest.metadata.namespace === namespace);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}

/** The load balancer controller runs on managed node groups only (Auto Mode brings its own). */
const LOAD_BALANCER_CONTROLLER_CHART = { ...CHART_SOURCES.awsLoadBalancerController, namespace: "kube-system" };

const built = sharedTestApp(AWS);
const environments = built.environments.filter((env) => env.name in EXPECTED_SIZES);

describe("platform stacks exist for every environment", () => {
  it("registers <env>-platform for dev, staging and prod", () => {
    const stacks = built.app.node.children.map((child) => child.node.id);
    for (const name of ["dev-platform", "staging-platform", "prod-platform"]) expect(stacks).toContain(name);
    expect(environments.map((env) => env.name).sort()).toEqual(["dev", "prod", "staging"]);
  });
});

describe.each(environments.map((env) => [env.name, env] as const))("%s-platform", (name, env: EnvironmentConfig) => {
  const stack = synthStack(built, `${name}-platform`);
  const sizes = EXPECTED_SIZES[name as keyof typeof EXPECTED_SIZES];

  it("holds only Kubernetes and Helm resources, and the guard that waits for the core state (no AWS resource)", () => {
    const types = Object.keys(stack.json.resource ?? {});
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) expect(type).toMatch(/^(helm_|kubernetes_|terraform_data$)/);
    expect(Object.keys(stack.json.resource!.terraform_data!)).toEqual(["core-state-ready"]);
  });

  it("reads the cluster from the core stack's remote state in the environment's bucket, only once that state exists", () => {
    const remote = stack.json.data?.terraform_remote_state?.core as Body;
    const key = `${name}/terraform.tfstate`;
    expect(remote).toEqual({
      backend: "s3",
      config: { bucket: `pipeops-tfstate-${name}-${env.accountId}`, key, region: env.region },
      count: `\${contains(data.aws_s3_objects.core-state-object.keys, "${key}") ? 1 : 0}`,
    });
    expect(stack.json.data?.aws_s3_objects?.["core-state-object"]).toMatchObject({ bucket: `pipeops-tfstate-${name}-${env.accountId}`, prefix: key, max_keys: 1 });
  });

  it("stops the plan with 'apply the core stack first' before any Kubernetes or Helm resource is planned", () => {
    const guard = stack.json.resource!.terraform_data!["core-state-ready"] as Body;
    const [check] = guard.lifecycle.precondition;
    for (const output of ["cluster_name", "cluster_endpoint", "cluster_certificate_authority_data"]) {
      expect(check.condition).toContain(`can(${coreOutputExpression(output)})`);
    }
    expect(check.error_message).toBe(`${name}'s core state has no cluster outputs yet. Apply the core stack first: cdktf deploy ${name}`);
    for (const [type, instances] of Object.entries(stack.json.resource!)) {
      if (type === "terraform_data") continue;
      for (const [id, body] of Object.entries(instances)) expect((body as Body).depends_on, `${type}.${id}`).toContain("terraform_data.core-state-ready");
    }
  });

  it("configures the kubernetes provider from remote state with exec `aws eks get-token`, and no static credential", () => {
    const [provider] = stack.json.provider!.kubernetes!;
    expect(provider).toEqual({
      host: coreOutput("cluster_endpoint"),
      cluster_ca_certificate: `\${try(base64decode(${coreOutputExpression("cluster_certificate_authority_data")}), null)}`,
      exec: [
        {
          api_version: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", coreOutput("cluster_name"), "--region", env.region, "--output", "json"],
        },
      ],
    });
  });

  it("configures the helm provider's kubernetes block the same way, and no static credential", () => {
    const [provider] = stack.json.provider!.helm!;
    expect(Object.keys(provider!)).toEqual(["kubernetes"]);
    expect(provider!.kubernetes).toEqual({
      host: coreOutput("cluster_endpoint"),
      cluster_ca_certificate: `\${try(base64decode(${coreOutputExpression("cluster_certificate_authority_data")}), null)}`,
      exec: {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", coreOutput("cluster_name"), "--region", env.region, "--output", "json"],
      },
    });
    expect(JSON.stringify(stack.json.provider)).not.toMatch(/"(token|password|client_key|client_certificate|config_path)"/);
  });

  it.each(Object.entries(EXPECTED_CHARTS))("installs %s from its repository at the catalog's exact version into its namespace", (chart, expected) => {
    const release = releaseOf(stack, chart);
    expect(release.repository).toBe(expected.repository);
    expect(release.version).toBe(expected.version);
    expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(resolveName(stack, release.namespace)).toBe(expected.namespace);
    expect(release.atomic).toBe(true);
  });

  it("gives External Secrets' own service account no IAM role: each namespace's store brings its own", () => {
    const values = valuesOf(releaseOf(stack, "external-secrets"));
    expect(values.serviceAccount).toEqual({ create: true, name: "external-secrets" });
  });

  it("installs metrics-server (resource metrics for the Horizontal Pod Autoscaler) with two replicas and a disruption budget", () => {
    expect(valuesOf(releaseOf(stack, "metrics-server"))).toEqual({
      replicas: 2,
      resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "500m", memory: "400Mi" } },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      // Its /metrics open to kube-prometheus-stack's ServiceMonitor (platform-monitoring.test.ts).
      metrics: { enabled: true },
    });
  });

  it("runs its nodes from a custom NodeClass per pool: the core stack's node role, a private subnet in every AZ, the cluster security group, an encrypted gp3 volume, the cost tags", () => {
    const classes = manifests(stack, "NodeClass").map(([, body]) => body.manifest);
    expect(classes.map((c) => c.metadata.name).sort()).toEqual(env.eks.nodeGroups.map((g) => g.name).sort());
    for (const nodeClass of classes) {
      const group = env.eks.nodeGroups.find((g) => g.name === nodeClass.metadata.name)!;
      expect(nodeClass.apiVersion).toBe("eks.amazonaws.com/v1");
      expect(nodeClass.spec).toEqual({
        role: coreOutput("node_role_name"),
        subnetSelectorTerms: env.network.availabilityZones.map((_, i) => ({ id: `\${try(${coreOutputExpression("private_subnet_ids")}[${i}], null)}` })),
        securityGroupSelectorTerms: [{ id: coreOutput("node_security_group_id") }],
        ephemeralStorage: { size: `${group.diskSizeGib}Gi`, iops: 3000, throughput: 125, kmsKeyID: coreOutput("ebs_kms_key_arn") },
        tags: expect.objectContaining({ Project: "pipeops", Environment: name, ManagedBy: expect.any(String) }),
      });
    }
  });

  it("bounds every NodePool, consolidates underused nodes, and makes every release wait for the pools", () => {
    const pools = manifests(stack, "NodePool");
    expect(pools).toHaveLength(env.eks.nodeGroups.length);
    for (const [, pool] of pools) {
      expect(pool.manifest.apiVersion).toBe("karpenter.sh/v1");
      expect(pool.manifest.spec.template.spec.nodeClassRef).toEqual({ group: "eks.amazonaws.com", kind: "NodeClass", name: pool.manifest.metadata.name });
      expect(pool.manifest.spec.limits).toEqual({ cpu: expect.stringMatching(/^\d+m$/), memory: expect.stringMatching(/^\d+Mi$/) });
      expect(pool.manifest.spec.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] });
    }
    for (const release of releases(stack)) {
      for (const [address] of pools) expect(release.depends_on, release.chart).toContain(address);
    }
  });

  it("installs no load balancer controller: EKS Auto Mode runs its own", () => {
    expect(releases(stack).map((r) => r.chart)).not.toContain("aws-load-balancer-controller");
  });

  it(`sizes Argo CD for ${name}: ${sizes.argocdReplicas} replica(s) of each component, redis-ha ${sizes.redisHa ? "on" : "off"}`, () => {
    const values = valuesOf(releaseOf(stack, "argo-cd"));
    expect(values["redis-ha"]).toMatchObject(
      sizes.redisHa
        ? // One Redis and one HAProxy per AZ, strictly: the quorum survives an AZ, and Auto Mode starts nodes in three.
          { enabled: true, replicas: 3, haproxy: { replicas: 3 }, topologySpreadConstraints: { enabled: true, maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" } }
        : { enabled: false },
    );
    expect(values.global.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }]);
    for (const component of ["controller", "server", "repoServer", "applicationSet"]) {
      expect(values[component].replicas, component).toBe(sizes.argocdReplicas);
    }
    expect(values.dex).toEqual({ enabled: false });
    expect(values.notifications).toEqual({ enabled: false });
  });

  it("points the app-of-apps Application at the configured GitOps repository, after Argo CD is installed", () => {
    const [, app] = onlyManifest(stack, "Application");
    expect(app.manifest.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(resolveName(stack, app.manifest.metadata.namespace)).toBe("argocd");
    expect(app.manifest.spec.source).toEqual({
      repoURL: env.platform.argocd.gitopsRepoUrl,
      targetRevision: env.platform.argocd.gitopsRevision,
      path: `apps/${name}`,
    });
    expect(app.depends_on).toContain(releaseAddress(stack, "argo-cd"));
  });

  it(`keeps ${sizes.retention} of metrics on ${sizes.prometheusStorage} of gp3 with ${sizes.prometheusReplicas} Prometheus replica(s)`, () => {
    const spec = valuesOf(releaseOf(stack, "kube-prometheus-stack")).prometheus.prometheusSpec;
    expect(spec.retention).toBe(sizes.retention);
    expect(spec.replicas).toBe(sizes.prometheusReplicas);
    const claim = spec.storageSpec.volumeClaimTemplate.spec;
    expect(claim.resources.requests.storage).toBe(sizes.prometheusStorage);
    expect(claim.accessModes).toEqual(["ReadWriteOnce"]);
    expect(resolveName(stack, claim.storageClassName)).toBe("gp3");
    // Size-based retention stays below the volume, so the disk cannot fill before time-based retention acts.
    expect(parseInt(spec.retentionSize, 10)).toBeLessThan(parseInt(sizes.prometheusStorage, 10));
  });

  it("scrapes no component EKS does not expose or Auto Mode runs itself, and replaces Grafana's pod before its ReadWriteOnce volume moves", () => {
    const values = valuesOf(releaseOf(stack, "kube-prometheus-stack"));
    for (const component of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy", "coreDns"]) expect(values[component], component).toEqual({ enabled: false });
    expect(values.grafana.deploymentStrategy).toEqual({ type: "Recreate" });
  });

  it(`runs ${sizes.alertmanagerReplicas} Alertmanager replica(s) and persists Alertmanager and Grafana on gp3`, () => {
    const values = valuesOf(releaseOf(stack, "kube-prometheus-stack"));
    const alertmanager = values.alertmanager.alertmanagerSpec;
    expect(alertmanager.replicas).toBe(sizes.alertmanagerReplicas);
    expect(alertmanager.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe(`${env.platform.monitoring.alertmanagerStorageGib}Gi`);
    expect(resolveName(stack, alertmanager.storage.volumeClaimTemplate.spec.storageClassName)).toBe("gp3");
    expect(values.grafana.persistence).toMatchObject({ enabled: true, size: `${env.platform.monitoring.grafanaStorageGib}Gi` });
    expect(resolveName(stack, values.grafana.persistence.storageClassName)).toBe("gp3");
  });

  it("creates a gp3 StorageClass on Auto Mode's EBS driver, encrypted with the environment's EBS key", () => {
    const classes = resourcesOf(stack, "kubernetes_storage_class_v1").map(([, body]) => body as Body);
    expect(classes).toHaveLength(1);
    expect(classes[0]).toMatchObject({
      metadata: { name: "gp3" },
      storage_provisioner: "ebs.csi.eks.amazonaws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: coreOutput("ebs_kms_key_arn") },
      volume_binding_mode: "WaitForFirstConsumer",
    });
  });

  it("creates no ClusterSecretStore, only SecretStores (external-secrets.io/v1): monitoring's and each application namespace's, each as its own reader, after the operator", () => {
    expect(manifests(stack, "ClusterSecretStore")).toEqual([]);
    expect(manifests(stack, "SecretStore").map(([, m]) => m.manifest.metadata.namespace).sort()).toEqual(["monitoring", ...env.platform.applicationNamespaces.map((n) => n.name)].sort());
    const [, store] = onlyManifest(stack, "SecretStore", "monitoring");
    expect(store.manifest.apiVersion).toBe("external-secrets.io/v1");
    expect(store.manifest.metadata.namespace).toBe("monitoring");
    expect(store.manifest.spec).toEqual({ provider: { aws: { service: "SecretsManager", region: env.region, auth: { jwt: { serviceAccountRef: { name: "secrets-reader" } } } } } });
    expect(store.depends_on).toContain(releaseAddress(stack, "external-secrets"));
    const reader = resourcesOf(stack, "kubernetes_service_account_v1").map(([, r]) => r as Body).find((r) => r.metadata.namespace === "monitoring")!;
    expect(reader.metadata).toMatchObject({ name: "secrets-reader", namespace: "monitoring", annotations: { "eks.amazonaws.com/role-arn": `\${try(data.terraform_remote_state.core[0].outputs.secret_store_role_arns["monitoring"], null)}` } });
  });

  it("takes Grafana's admin credentials from Secrets Manager through an ExternalSecret, never from a literal", () => {
    const [secretAddress, secret] = onlyManifest(stack, "ExternalSecret");
    const [storeAddress, store] = onlyManifest(stack, "SecretStore", "monitoring");
    expect(secret.manifest.apiVersion).toBe("external-secrets.io/v1");
    expect(resolveName(stack, secret.manifest.metadata.namespace)).toBe("monitoring");
    expect(secret.manifest.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: store.manifest.metadata.name });
    // One release of the objects chart holds both, so the store exists when the secret is created.
    expect(secretAddress).toBe(storeAddress);
    expect(secretAddress).toMatch(/^helm_release\./);
    for (const item of secret.manifest.spec.data) expect(item.remoteRef.key).toBe(coreOutput("grafana_admin_secret_name"));

    const release = releaseOf(stack, "kube-prometheus-stack");
    const admin = valuesOf(release).grafana.admin;
    expect(admin.existingSecret).toBe(secret.manifest.spec.target.name);
    expect(secret.manifest.spec.data.map((d: Body) => d.secretKey).sort()).toEqual([admin.passwordKey, admin.userKey].sort());
    expect(release.depends_on).toContain(secretAddress);
    expect(stack.text).not.toMatch(/adminPassword/i);
  });

  it("puts no secret material into the configuration", () => {
    expect(stack.text).not.toMatch(/"(token|password|client_key|set_sensitive)"\s*:/);
  });

  it("delivers its custom resources and NetworkPolicies as releases of the repository's objects chart, shipped into the stack's folder, so no plan needs a CRD", () => {
    const objectsReleases = resourcesOf(stack, "helm_release").filter(([, body]) => isObjectsRelease(body));
    const expected = ["platform-argocd", "platform-network-policies", "platform-policies", "platform-secrets", ...(env.dns ? ["platform-ingress-class"] : [])];
    expect(objectsReleases.map(([, body]) => body.name).sort()).toEqual(expected.sort());
    // Only Auto Mode's NodeClass and NodePools stay kubernetes_manifest (served by every Auto Mode cluster).
    expect([...new Set(resourcesOf(stack, "kubernetes_manifest").map(([, body]) => (body as Body).manifest.kind))].sort()).toEqual(["NodeClass", "NodePool"]);
    // helm_release renders against the cluster at plan time only with the provider's manifest experiment.
    expect(stack.json.provider?.helm?.[0]?.experiments).toBeUndefined();
    const outdir = writtenSharedApp(AWS);
    for (const [, release] of objectsReleases) {
      expect(release.repository).toBeUndefined();
      // Terraform runs in the stack's folder: the relative chart path is the chart, copied there.
      const chart = join(outdir, "stacks", `${name}-platform`, String(release.chart));
      expect(readFileSync(join(chart, "templates", "objects.yaml"), "utf8")).toBe(readFileSync(join(PLATFORM_OBJECTS_CHART, "templates", "objects.yaml"), "utf8"));
      expect(readFileSync(join(chart, "Chart.yaml"), "utf8")).toMatch(/^name: platform-objects$/m);
      expect(Object.keys(JSON.parse((release.values as string[])[0]!))).toEqual(["objects"]);
    }
  });

  it("cannot be `terraform validate`d offline: hashicorp/kubernetes and hashicorp/helm are not in the provider mirror, so the stack pins them for validation elsewhere", () => {
    expect(stack.json.terraform.required_providers).toMatchObject({
      kubernetes: { source: "kubernetes", version: PROVIDERS.kubernetes.version },
      helm: { source: "helm", version: PROVIDERS.helm.version },
    });
  });
});

// ------------------------------------------------------------------ services turned off by config

type Platform = EnvironmentInput["platform"];

function devWith(patch: (platform: Platform, env: EnvironmentInput) => Partial<EnvironmentInput> | void): EnvironmentInput {
  const env = structuredClone(dev);
  const extra = patch(env.platform, env);
  return { ...env, ...(extra ?? {}) };
}

/** dev alone is a valid app: the variants need none of the other environments' stacks. */
function devPlatform(env: EnvironmentInput): SynthesizedStack {
  return synthStack(buildTestApp(AWS, [env]), "dev-platform");
}

const managedNodeGroups = (_platform: Platform, env: EnvironmentInput) => ({ eks: { ...env.eks, computeMode: "managed-node-groups" as const } });

describe("dev-platform on managed node groups (the compute mode's option)", () => {
  const stack = synthStack(managedNodeGroupsDev(AWS), "dev-platform");

  it("installs aws-load-balancer-controller from its repository at the catalog's exact version into kube-system", () => {
    const release = releaseOf(stack, "aws-load-balancer-controller");
    expect(release).toMatchObject({ repository: LOAD_BALANCER_CONTROLLER_CHART.repository, version: LOAD_BALANCER_CONTROLLER_CHART.version, atomic: true });
    expect(resolveName(stack, release.namespace)).toBe(LOAD_BALANCER_CONTROLLER_CHART.namespace);
  });

  it("binds the load balancer controller's service account to the IRSA role ARN the core stack publishes, exactly the account the role trusts", () => {
    const release = releaseOf(stack, "aws-load-balancer-controller");
    const values = valuesOf(release);
    expect(values.serviceAccount).toEqual({
      create: true,
      name: PLATFORM_SERVICE_ACCOUNTS.loadBalancerController.serviceAccount,
      annotations: { "eks.amazonaws.com/role-arn": coreOutput("load_balancer_controller_role_arn") },
    });
    expect(resolveName(stack, release.namespace)).toBe(PLATFORM_SERVICE_ACCOUNTS.loadBalancerController.namespace);
    expect(values).toMatchObject({ clusterName: coreOutput("cluster_name"), region: "us-west-2", vpcId: coreOutput("vpc_id"), replicaCount: 2 });
  });

  it("installs the load balancer controller first: every other release waits for its webhook", () => {
    const alb = releaseAddress(stack, "aws-load-balancer-controller");
    for (const chart of ["argo-cd", "kube-prometheus-stack", "external-secrets"]) expect(releaseOf(stack, chart).depends_on, chart).toContain(alb);
  });

  it("provisions gp3 with the EBS CSI driver add-on, creates no NodePool, and scrapes kube-proxy and CoreDNS, which run as pods there", () => {
    const [[, storageClass]] = resourcesOf(stack, "kubernetes_storage_class_v1") as [[string, Body]];
    expect(storageClass.storage_provisioner).toBe("ebs.csi.aws.com");
    expect(manifests(stack, "NodePool")).toEqual([]);
    const values = valuesOf(releaseOf(stack, "kube-prometheus-stack"));
    expect(values.kubeProxy).toEqual({ enabled: true });
    expect(values.coreDns).toEqual({ enabled: true });
  });
});

describe("no release on a cluster where its config turns it off", () => {
  it("leaves the load balancer controller out of managed node groups when platform.loadBalancerController.enabled is false", () => {
    const stack = devPlatform(devWith((p, e) => ((p.loadBalancerController = { enabled: false }), managedNodeGroups(p, e))));
    expect(releases(stack).map((r) => r.chart)).not.toContain("aws-load-balancer-controller");
    for (const release of releases(stack)) expect(JSON.stringify(release.depends_on ?? [])).not.toMatch(/load-balancer/);
  });

  it("refuses to enable the load balancer controller on an EKS Auto Mode cluster", () => {
    const env = devWith((p) => void (p.loadBalancerController = { enabled: true }));
    expect(() => buildTestApp(AWS, [env, staging, prod])).toThrow(ConfigError);
    expect(() => buildTestApp(AWS, [env, staging, prod])).toThrow(/dev: platform\.loadBalancerController\.enabled: true on an EKS Auto Mode cluster.*Fix: /);
  });

  it("never installs it on Auto Mode even from an unvalidated config (the stack checks too, not only the config rules)", () => {
    const validated = built.environments.find((env) => env.name === "dev")!;
    expect(validated.eks.computeMode).toBe("auto-mode");
    const unvalidated: EnvironmentConfig = { ...validated, platform: { ...validated.platform, loadBalancerController: { enabled: true } } };
    const stack = new PlatformStack(new App({ outdir: tempDir("unvalidated") }), "dev-platform", { env: unvalidated, target: AWS });
    const charts = Object.values((JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Body>> }).resource.helm_release!).map((r) => r.chart);
    expect(charts).not.toContain("aws-load-balancer-controller");
  });

  it("leaves Argo CD and its Application out when platform.argocd.enabled is false", () => {
    const stack = devPlatform(devWith((p) => void Object.assign(p.argocd, { enabled: false, deployApplications: false })));
    expect(releases(stack).map((r) => r.chart)).not.toContain("argo-cd");
    expect(manifests(stack, "Application")).toEqual([]);
    expect(resourcesOf(stack, "kubernetes_namespace_v1").map(([, b]) => (b as Body).metadata.name)).not.toContain("argocd");
  });

  it("leaves kube-prometheus-stack and Grafana's ExternalSecret out when platform.monitoring.enabled is false", () => {
    const stack = devPlatform(devWith((p) => void (p.monitoring.enabled = false)));
    expect(releases(stack).map((r) => r.chart)).not.toContain("kube-prometheus-stack");
    expect(manifests(stack, "ExternalSecret")).toEqual([]);
  });

  it("leaves External Secrets and every SecretStore out when platform.externalSecrets.enabled is false (monitoring off too)", () => {
    const stack = devPlatform(devWith((p) => void ((p.externalSecrets = { enabled: false }), (p.monitoring.enabled = false))));
    expect(releases(stack).map((r) => r.chart).sort()).toEqual(["argo-cd", "kyverno", "metrics-server"]);
    expect(manifests(stack, "SecretStore")).toEqual([]);
  });

  it("DR-style config: Argo CD and monitoring installed and ready, no application deployed", () => {
    const stack = devPlatform(devWith((p) => void (p.argocd.deployApplications = false)));
    expect(releases(stack).map((r) => r.chart)).toEqual(expect.arrayContaining(["argo-cd", "kube-prometheus-stack"]));
    expect(manifests(stack, "Application")).toEqual([]);
  });
});
