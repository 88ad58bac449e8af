/**
 * The off-hours scripts (modules/platform/off-hours/{sleep,wake}.sh) run here, as the CronJobs of
 * dev's platform stack would run them, against a stand-in kubectl (__tests__/support/fake-kubectl.sh)
 * holding a cluster of the platform's own workloads, which refuses every call the synthesized Roles
 * do not allow. In the validate project: it spawns bash, jq and the stand-in some hundred times.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { AWS, sharedTestApp, stackOf, synthStack, tempDir } from "../support/synth";
import { asReceived, containerOf, envOf, offHoursJobs, offHoursRules, resolveNames } from "../support/off-hours";
import { OFF_HOURS_NAMESPACE } from "../../modules/platform/off-hours";
import { CHARTS, type PlatformChart } from "../../modules/platform/charts";
import type { PlatformStack } from "../../src/stacks/platform-stack";

type Body = Record<string, any>;
const built = sharedTestApp(AWS);
const platform = synthStack(built, "dev-platform");

describe("the off-hours scripts, against a stand-in kubectl with the synthesized Roles", () => {
  const { sleep, wake } = offHoursJobs(platform) as Required<ReturnType<typeof offHoursJobs>>;
  const dir = tempDir("off-hours");
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  copyFileSync(join(__dirname, "..", "support", "fake-kubectl.sh"), join(bin, "kubectl"));
  chmodSync(join(bin, "kubectl"), 0o755);
  const files = { cluster: join(dir, "cluster.json"), rules: join(dir, "rules.json"), log: join(dir, "calls.log") };
  writeFileSync(files.rules, JSON.stringify(offHoursRules(platform)));

  // The first Deployment and StatefulSet of each namespace of the platform's workloads
  // (modules/platform/workloads.ts), where their releases put them: every namespace, and so every
  // Role, is exercised, with a tenth of the calls. metrics-server under its name in kube-system.
  const services = stackOf(built, "dev-platform") as PlatformStack;
  const platformWorkloads: Record<string, number> = {};
  for (const [chart, list] of Object.entries(services.services.workloads)) {
    for (const w of list!.filter((w) => w.kind === "Deployment" || w.kind === "StatefulSet")) {
      const namespace = CHARTS[chart as PlatformChart].namespace;
      const kind = w.kind.toLowerCase();
      if (Object.keys(platformWorkloads).some((key) => key.startsWith(`${namespace}/${kind}/`))) continue;
      platformWorkloads[`${namespace}/${kind}/${chart === "metricsServer" ? "metrics-server" : w.name}`] = w.replicas;
    }
  }
  const notThePlatforms = { "kube-system/deployment/coredns": 2, "kube-system/deployment/someone-elses": 1 };
  const record = `${OFF_HOURS_NAMESPACE}/${resolveNames(platform, envOf(sleep).STATE!)}`;
  const cluster = () => JSON.parse(readFileSync(files.cluster, "utf8")) as { workloads: Record<string, number>; configmaps: Record<string, Record<string, string>> };
  const calls = () => readFileSync(files.log, "utf8").trim().split("\n");

  function run(job: Body, available: Record<string, boolean> = {}) {
    const env = { ...envOf(job), STATE: resolveNames(platform, envOf(job).STATE!) };
    const current = JSON.parse(readFileSync(files.cluster, "utf8")) as Body;
    writeFileSync(files.cluster, JSON.stringify({ ...current, available }));
    return spawnSync("bash", ["-c", asReceived(containerOf(job).command[2])], {
      env: { PATH: `${bin}:${process.env.PATH}`, ...env, FAKE_CLUSTER: files.cluster, FAKE_RULES: files.rules, FAKE_LOG: files.log },
      encoding: "utf8",
    });
  }

  beforeEach(() => {
    writeFileSync(files.cluster, JSON.stringify({ workloads: { ...platformWorkloads, ...notThePlatforms }, configmaps: { [record]: {} } }));
    writeFileSync(files.log, "");
  });

  it("has a cluster to work on: a Deployment in each platform namespace, StatefulSets where there are any", () => {
    const namespaces = new Set(Object.keys(platformWorkloads).map((key) => key.split("/")[0]));
    expect([...namespaces].sort()).toEqual(["argocd", "external-secrets", "kube-system", "kyverno", "monitoring"]);
    expect(Object.keys(platformWorkloads).filter((key) => key.includes("/statefulset/")).length).toBeGreaterThan(0);
    expect(Object.keys(platformWorkloads)).toContain("kube-system/deployment/metrics-server");
    expect(execFileSync("jq", ["--version"], { encoding: "utf8" })).toMatch(/^jq-/);
  });

  it("sleep records every count, scales the platform to zero, leaves what is not the platform's, and is refused nothing", () => {
    const result = run(sleep);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const after = cluster();
    for (const key of Object.keys(platformWorkloads)) expect(after.workloads[key], key).toBe(0);
    expect(Object.fromEntries(Object.keys(notThePlatforms).map((k) => [k, after.workloads[k]]))).toEqual(notThePlatforms);
    expect(after.configmaps[record]).toEqual(Object.fromEntries(Object.entries(platformWorkloads).filter(([, n]) => n > 0).map(([key, n]) => [key.replaceAll("/", "."), String(n)])));
    expect(calls().filter((c) => c.startsWith("FORBIDDEN"))).toEqual([]);
  });

  it("sleep stops Argo CD first, its application controller (a StatefulSet) before anything it could heal back", () => {
    run(sleep);
    const scaled = calls().filter((c) => c.includes("/scale "));
    expect(scaled[0]).toMatch(/^ALLOWED patch statefulsets\/scale argocd /);
    const lastArgoCd = scaled.map((c) => c.includes(" argocd ")).lastIndexOf(true);
    const firstOther = scaled.findIndex((c) => !c.includes(" argocd "));
    expect(lastArgoCd).toBeGreaterThanOrEqual(0);
    expect(lastArgoCd).toBeLessThan(firstOther);
  });

  it("a second sleep keeps the counts of the first (nothing is at zero twice over)", () => {
    run(sleep);
    const first = cluster().configmaps[record];
    expect(run(sleep).status).toBe(0);
    expect(cluster().configmaps[record]).toEqual(first);
  });

  it("wake restores every count, Kyverno's first and waited for, Argo CD's last, then empties the record", () => {
    run(sleep);
    writeFileSync(files.log, "");
    const result = run(wake);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(cluster().workloads).toEqual({ ...platformWorkloads, ...notThePlatforms });
    expect(cluster().configmaps[record]).toEqual({});
    const log = calls();
    const waited = log.findIndex((c) => c.startsWith("ALLOWED watch deployments kyverno"));
    const scaled = log.map((c, i) => [c, i] as const).filter(([c]) => c.includes("/scale "));
    expect(waited).toBeGreaterThan(0);
    expect(scaled.filter(([c]) => c.includes(" kyverno ")).every(([, i]) => i < waited)).toBe(true);
    expect(scaled.filter(([c]) => !c.includes(" kyverno ")).every(([, i]) => i > waited)).toBe(true);
    expect(log.filter((c) => c.startsWith("FORBIDDEN"))).toEqual([]);
    // Argo CD wakes last: every other workload is back at its count before its controller runs.
    const firstArgoCd = scaled.findIndex(([c]) => c.includes(" argocd "));
    expect(firstArgoCd).toBeGreaterThan(0);
    expect(scaled.slice(firstArgoCd).every(([c]) => c.includes(" argocd "))).toBe(true);
  });

  it("a wake whose Kyverno never becomes available fails before waking the rest, and keeps the record for the next try", () => {
    run(sleep);
    const result = run(wake, { [CHARTS.kyverno.namespace]: false });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("timed out");
    const after = cluster();
    expect(Object.entries(after.workloads).filter(([k, n]) => !k.startsWith(`${CHARTS.kyverno.namespace}/`) && k in platformWorkloads && n > 0)).toEqual([]);
    expect(Object.keys(after.configmaps[record]!).length).toBeGreaterThan(0);
    expect(run(wake).status).toBe(0);
    expect(cluster().workloads).toEqual({ ...platformWorkloads, ...notThePlatforms });
  });

  it("the stand-in refuses what the Roles do not allow (scaling a Deployment in kube-system that is not the platform's)", () => {
    const result = spawnSync(join(bin, "kubectl"), ["scale", "deployment/coredns", "-n", "kube-system", "--replicas=0"], {
      env: { PATH: process.env.PATH, FAKE_CLUSTER: files.cluster, FAKE_RULES: files.rules, FAKE_LOG: files.log },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Forbidden");
    expect(cluster().workloads["kube-system/deployment/coredns"]).toBe(2);
  });
});
