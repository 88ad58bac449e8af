/**
 * Dev's workloads sleep outside working hours so that EKS Auto Mode can remove every node: two
 * CronJobs in kube-system run modules/platform/off-hours/{sleep,wake}.sh. What is synthesized is
 * checked here; the scripts themselves run in __tests__/validate/off-hours-scripts.test.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AWS, resourcesOf, sharedTestApp, synthStack } from "../support/synth";
import { asReceived, containerOf, envOf, offHoursJobs, offHoursRules, podSpec } from "../support/off-hours";
import { SLEEP_SCRIPT_FILE, WAKE_SCRIPT_FILE } from "../../modules/platform/off-hours";
import { CHARTS } from "../../modules/platform/charts";
import { CONTAINER_IMAGES, imageOf } from "../../src/config/versions";
import { dev } from "../../environments";

type Body = Record<string, any>;
const built = sharedTestApp(AWS);
const platform = synthStack(built, "dev-platform");

describe("dev's workloads off hours", () => {
  const { sleep, wake } = offHoursJobs(platform) as Required<ReturnType<typeof offHoursJobs>>;
  const hours = dev.costs!.offHours!;

  it("sleeps at the end of each workday and wakes at its start, in the configured time zone, as the database does", () => {
    expect(sleep.spec).toMatchObject({ schedule: "0 19 * * 1,2,3,4,5", timezone: hours.timezone, concurrency_policy: "Forbid" });
    expect(wake.spec).toMatchObject({ schedule: "0 7 * * 1,2,3,4,5", timezone: hours.timezone, concurrency_policy: "Forbid" });
    const [[, stop], [, start]] = ["stop", "start"].map((a) => resourcesOf(synthStack(built, "dev"), "aws_scheduler_schedule").find(([, s]) => (s as Body).name.endsWith(`-${a}`))!) as [[string, Body], [string, Body]];
    expect([stop.schedule_expression, start.schedule_expression]).toEqual(["cron(0 19 ? * MON,TUE,WED,THU,FRI *)", "cron(0 7 ? * MON,TUE,WED,THU,FRI *)"]);
    expect(stop.schedule_expression_timezone).toBe(sleep.spec.timezone);
  });

  it("runs the scripts in the repository unchanged (Terraform's template escapes undo to the files)", () => {
    expect(asReceived(containerOf(sleep).command[2])).toBe(readFileSync(SLEEP_SCRIPT_FILE, "utf8"));
    expect(asReceived(containerOf(wake).command[2])).toBe(readFileSync(WAKE_SCRIPT_FILE, "utf8"));
    // No bare ${ is left for Terraform to interpolate.
    expect(containerOf(sleep).command[2]).not.toMatch(/(^|[^$])\$\{/);
  });

  it("runs the catalog's kubectl image as nobody, read-only, with no capabilities, in kube-system (outside Kyverno's webhooks)", () => {
    for (const job of [sleep, wake]) {
      expect(job.metadata.namespace).toBe("kube-system");
      expect(containerOf(job).image).toBe(imageOf(CONTAINER_IMAGES.kubectl));
      expect(podSpec(job).security_context).toMatchObject({ run_as_non_root: true, run_as_user: "65534", seccomp_profile: { type: "RuntimeDefault" } });
      expect(containerOf(job).security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] } });
      expect(containerOf(job).resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    }
  });

  it("targets every namespace the platform creates, the platform's own Deployments in kube-system by name, and wakes Kyverno first", () => {
    const namespaces = resourcesOf(platform, "kubernetes_namespace_v1").map(([, n]) => (n as Body).metadata.name as string);
    expect(envOf(sleep).TARGETS!.split(" ").sort()).toEqual([...namespaces, "kube-system:metrics-server"].sort());
    expect(envOf(wake).WAKE_FIRST).toBe(CHARTS.kyverno.namespace);
    expect(envOf(sleep).TARGETS).toBe(envOf(wake).TARGETS);
  });

  it("may write only the scale of workloads and its own record: no pod template, no cluster-wide role, no wildcard", () => {
    const rules = offHoursRules(platform);
    expect(resourcesOf(platform, "kubernetes_cluster_role_v1")).toEqual([]);
    for (const rule of rules) {
      expect([...rule.verbs, ...rule.resources]).not.toContain("*");
      const writes = rule.verbs.filter((v: string) => !["get", "list", "watch"].includes(v));
      if (writes.length === 0) continue;
      expect(rule.resources.every((r: string) => r.endsWith("/scale") || (r === "configmaps" && rule.resourceNames.length === 1))).toBe(true);
      expect(writes.every((v: string) => ["patch", "update"].includes(v))).toBe(true);
    }
    expect(rules.filter((r) => r.namespace === "kube-system" && r.resources.includes("deployments/scale")).flatMap((r) => r.resourceNames)).toEqual(["metrics-server"]);
  });

  it("is dev's alone", () => {
    for (const name of ["staging-platform", "prod-platform", "dr-platform"]) expect(offHoursJobs(synthStack(built, name))).toEqual({});
  });
});

