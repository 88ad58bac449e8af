import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_SOURCES, CHECK_TOOLS, CONTAINER_IMAGES, EKS_ADDON_VERSIONS, EKS_UNSUPPORTED_ZONE_IDS, KUBERNETES, POSTGRES, PROVIDERS, TERRAFORM, type Verification } from "../../src/config/versions";
import { AWS, resourcesOf, synthStack, sharedTestApp, tempDir } from "../support/synth";
import { projectTypeScript } from "../support/project-files";
import { databaseClasses, exportReleases, withoutTerraformExpressions, type ExportedRelease } from "../../src/cli/versions";

/**
 * The versions catalog is the only place an external version appears, every entry says where and
 * when it was verified, the synthesized stacks use exactly its values, and Renovate's managers
 * find every entry marked for updates.
 */

const ROOT = join(__dirname, "..", "..");
const CATALOG = "src/config/versions.ts";
const catalogText = readFileSync(join(ROOT, CATALOG), "utf8");

/** The project's own TypeScript outside the tests (the tests quote versions to prove rules fire). */
const sourceFiles = () => projectTypeScript(ROOT);

/** What a hand-written external version looks like, by kind. */
const VERSION_LITERALS: Record<string, RegExp> = {
  "exact version (chart, tool, provider)": /["'`]v?\d+\.\d+\.\d+(?:-[\w.]+)?["'`]/,
  "Kubernetes minor": /["'`]1\.(?:2\d|3\d|4\d)["'`]/,
  "PostgreSQL parameter group family": /\bpostgres\d{1,2}\b/,
  "engine or Kubernetes version property": /\b(?:engineVersion|kubernetesVersion|addonVersion)\s*:\s*["'`]/,
};

/** Finds version-like literals in a file's text; comments are skipped (they may cite versions). */
function versionLiterals(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/\/\*.*?\*\//g, "").replace(/\/\/.*$/, "").replace(/^\s*\*.*$/, ""))
    .flatMap((line, i) =>
      Object.entries(VERSION_LITERALS)
        .filter(([, pattern]) => pattern.test(line))
        .map(([kind]) => `line ${i + 1} (${kind}): ${line.trim()}`),
    );
}

describe("versions catalog: one place for every external version", () => {
  it("finds a version literal when one is written (the scan can fail)", () => {
    expect(versionLiterals('const chart = { version: "93.3.1" };')).toHaveLength(1);
    expect(versionLiterals('kubernetesVersion: "1.33",')).toHaveLength(2);
    expect(versionLiterals('family: "postgres16"')).toHaveLength(1);
    expect(versionLiterals('// verified at "1.2.3"\nconst cidr = "10.0.0.0/16";')).toEqual([]);
  });

  it("has no version literal in any source file outside the catalog", () => {
    const files = sourceFiles().filter((file) => file !== CATALOG);
    expect(files.length).toBeGreaterThan(40);
    const found = files.flatMap((file) => versionLiterals(readFileSync(join(ROOT, file), "utf8")).map((hit) => `${file} ${hit}`));
    expect(found).toEqual([]);
  });

  it("imports no internal cdktf path outside the one documented wrapper", () => {
    const internal = sourceFiles().filter((file) => file !== "src/guardrails/cdktf-internals.ts" && /from "cdktf\/lib\//.test(readFileSync(join(ROOT, file), "utf8")));
    expect(internal).toEqual([]);
  });

  it("records for every entry the upstream reference and the date it was verified", () => {
    const entries: [string, Verification][] = [
      ["terraform", TERRAFORM],
      ...Object.entries(PROVIDERS),
      ["kubernetes", KUBERNETES],
      ["eks add-ons", EKS_ADDON_VERSIONS],
      ["eks zones", EKS_UNSUPPORTED_ZONE_IDS],
      ["postgres", POSTGRES],
      ...Object.entries(CHART_SOURCES),
      ...Object.entries(CHECK_TOOLS),
      ...Object.entries(CONTAINER_IMAGES),
    ];
    for (const [name, entry] of entries) {
      expect(entry.reference.length, name).toBeGreaterThan(20);
      expect(entry.verifiedOn, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Date.parse(entry.verifiedOn), name).toBeLessThanOrEqual(Date.now());
    }
  });

  it("pins every image the project runs itself to an exact tag of the cluster's Kubernetes minor, never latest", () => {
    for (const image of Object.values(CONTAINER_IMAGES)) expect(image.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(CONTAINER_IMAGES.kubectl.version.startsWith(`v${KUBERNETES.version}.`)).toBe(true);
  });

  it("pins every chart to an exact version that names its appVersion", () => {
    for (const [name, chart] of Object.entries(CHART_SOURCES)) {
      expect(chart.version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(chart.appVersion, name).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(chart.repository, name).toMatch(/^https:\/\//);
    }
  });

  // These fail when the date passes: the fix is a catalog update, which Renovate proposes.
  it(`keeps Kubernetes ${KUBERNETES.version} inside EKS standard support (until ${KUBERNETES.standardSupportEnds})`, () => {
    expect(Date.parse(KUBERNETES.standardSupportEnds)).toBeGreaterThan(Date.now());
    expect(KUBERNETES.supportType).toBe("STANDARD");
  });

  it(`keeps PostgreSQL ${POSTGRES.majorVersion} inside RDS standard support (until ${POSTGRES.standardSupportEnds}), pinned by major only`, () => {
    expect(Date.parse(POSTGRES.standardSupportEnds)).toBeGreaterThan(Date.now());
    expect(POSTGRES.majorVersion).toMatch(/^\d+$/);
    expect(POSTGRES.parameterGroupFamily).toBe(`postgres${POSTGRES.majorVersion}`);
  });

  it("names the provider versions the installed cdktf bindings were generated for", () => {
    for (const provider of Object.values(PROVIDERS)) {
      const binding = readFileSync(join(ROOT, "node_modules", provider.binding, "lib", "provider", "index.js"), "utf8");
      expect(binding, provider.binding).toContain(`providerVersion: '${provider.version}'`);
    }
  });

  it("writes no tool version into a workflow: the workflows read them from the catalog", () => {
    const workflows = readdirSync(join(ROOT, ".github", "workflows")).filter((name) => name.endsWith(".yml"));
    const literals = workflows.flatMap((name) =>
      readFileSync(join(ROOT, ".github", "workflows", name), "utf8")
        .split("\n")
        .map((line, i) => ({ line: line.replace(/#.*$/, ""), at: `${name}:${i + 1}` }))
        // TERRAFORM_VERSION is the one pin a workflow holds; the next test keeps it equal to the catalog's.
        .filter(({ line }) => /\bversion\s*:\s*["']?v?\d+\.\d+\.\d+/i.test(line) && !/TERRAFORM_VERSION:/.test(line))
        .map(({ line, at }) => `${at}: ${line.trim()}`),
    );
    expect(literals).toEqual([]);
  });

  it("runs the catalog's Terraform in every workflow", () => {
    const workflows = readdirSync(join(ROOT, ".github", "workflows")).filter((name) => name.endsWith(".yml"));
    for (const name of workflows) {
      const pins = [...readFileSync(join(ROOT, ".github", "workflows", name), "utf8").matchAll(/TERRAFORM_VERSION: "([^"]+)"/g)].map((m) => m[1]);
      expect(pins, name).toEqual([TERRAFORM.version]);
    }
  });
});

describe("synthesized stacks use exactly the catalog's versions", () => {
  const built = sharedTestApp(AWS);
  const stacks = built.app.node.children.map((child) => child.node.id);
  const synthesized = new Map(stacks.map((name) => [name, synthStack(built, name)]));

  it.each(stacks)("%s declares required_version and the catalog's provider versions", (name) => {
    const json = synthesized.get(name)!.json as { terraform: { required_version?: string; required_providers?: Record<string, { version: string }> } };
    expect(json.terraform.required_version).toBe(TERRAFORM.requiredVersion);
    for (const [provider, spec] of Object.entries(json.terraform.required_providers ?? {})) {
      expect(spec.version, `${name}: ${provider}`).toBe(PROVIDERS[provider as keyof typeof PROVIDERS].version);
    }
  });

  it.each(["dev", "staging", "prod", "dr"])("%s runs the catalog's Kubernetes on standard support and PostgreSQL by major", (name) => {
    const stack = synthesized.get(name)!;
    for (const [, cluster] of resourcesOf(stack, "aws_eks_cluster")) {
      expect(cluster).toMatchObject({ version: KUBERNETES.version, upgrade_policy: { support_type: "STANDARD" } });
    }
    for (const [, group] of resourcesOf(stack, "aws_db_parameter_group")) expect(group.family).toBe(POSTGRES.parameterGroupFamily);
    for (const [, db] of resourcesOf(stack, "aws_db_instance")) {
      // Replicas inherit the version; only a primary names it.
      if (db.engine_version !== undefined) expect(db.engine_version).toBe(POSTGRES.majorVersion);
    }
  });
});

describe("Renovate keeps the catalog current", () => {
  const renovate = JSON.parse(readFileSync(join(ROOT, "renovate.json"), "utf8")) as {
    customManagers: { managerFilePatterns: string[]; matchStrings: string[] }[];
  };
  const catalogManagers = renovate.customManagers.filter((manager) => manager.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(CATALOG)));
  const annotated = [...catalogText.matchAll(/\/\/ renovate: .*depName=(\S+)/g)].map((m) => m[1]!);

  it("marks every version entry of the catalog for Renovate", () => {
    expect(annotated.sort()).toEqual(
      ["amazon-eks", "amazon-rds-postgresql", "hashicorp/terraform", "helm/helm", "yannh/kubeconform", "aquasecurity/trivy", "gitleaks/gitleaks", "go", ...Object.values(CHART_SOURCES).map((c) => c.chart), ...Object.values(CONTAINER_IMAGES).map((i) => i.repository)].sort(),
    );
  });

  it("has a custom manager that extracts each marked entry with its current value", () => {
    const extracted = new Map<string, string>();
    for (const manager of catalogManagers) {
      for (const source of manager.matchStrings) {
        for (const match of catalogText.matchAll(new RegExp(source, "g"))) extracted.set(match.groups!.depName!, match.groups!.currentValue!);
      }
    }
    expect([...extracted.keys()].sort()).toEqual([...annotated].sort());
    expect(extracted.get("amazon-eks")).toBe(KUBERNETES.version);
    expect(extracted.get("amazon-rds-postgresql")).toBe(POSTGRES.majorVersion);
    expect(extracted.get("hashicorp/terraform")).toBe(TERRAFORM.version);
    for (const chart of Object.values(CHART_SOURCES)) expect(extracted.get(chart.chart), chart.chart).toBe(chart.version);
  });
});

describe("the weekly versions check renders exactly what the platform stacks synthesize", () => {
  const built = sharedTestApp(AWS);
  const outdir = tempDir("versions-outdir");
  for (const child of built.app.node.children) {
    mkdirSync(join(outdir, "stacks", child.node.id), { recursive: true });
    writeFileSync(join(outdir, "stacks", child.node.id, "cdk.tf.json"), synthStack(built, child.node.id).text);
  }
  const dir = tempDir("versions-releases");
  const releases = exportReleases(outdir, dir);

  it("exports the platform's own manifests for kubeconform, with no Terraform expression left", () => {
    const text = readFileSync(join(dir, "manifests.yaml"), "utf8");
    const kinds = new Set(text.split("\n---\n").map((doc) => (JSON.parse(doc) as { kind: string }).kind));
    // Every object the platform stacks write (src/kubernetes/objects.ts): manifests and kubernetes_*_v1 resources.
    expect([...kinds].sort()).toEqual([
      "AppProject", "Application", "ClusterPolicy", "ConfigMap", "CronJob", "ExternalSecret", "IngressClass", "IngressClassParams", "LimitRange", "Namespace",
      "NetworkPolicy", "NodeClass", "NodePool", "ResourceQuota", "Role", "RoleBinding", "SecretStore", "ServiceAccount", "StorageClass",
    ]);
    expect(text).not.toContain("${");
  });

  it("exports every release of every platform stack with its chart, version, namespace and values", () => {
    expect(releases.map((r) => `${r.stack}/${r.name}`)).toContain("prod-platform/kube-prometheus-stack");
    const listed = JSON.parse(readFileSync(join(dir, "releases.json"), "utf8")) as ExportedRelease[];
    expect(listed).toEqual(releases);
    for (const release of releases) {
      const source = Object.values(CHART_SOURCES).find((c) => c.chart === release.chart)!;
      expect(release).toMatchObject({ repository: source.repository, version: source.version });
      expect(release.namespace).toMatch(/^[a-z-]+$/);
      const values = readFileSync(join(dir, release.valuesFile), "utf8");
      expect(() => JSON.parse(values)).not.toThrow();
      expect(values).not.toContain("${");
    }
    const prodMonitoring = JSON.parse(readFileSync(join(dir, "prod-platform", "kube-prometheus-stack.values.json"), "utf8"));
    expect(prodMonitoring.prometheus.prometheusSpec.replicas).toBe(2);
  });

  it("replaces Terraform expressions (known only at plan time) with a placeholder string", () => {
    expect(withoutTerraformExpressions('{"a": "${try(data.x[0].outputs.y, null)}", "b": "${aws_iam_role.r.arn}"}')).toBe('{"a": "tf-value-known-after-apply", "b": "tf-value-known-after-apply"}');
  });

  it("asks AWS about every database instance class the stacks create, in its region", () => {
    expect(databaseClasses(outdir)).toEqual(
      expect.arrayContaining([
        { region: "us-west-2", instanceClass: "db.t3.medium" },
        { region: "us-west-2", instanceClass: "db.r6g.large" },
        { region: "us-west-2", instanceClass: "db.r6g.xlarge" },
        { region: "us-east-1", instanceClass: "db.r6g.xlarge" },
      ]),
    );
  });
});
