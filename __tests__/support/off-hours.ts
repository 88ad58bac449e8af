/** Reading the off-hours CronJobs and Roles back from a synthesized platform stack. */
import { OFF_HOURS_NAMESPACE, OFF_HOURS_NAME } from "../../modules/platform/off-hours";
import { resourcesOf, type SynthesizedStack } from "./synth";

type Body = Record<string, any>;

/** The sleep and wake CronJobs of a platform stack (undefined where there are none). */
export function offHoursJobs(stack: SynthesizedStack): { sleep?: Body; wake?: Body } {
  const jobs = Object.fromEntries(resourcesOf(stack, "kubernetes_cron_job_v1").map(([, body]) => [(body as Body).metadata.name as string, body as Body]));
  return { sleep: jobs[`${OFF_HOURS_NAME}-sleep`], wake: jobs[`${OFF_HOURS_NAME}-wake`] };
}
export const podSpec = (job: Body) => job.spec.job_template.spec.template.spec;
export const containerOf = (job: Body) => podSpec(job).container[0];
export const envOf = (job: Body): Record<string, string> => Object.fromEntries(containerOf(job).env.map((e: Body) => [e.name, e.value]));

/** Terraform's template escapes undone: what the pod receives. */
export const asReceived = (text: string) => text.replace(/([$%])\1\{/g, "$1{");

/** The names Terraform references resolve to (the record ConfigMap's name). */
export function resolveNames(stack: SynthesizedStack, value: string): string {
  return value.replace(/^\$\{kubernetes_config_map_v1\.([^.]+)\.metadata\[0\]\.name\}$/, (_, id: string) => (stack.json.resource!.kubernetes_config_map_v1![id] as Body).metadata.name);
}

/** The synthesized Roles bound to the off-hours service account, one entry per rule, names resolved. */
export function offHoursRules(stack: SynthesizedStack): Body[] {
  const bound = new Set(
    resourcesOf(stack, "kubernetes_role_binding_v1")
      .map(([, b]) => b as Body)
      .filter((b) => b.subject.some((s: Body) => s.kind === "ServiceAccount" && s.name === OFF_HOURS_NAME && s.namespace === OFF_HOURS_NAMESPACE))
      .map((b) => `${b.metadata.namespace}/${b.role_ref.name}`),
  );
  return resourcesOf(stack, "kubernetes_role_v1")
    .map(([, r]) => r as Body)
    .filter((r) => bound.has(`${r.metadata.namespace}/${r.metadata.name}`))
    .flatMap((r) => r.rule.map((rule: Body) => ({ namespace: r.metadata.namespace, resources: rule.resources, verbs: rule.verbs, resourceNames: (rule.resource_names ?? []).map((n: string) => resolveNames(stack, n)) })));
}
