import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1, type RoleV1Rule } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { literalTemplate } from "../terraform/terraform-data";
import { kubernetesCron, type WorkingHours } from "../cost/working-hours";
import type { ContainerResources } from "./workloads";

/**
 * Puts the cluster's workloads to sleep at the end of each workday and wakes them at its start, so
 * that EKS Auto Mode, which removes nodes that run nothing but DaemonSets, scales the cluster to
 * zero nodes overnight and at weekends. Auto Mode has no node group to scale from outside the
 * cluster (EventBridge Scheduler cannot reach the Kubernetes API), so two CronJobs in kube-system
 * do it with kubectl:
 *
 *  - sleep: records the replicas of every StatefulSet and Deployment with any in the given
 *    namespaces (and of the named Deployments elsewhere) in a ConfigMap, then scales each to zero,
 *    Argo CD's namespace first (its application controller would heal the rest back);
 *  - wake: scales them back from the ConfigMap, the admission webhooks' namespace first (Kyverno's
 *    webhooks refuse pods while none of its pods runs), then everything else, Argo CD last, and
 *    empties the ConfigMap. Its pod is what makes Auto Mode start the first node of the morning.
 *
 * The CronJobs run in kube-system because Kyverno's webhooks leave that namespace out (kyverno
 * chart 3.9.0 `config.webhooks.namespaceSelector`): the morning's pod must start before Kyverno.
 * Least privilege: the service account reads Deployments and StatefulSets and writes only their
 * `scale` subresource (never their pod template), in exactly the listed namespaces, and reads and
 * patches only its own ConfigMap.
 */

export interface WorkloadsOffHoursProps extends WorkingHours {
  /** Namespaces whose every Deployment and StatefulSet sleeps. */
  readonly namespaces: readonly string[];
  /** Namespace → the only Deployments that sleep there (kube-system: the platform's own). */
  readonly namedDeployments: Readonly<Record<string, readonly string[]>>;
  /** Woken first and waited for (Available) before the rest: the namespace of the admission webhooks. */
  readonly wakeFirst?: string;
  /**
   * Put to sleep first and woken last: the GitOps controller's namespace (Argo CD), so it never
   * runs while the workloads it heals are scaled away (its `selfHeal` would scale them back).
   */
  readonly gitOps?: string;
  /** The kubectl image (with bash and jq), pinned. */
  readonly image: string;
  readonly resources: ContainerResources;
  /** What must exist first: the namespaces (their Roles) and the releases (their workloads). */
  readonly dependsOn?: ITerraformDependable[];
}

/** Where the CronJobs, their service account and the replica record live. */
export const OFF_HOURS_NAMESPACE = "kube-system";
export const OFF_HOURS_NAME = "workloads-off-hours";

/** The two scripts (bash, with kubectl and jq), beside this file; their own heads say what they read. */
export const SLEEP_SCRIPT_FILE = join(__dirname, "off-hours", "sleep.sh");
export const WAKE_SCRIPT_FILE = join(__dirname, "off-hours", "wake.sh");

export class WorkloadsOffHours extends Construct {
  readonly serviceAccount: ServiceAccountV1;
  readonly record: ConfigMapV1;
  readonly roles: RoleV1[] = [];
  readonly sleep: CronJobV1;
  readonly wake: CronJobV1;

  constructor(scope: Construct, id: string, props: WorkloadsOffHoursProps) {
    super(scope, id);
    const dependsOn = props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn : undefined;
    const metadata = (name: string) => ({ name, namespace: OFF_HOURS_NAMESPACE, labels: { "app.kubernetes.io/name": OFF_HOURS_NAME, "app.kubernetes.io/managed-by": "terraform" } });
    this.serviceAccount = new ServiceAccountV1(this, "service-account", { metadata: metadata(OFF_HOURS_NAME), dependsOn });
    this.record = new ConfigMapV1(this, "record", {
      metadata: metadata(`${OFF_HOURS_NAME}-replicas`),
      data: {},
      // The sleep job writes the counts and the wake job removes them.
      lifecycle: { ignoreChanges: ["data"] },
      dependsOn,
    });

    const grant = (roleId: string, namespace: string, rules: RoleV1Rule[]) => {
      const role = new RoleV1(this, `${roleId}-role`, { metadata: { name: OFF_HOURS_NAME, namespace }, rule: rules, dependsOn });
      new RoleBindingV1(this, `${roleId}-binding`, {
        metadata: { name: OFF_HOURS_NAME, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: OFF_HOURS_NAME },
        subject: [{ kind: "ServiceAccount", name: OFF_HOURS_NAME, namespace: OFF_HOURS_NAMESPACE }],
        dependsOn,
      });
      this.roles.push(role);
    };
    // Named Deployments only: `kubectl get --field-selector` lists (a list cannot be limited to
    // names), the scale is limited to those names. kube-system also holds the record.
    const namedDeployments = (names: readonly string[]): RoleV1Rule[] => [
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] },
      { apiGroups: ["apps"], resources: ["deployments/scale"], resourceNames: [...names], verbs: ["get", "patch", "update"] },
    ];
    const named = props.namedDeployments[OFF_HOURS_NAMESPACE] ?? [];
    grant("record", OFF_HOURS_NAMESPACE, [
      { apiGroups: [""], resources: ["configmaps"], resourceNames: [this.record.metadata.name], verbs: ["get", "patch"] },
      ...(named.length > 0 ? namedDeployments(named) : []),
    ]);
    for (const [namespace, names] of Object.entries(props.namedDeployments).filter(([namespace]) => namespace !== OFF_HOURS_NAMESPACE)) {
      grant(`named-${namespace}`, namespace, namedDeployments(names));
    }
    for (const namespace of props.namespaces) {
      grant(`namespace-${namespace}`, namespace, [
        // watch: `kubectl wait` in the namespace woken first.
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["get", "list", "watch"] },
        { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "patch", "update"] },
      ]);
    }

    const namespaces = props.gitOps && props.namespaces.includes(props.gitOps) ? [props.gitOps, ...props.namespaces.filter((n) => n !== props.gitOps)] : [...props.namespaces];
    const targets = [...namespaces, ...Object.entries(props.namedDeployments).flatMap(([namespace, names]) => names.map((name) => `${namespace}:${name}`))];
    const cronJob = (action: "sleep" | "wake", time: string, script: string) =>
      new CronJobV1(this, action, {
        metadata: metadata(`${OFF_HOURS_NAME}-${action}`),
        dependsOn: [...(dependsOn ?? []), ...this.roles],
        spec: {
          schedule: kubernetesCron(time, props.workdays),
          timezone: props.timezone,
          concurrencyPolicy: "Forbid",
          // A run missed by more than an hour (the control plane was away) is skipped, not run late.
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: {},
            spec: {
              backoffLimit: 3,
              activeDeadlineSeconds: 3600,
              ttlSecondsAfterFinished: "86400",
              template: {
                metadata: { labels: { "app.kubernetes.io/name": OFF_HOURS_NAME, "app.kubernetes.io/component": action } },
                spec: {
                  serviceAccountName: this.serviceAccount.metadata.name,
                  restartPolicy: "Never",
                  securityContext: { runAsNonRoot: true, runAsUser: "65534", runAsGroup: "65534", seccompProfile: { type: "RuntimeDefault" } },
                  container: [
                    {
                      name: action,
                      image: props.image,
                      // Escaped: the script's own ${...} is for bash, not Terraform.
                      command: ["/bin/bash", "-c", literalTemplate(script)],
                      env: [
                        { name: "TARGETS", value: targets.join(" ") },
                        { name: "STATE", value: this.record.metadata.name },
                        { name: "STATE_NAMESPACE", value: OFF_HOURS_NAMESPACE },
                        ...(action === "wake" && props.wakeFirst ? [{ name: "WAKE_FIRST", value: props.wakeFirst }] : []),
                        ...(action === "wake" && props.gitOps ? [{ name: "WAKE_LAST", value: props.gitOps }] : []),
                        // kubectl's discovery cache: the root filesystem is read-only.
                        { name: "HOME", value: "/tmp" },
                      ],
                      resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
                      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                      volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
                    },
                  ],
                  volume: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                },
              },
            },
          },
        },
      });
    this.sleep = cronJob("sleep", props.workdayEnd, readFileSync(SLEEP_SCRIPT_FILE, "utf8"));
    this.wake = cronJob("wake", props.workdayStart, readFileSync(WAKE_SCRIPT_FILE, "utf8"));
  }
}
