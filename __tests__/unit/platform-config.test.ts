/** Validation of the `platform` section of an environment config: each mistake stops synth with its fix. */
import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../src/config/types";
import { checkEnvironment } from "../../src/config/validate";
import { dev, prod, staging } from "../../environments";

type Platform = EnvironmentInput["platform"];

function issuesOf(base: EnvironmentInput, patch: (platform: Platform) => void): string[] {
  const env = structuredClone(base);
  patch(env.platform);
  return checkEnvironment(env).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

function expectRefused(base: EnvironmentInput, patch: (platform: Platform) => void, pattern: RegExp): void {
  const issues = issuesOf(base, patch);
  expect(issues.some((text) => pattern.test(text)), `issues were:\n${issues.join("\n")}`).toBe(true);
  expect(issues.every((text) => /Fix: /.test(text))).toBe(true);
}

describe("platform config validation", () => {
  it("accepts the shipped dev, staging and prod platform sections", () => {
    for (const env of [dev, staging, prod]) expect(checkEnvironment(env).issues).toEqual([]);
  });

  it("refuses a GitOps repository URL that is not https", () => {
    expectRefused(dev, (p) => void (p.argocd.gitopsRepoUrl = "git@github.com:acme/gitops.git"), /platform\.argocd\.gitopsRepoUrl: "git@github\.com:acme\/gitops\.git" is not an https:\/\/ URL/);
    expectRefused(dev, (p) => void (p.argocd.gitopsRepoUrl = "http://git.example.com/gitops.git"), /platform\.argocd\.gitopsRepoUrl: .* is not an https:\/\/ URL/);
  });

  it("refuses credentials inside the GitOps repository URL", () => {
    expectRefused(dev, (p) => void (p.argocd.gitopsRepoUrl = "https://bot:s3cret@git.example.com/gitops.git"), /gitopsRepoUrl: a credential was found in the URL \(https:\/\/\[redacted\]@git\.example\.com\/gitops\.git\).*repository Secret/);
  });

  it("refuses deployApplications without a repository or a path", () => {
    expectRefused(dev, (p) => void delete p.argocd.gitopsRepoUrl, /platform\.argocd\.gitopsRepoUrl: missing, but deployApplications is true/);
    expectRefused(dev, (p) => void delete p.argocd.appOfAppsPath, /platform\.argocd\.appOfAppsPath: missing, but deployApplications is true/);
  });

  it("accepts no repository when no applications are deployed (DR)", () => {
    const issues = issuesOf(dev, (p) => {
      p.argocd.deployApplications = false;
      delete p.argocd.gitopsRepoUrl;
      delete p.argocd.appOfAppsPath;
    });
    expect(issues).toEqual([]);
  });

  it("refuses deployApplications with Argo CD turned off", () => {
    expectRefused(dev, (p) => void (p.argocd.enabled = false), /platform\.argocd\.deployApplications: true while Argo CD is not installed/);
  });

  it("refuses an app-of-apps path that leaves the repository", () => {
    expectRefused(dev, (p) => void (p.argocd.appOfAppsPath = "../other"), /platform\.argocd\.appOfAppsPath: .*relative folder/);
    expectRefused(dev, (p) => void (p.argocd.appOfAppsPath = "/apps/dev"), /platform\.argocd\.appOfAppsPath: .*relative folder/);
  });

  it("refuses monitoring without External Secrets (Grafana's admin password comes through it)", () => {
    expectRefused(dev, (p) => void (p.externalSecrets = { enabled: false }), /platform\.externalSecrets\.enabled: false, but monitoring needs External Secrets/);
  });

  it("refuses zero, fractional and oversized monitoring sizes", () => {
    expectRefused(dev, (p) => void (p.monitoring.prometheusRetentionDays = 0), /platform\.monitoring\.prometheusRetentionDays: 0: prometheusRetentionDays must be at least 1/);
    expectRefused(dev, (p) => void (p.monitoring.prometheusStorageGib = 20.5), /platform\.monitoring\.prometheusStorageGib: 20\.5: prometheusStorageGib must be a whole number/);
    expectRefused(dev, (p) => void (p.monitoring.grafanaStorageGib = 5000), /platform\.monitoring\.grafanaStorageGib: .*at most 1024/);
  });

  it("refuses highly available Argo CD on fewer than 3 guaranteed nodes (redis-ha needs 3)", () => {
    const small = structuredClone(dev);
    small.platform.argocd.highAvailability = true;
    expect(checkEnvironment(small).issues.map((i) => `${i.path}: ${i.message}`).join("\n")).toMatch(
      /platform\.argocd\.highAvailability: true, but the node groups guarantee only 2 node\(s\).*Fix: /,
    );
    small.eks.nodeGroups[0]!.minSize = 3;
    expect(checkEnvironment(small).issues).toEqual([]);
  });

  it("refuses a production environment without highly available Argo CD, Prometheus and Alertmanager", () => {
    expectRefused(prod, (p) => void (p.argocd.highAvailability = false), /platform\.argocd\.highAvailability: false: production Argo CD must be highly available/);
    expectRefused(prod, (p) => void (p.monitoring.prometheusReplicas = 1), /platform\.monitoring\.prometheusReplicas: 1 Prometheus replica\(s\): production needs at least 2/);
    expectRefused(prod, (p) => void (p.monitoring.alertmanagerReplicas = 1), /platform\.monitoring\.alertmanagerReplicas: 1 Alertmanager replica\(s\)/);
  });
});
