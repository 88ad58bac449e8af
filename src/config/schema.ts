import { z } from "zod";
import { availabilityZonesOf, isKnownRegion, KNOWN_REGIONS, type AwsRegion } from "./regions";
import { cidrsOverlap, coversEveryAddress, isPrivateCidr, parseCidr } from "../../modules/network/cidr";
import { INTERFACE_ENDPOINT_SERVICES } from "../../modules/network/endpoints";
import { instanceTypeCatalog, isOfferedIn, offeredAlternatives } from "./instance-types";
import { PLATFORM_NAMESPACES } from "../../modules/platform/charts";
import { isGraviton } from "../../modules/eks/instance-types";
import { estimatedMaxConnections } from "../../modules/database/instance-classes";
import { dailyOverlapsWeekly, dailyWindow, MIN_WINDOW_MINUTES, minutesOf, weeklyWindow } from "./windows";
import { redactSecrets, urlCarriesCredential } from "./secrets";
import { s3BucketNameProblems } from "./s3-bucket-names";
import { AWS_TAG_RULES, tagIssues } from "./tags";
import { isOfferedForPostgres, postgresClassAlternatives } from "./db-instance-classes";

/**
 * The typed shape of one environment, and every rule a config must pass before anything is
 * synthesized. Each rule's message names the field, the bad value and the fix.
 */

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const TIERS = ["development", "staging", "production", "disaster-recovery"] as const;
export type Tier = (typeof TIERS)[number];

/** How many Availability Zones each tier needs at least. EKS itself needs two. */
export const MIN_AZS_BY_TIER: Record<Tier, number> = {
  development: 2,
  staging: 2,
  production: 3,
  "disaster-recovery": 2,
};


/** What an environment gets from its tier unless its file says otherwise, and the tier rules the stacks apply. */
export interface TierSettings {
  /** `prevent_destroy` on the state buckets and deletion protection on the lock table. */
  readonly protectFromDestroy: boolean;
  /** Days old state versions are kept. */
  readonly noncurrentVersionRetentionDays: number;
  /** Retention of the VPC flow logs, EKS control-plane logs and PostgreSQL logs. */
  readonly logRetentionDays: (typeof LOG_RETENTION_DAYS)[number];
  readonly databaseDeletionProtection: boolean;
  /** Destroying the database skips the final snapshot (throw-away environments only). */
  readonly skipFinalSnapshot: boolean;
  /** Performance Insights retention: 7 days is free; 731 keeps two years for production. */
  readonly performanceInsightsRetentionDays: number;
  /** Days a deleted secret can be restored; 0 deletes at once. */
  readonly secretRecoveryWindowDays: number;
  /**
   * `prevent_destroy` on what the core stack cannot rebuild without loss (database, KMS keys,
   * cluster, log groups, which also keep their data on destroy: `skip_destroy`).
   */
  readonly protectCoreFromDestroy: boolean;
  /** What the in-cluster policy engine does with a violation: report it (audit) or refuse it (enforce). */
  readonly policyEnforcement: "audit" | "enforce";
  /** Monthly AWS Budgets limit, USD: the seed's figure for the environment of that tier (dev, staging, prod, DR). */
  readonly monthlyBudgetUsd: number;
}

export const TIER_SETTINGS: Readonly<Record<Tier, TierSettings>> = {
  development: { protectFromDestroy: false, noncurrentVersionRetentionDays: 30, logRetentionDays: 30, databaseDeletionProtection: false, skipFinalSnapshot: true, performanceInsightsRetentionDays: 7, secretRecoveryWindowDays: 0, protectCoreFromDestroy: false, policyEnforcement: "audit", monthlyBudgetUsd: 500 },
  staging: { protectFromDestroy: true, noncurrentVersionRetentionDays: 90, logRetentionDays: 90, databaseDeletionProtection: true, skipFinalSnapshot: false, performanceInsightsRetentionDays: 7, secretRecoveryWindowDays: 30, protectCoreFromDestroy: false, policyEnforcement: "enforce", monthlyBudgetUsd: 800 },
  production: { protectFromDestroy: true, noncurrentVersionRetentionDays: 365, logRetentionDays: 365, databaseDeletionProtection: true, skipFinalSnapshot: false, performanceInsightsRetentionDays: 731, secretRecoveryWindowDays: 30, protectCoreFromDestroy: true, policyEnforcement: "enforce", monthlyBudgetUsd: 2500 },
  "disaster-recovery": { protectFromDestroy: true, noncurrentVersionRetentionDays: 365, logRetentionDays: 365, databaseDeletionProtection: true, skipFinalSnapshot: false, performanceInsightsRetentionDays: 7, secretRecoveryWindowDays: 30, protectCoreFromDestroy: true, policyEnforcement: "enforce", monthlyBudgetUsd: 2041 },
};

/** Backup and maintenance windows (UTC) every environment uses unless its file names others. */
export const DEFAULT_WINDOWS = { backup: "03:00-04:00", maintenance: "sun:04:30-sun:05:30" } as const;

const fix = (text: string) => ` Fix: ${text}`;

const region = z.string().refine(isKnownRegion, {
  error: (issue) =>
    `unknown AWS region ${JSON.stringify(issue.input)}.` + fix(`use one of ${KNOWN_REGIONS.join(", ")}.`),
}) as unknown as z.ZodType<AwsRegion>;

/** An IPv4 CIDR block (zod's format check) with no host bits set (10.0.0.1/16 names no network). */
const cidr = (what: string) => {
  const error = (issue: { input?: unknown }) =>
    `${JSON.stringify(issue.input)} is not a valid IPv4 CIDR block.` + fix(`write ${what} as a.b.c.d/n with no host bits set, e.g. 10.0.0.0/16.`);
  return z.cidrv4({ error }).refine((value) => parseCidr(value) !== undefined, { error });
};

const logRetention = z
  .number()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a CloudWatch Logs retention period.` +
      fix(`use one of ${LOG_RETENTION_DAYS.join(", ")}.`),
  });

const positiveInt = (what: string) =>
  z.number().int({ error: `${what} must be a whole number.` }).min(0, { error: `${what} cannot be negative.` });

export const nodeGroupSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, {
    error: "must be lowercase letters, digits and dashes, starting with a letter." + fix("rename the node group, e.g. \"general\"."),
  }).describe("Node group name (suffix of its AWS name)."),
  instanceTypes: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "is not an EC2 instance type." + fix("use a type such as t3.medium.") }))
    .min(1, { error: "needs at least one instance type." + fix("list instance types, e.g. [\"t3.medium\"].") }).describe("EC2 instance types; one CPU architecture per group."),
  minSize: positiveInt("minSize").describe("Fewest nodes: the capacity the platform must fit in (a unit test sums its requests against it)."),
  /** @default minSize */
  desiredSize: positiveInt("desiredSize").optional().describe("Managed node groups only: nodes at creation. Default: minSize. Refused in Auto Mode, which has none (it scales to what pods request)."),
  maxSize: positiveInt("maxSize").min(1, { error: "maxSize must be at least 1." + fix("raise maxSize.") }).describe("Most nodes; minSize \u2264 desiredSize \u2264 maxSize."),
  diskSizeGib: z.number().int().min(20).max(16384).describe("Root volume (gp3, encrypted with the cluster's EBS key), GiB."),
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).describe("ON_DEMAND, or SPOT (Auto Mode: Spot first, On-Demand when no Spot capacity is left; managed node groups: Spot only). Not in production or DR."),
  /** @default "any" */
  workloads: z.enum(["any", "non-critical"]).default("any").describe("any, or non-critical: the nodes are tainted pipeops.io/non-critical=true:NoSchedule, so only pods that tolerate it run there."),
  /** @default false */
  allowGraviton: z.boolean().default(false).describe("Auto Mode: also start the Graviton (arm64) type of the same size where the family has one (t3→t4g, m5→m6g) and the region offers it. Only when every image the pool runs is multi-arch."),
});

// ---------------------------------------------------------------- costs

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const clockTime = (what: string) =>
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: `must be a time hh:mm (24 h).` + fix(`e.g. ${what === "workdayStart" ? '"07:00"' : '"19:00"'}.`) });

export const costsSchema = z
  .strictObject({
    /** @default the tier's (TIER_SETTINGS: the seed's per-environment figure) */
    monthlyBudgetUsd: z.number().positive({ error: "must be a positive amount of US dollars." + fix("e.g. 500.") }).max(1_000_000).optional().describe("AWS Budgets monthly cost limit (USD) of the resources tagged with this environment. Default: the tier's (the seed's figure)."),
    /**
     * Activate the environment's tag keys for cost allocation (what the budget filters on). Only a
     * standalone account or an Organization's management account may (member accounts get
     * "Linked account doesn't have access to cost allocation tags"): in an Organization, leave this
     * off and activate the keys there. One environment per account.
     * @default false
     */
    activateCostAllocationTags: z.boolean().default(false).describe("Activate the tag keys for cost allocation in this account (a standalone account or the Organization's management account only; one environment per account)."),
    /** Stop the database (EventBridge Scheduler) and put the cluster's workloads to sleep (CronJobs) outside working hours; development only. */
    offHours: z
      .strictObject({
        enabled: z.boolean(),
        timezone: z.string().refine((zone) => Intl.supportedValuesOf("timeZone").includes(zone) || zone === "UTC", {
          error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone.` + fix('e.g. "America/Los_Angeles" or "Europe/Berlin".'),
        }),
        workdayStart: clockTime("workdayStart"),
        workdayEnd: clockTime("workdayEnd"),
        workdays: z.array(z.enum(DAYS)).min(1).default(["mon", "tue", "wed", "thu", "fri"]),
      })
      .optional()
      .describe("Off-hours schedule: { enabled, timezone, workdayStart, workdayEnd, workdays }: at workdayEnd on workdays the database is stopped and the cluster's workloads scaled to zero (Auto Mode then removes the nodes); at workdayStart both come back (asleep at weekends)."),
  })
  .default({ activateCostAllocationTags: false });

// ---------------------------------------------------------------- alerts

/**
 * An https:// URL without credentials; `example` shows a good one in the error. A credential in the
 * URL is named as such and never repeated: the message shows the value redacted (secrets.ts).
 */
const httpsUrlLike = (example: string) =>
  z.string().superRefine((value, ctx) => {
    if (urlCarriesCredential(value)) {
      ctx.addIssue({
        code: "custom",
        message: `a credential was found in the URL (${redactSecrets(value)}); it would be stored in state and shown in plans and logs.` +
          fix(`remove it from the URL and revoke it, since it has been written down. ${example}`),
      });
      return;
    }
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:") ctx.addIssue({ code: "custom", message: `${JSON.stringify(value)} is not an https:// URL without credentials.` + fix(example) });
  });

const httpsUrl = httpsUrlLike("use the repository's HTTPS clone URL, e.g. https://github.com/acme/gitops.git; give Argo CD access through a repository Secret, never in the URL.");


/** Who the environment's alert topic reaches: every CloudWatch alarm, budget alert and Alertmanager alert goes there. */
export const alertsSchema = z
  .strictObject({
    emails: z
      .array(z.email({ error: "is not an e-mail address." + fix('e.g. "platform-alerts@example.com".') }))
      .default([])
      .describe("E-mail addresses subscribed to the alert topic (SNS e-mails each a confirmation link first)."),
    httpsEndpoints: z
      .array(httpsUrlLike("e.g. https://events.pagerduty.com/integration/<key>/enqueue; SNS signs its messages, so no secret belongs in the URL."))
      .default([])
      .describe("HTTPS endpoints subscribed to the alert topic (the endpoint confirms through the SubscribeURL SNS posts to it)."),
  })
  .default({ emails: [], httpsEndpoints: [] });

// ---------------------------------------------------------------- DNS

/** A DNS name as Route 53 and ACM take it: labels of letters, digits and hyphens, at most 253 characters. */
const domainName = z
  .string()
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, { error: "is not a lower-case DNS name such as pipeops.example.com." + fix("write the zone's name without a trailing dot or wildcard.") });

/**
 * The public zone the environment's applications are published in. Production and its DR copy
 * share one: the global stack (README "DNS and failover") holds the zone, the health check on the
 * primary's regional endpoint and each region's certificate; external-dns in each cluster writes the
 * records.
 */
export const dnsSchema = z.strictObject({
  zoneName: domainName.describe("The public hosted zone's name, e.g. pipeops.example.com."),
  /** @default "create" */
  zone: z.enum(["create", "existing"]).default("create").describe('"create": the global stack creates the zone; "existing": it is looked up by name (an existing public zone of this account).'),
  /** @default "/healthz" */
  healthCheckPath: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: "must be an absolute path such as /healthz." + fix('e.g. "/healthz".') }).default("/healthz").describe("Path Route 53 probes over HTTPS on the primary's regional hostname (<env>.<zoneName>), when this environment is a failover primary."),
});

// ---------------------------------------------------------------- platform (in-cluster services)

const boundedInt = (what: string, min: number, max: number, example: string) =>
  z
    .number()
    .int({ error: (issue) => `${JSON.stringify(issue.input)}: ${what} must be a whole number.` + fix(`e.g. ${example}.`) })
    .min(min, { error: (issue) => `${JSON.stringify(issue.input)}: ${what} must be at least ${min}.` + fix(`set ${what} between ${min} and ${max}.`) })
    .max(max, { error: (issue) => `${JSON.stringify(issue.input)}: ${what} must be at most ${max}.` + fix(`set ${what} between ${min} and ${max}.`) });

/**
 * The application namespaces of the architecture (its "Namespace Structure"), in every environment
 * unless the config lists others: the APIs and batch jobs reach the database, the web front end
 * reaches the APIs on their application port.
 */
export const SEED_APPLICATION_NAMESPACES = [
  { name: "sample-app", egress: [] },
  { name: "api-services", egress: [{ to: "database", port: 5432 }] },
  { name: "web-frontend", egress: [{ to: "api-services", port: 8080 }] },
  { name: "batch-jobs", egress: [{ to: "database", port: 5432 }] },
] as const;

/** Helm-installed services on the environment's cluster (the `<env>-platform` stack). */
export const platformSchema = z.strictObject({
  argocd: z.strictObject({
    enabled: z.boolean(),
    /** Replicated server, repo-server and application controller, and redis-ha. */
    highAvailability: z.boolean(),
    /** Create the app-of-apps Application; false installs Argo CD ready but with nothing deployed (DR). */
    deployApplications: z.boolean(),
    gitopsRepoUrl: httpsUrl.optional(),
    /** Branch, tag or commit to follow; HEAD when omitted. */
    gitopsRevision: z.string().regex(/^[\w./-]{1,100}$/, { error: "is not a Git branch, tag or commit." + fix("e.g. \"main\".") }).optional(),
    /** Folder of Application manifests in the GitOps repository. */
    appOfAppsPath: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]{1,200}$/, { error: "must be a relative folder inside the repository, without \"..\"." + fix("e.g. \"apps/dev\".") })
      .optional(),
  }).describe("Argo CD (docs/platform.md)."),
  monitoring: z.strictObject({
    enabled: z.boolean(),
    prometheusRetentionDays: boundedInt("prometheusRetentionDays", 1, 3650, "15"),
    prometheusStorageGib: boundedInt("prometheusStorageGib", 10, 16384, "50"),
    prometheusReplicas: boundedInt("prometheusReplicas", 1, 5, "2"),
    alertmanagerStorageGib: boundedInt("alertmanagerStorageGib", 1, 1024, "5"),
    alertmanagerReplicas: boundedInt("alertmanagerReplicas", 1, 5, "3"),
    grafanaStorageGib: boundedInt("grafanaStorageGib", 1, 1024, "10"),
  }).describe("kube-prometheus-stack: Prometheus, Alertmanager, Grafana (docs/platform.md)."),
  externalSecrets: z.strictObject({ enabled: z.boolean() }).default({ enabled: true }).describe("External Secrets Operator, with a SecretStore per namespace that reads Secrets Manager (monitoring, application namespaces); monitoring needs it."),
  /**
   * Must be false on an EKS Auto Mode cluster, which brings its own controller (a config rule enforces it).
   * @default on with managed node groups, off in Auto Mode
   */
  loadBalancerController: z.strictObject({ enabled: z.boolean().optional() }).default({}).describe("AWS Load Balancer Controller. Default: on with managed node groups, off in Auto Mode (which runs its own; enabling it there is refused)."),
  policyEngine: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** @default the tier's (TIER_SETTINGS): audit in development, enforce otherwise */
      mode: z.enum(["audit", "enforce"]).optional(),
      /** Registries pods may pull from besides the platform charts' own and this account's ECR. */
      extraRegistries: z
        .array(z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, { error: "is not a registry or repository prefix." + fix("e.g. \"123456789012.dkr.ecr.us-west-2.amazonaws.com\" or \"ghcr.io/acme\".") }))
        .default([]),
    })
    .default({ enabled: true, extraRegistries: [] })
    .describe("Kyverno and the baseline policy set (docs/platform.md): no privileged containers or host namespaces, images from allowed registries, resource requests in application namespaces. mode: audit or enforce; default: the tier's (production and DR must enforce)."),
  applicationNamespaces: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]{1,19}$/, { error: "must be 2-20 lowercase letters, digits or dashes, starting with a letter." + fix("e.g. \"payments\".") }),
        /** Where its pods may connect besides their own namespace and DNS: "database", another application namespace, or a CIDR. */
        egress: z
          .array(
            z.strictObject({
              to: z.string().regex(/^(database|[a-z][a-z0-9-]{1,19}|\d{1,3}(\.\d{1,3}){3}\/\d{1,2})$/, { error: "must be \"database\", an application namespace or a CIDR." + fix('e.g. "database", "api-services" or "10.20.0.0/16".') }),
              port: z.number().int().min(1).max(65535),
            }),
          )
          .default([]),
      }),
    )
    .default(SEED_APPLICATION_NAMESPACES.map((namespace) => ({ ...namespace, egress: namespace.egress.map((e) => ({ ...e })) })))
    .describe("Namespaces for applications (restricted Pod Security, default-deny ingress and egress but their declared egress, a ResourceQuota and LimitRange, a SecretStore that reads only <project>/<env>/apps/<name>/* in Secrets Manager). Default: the four of the architecture (sample-app, api-services, web-frontend, batch-jobs)."),
});

export type PlatformConfig = z.infer<typeof platformSchema>;

/** Rules tying the platform section to the rest of the environment. */
function platformIssues(
  env: {
    readonly tier: Tier;
    readonly eks: { readonly computeMode: string; readonly nodeGroups: readonly { readonly minSize: number }[] };
    readonly platform: PlatformConfig;
  },
  issue: (path: (string | number)[], message: string) => void,
): void {
  const { argocd, monitoring, externalSecrets, loadBalancerController } = env.platform;
  const at = (...path: (string | number)[]) => ["platform", ...path];
  if (loadBalancerController.enabled && env.eks.computeMode === "auto-mode") {
    issue(
      at("loadBalancerController", "enabled"),
      "true on an EKS Auto Mode cluster, which runs its own AWS load balancer controller; two controllers would fight over the same load balancers." +
        fix("set platform.loadBalancerController.enabled to false, or eks.computeMode to \"managed-node-groups\"."),
    );
  }
  if (monitoring.enabled && !externalSecrets.enabled) {
    issue(
      at("externalSecrets", "enabled"),
      "false, but monitoring needs External Secrets: Grafana's admin password comes from Secrets Manager through it." +
        fix("set platform.externalSecrets.enabled to true, or platform.monitoring.enabled to false."),
    );
  }
  if (argocd.deployApplications) {
    if (!argocd.enabled) {
      issue(at("argocd", "deployApplications"), "true while Argo CD is not installed." + fix("set platform.argocd.enabled to true, or deployApplications to false."));
    }
    if (argocd.gitopsRepoUrl === undefined) {
      issue(at("argocd", "gitopsRepoUrl"), "missing, but deployApplications is true." + fix("set platform.argocd.gitopsRepoUrl to the GitOps repository's HTTPS URL, or deployApplications to false."));
    }
    if (argocd.appOfAppsPath === undefined) {
      issue(at("argocd", "appOfAppsPath"), "missing, but deployApplications is true." + fix("set platform.argocd.appOfAppsPath to the folder of Application manifests, e.g. \"apps/prod\"."));
    }
  }
  // redis-ha runs 3 Redis pods that must land on 3 different nodes.
  const minNodes = env.eks.nodeGroups.reduce((sum, group) => sum + group.minSize, 0);
  if (argocd.enabled && argocd.highAvailability && minNodes < 3) {
    issue(
      at("argocd", "highAvailability"),
      `true, but the node groups guarantee only ${minNodes} node(s) and highly available Argo CD spreads redis-ha over 3.` +
        fix("raise the node groups' minSize to 3 in total, or set platform.argocd.highAvailability to false."),
    );
  }
  const reserved = new Set(["default", "kube-system", "kube-public", "kube-node-lease", ...PLATFORM_NAMESPACES]);
  const seen = new Set<string>();
  env.platform.applicationNamespaces.forEach(({ name }, i) => {
    if (reserved.has(name)) issue(at("applicationNamespaces", i, "name"), `"${name}" is a namespace the platform or Kubernetes owns.` + fix("give the application namespace its own name."));
    if (seen.has(name)) issue(at("applicationNamespaces", i, "name"), `"${name}" is listed twice.` + fix("list each application namespace once."));
    seen.add(name);
  });
  const listed = new Set(env.platform.applicationNamespaces.map(({ name }) => name));
  env.platform.applicationNamespaces.forEach(({ name, egress }, i) =>
    egress.forEach(({ to }, j) => {
      if (to !== "database" && !to.includes("/") && (!listed.has(to) || to === name)) {
        issue(at("applicationNamespaces", i, "egress", j, "to"), `"${to}" is not another application namespace of this environment.` + fix(`name one of ${[...listed].filter((n) => n !== name).join(", ") || "(none)"}, "database" or a CIDR.`));
      }
    }),
  );
  if (env.tier === "production" || env.tier === "disaster-recovery") {
    const engine = env.platform.policyEngine;
    if (!engine.enabled || engine.mode === "audit") {
      issue(
        at("policyEngine", engine.enabled ? "mode" : "enabled"),
        `${engine.enabled ? "\"audit\"" : "false"}: production and DR clusters enforce the baseline policies.` + fix("remove the setting (the tier enforces), or set platform.policyEngine.mode to \"enforce\"."),
      );
    }
  }
  if (env.tier === "production") {
    if (argocd.enabled && !argocd.highAvailability) {
      issue(at("argocd", "highAvailability"), "false: production Argo CD must be highly available." + fix("set platform.argocd.highAvailability to true."));
    }
    if (monitoring.enabled && monitoring.prometheusReplicas < 2) {
      issue(at("monitoring", "prometheusReplicas"), `${monitoring.prometheusReplicas} Prometheus replica(s): production needs at least 2.` + fix("set platform.monitoring.prometheusReplicas to 2 or more."));
    }
    if (monitoring.enabled && monitoring.alertmanagerReplicas < 2) {
      issue(at("monitoring", "alertmanagerReplicas"), `${monitoring.alertmanagerReplicas} Alertmanager replica(s): production needs at least 2.` + fix("set platform.monitoring.alertmanagerReplicas to 3."));
    }
  }
}

/** The node groups (after defaults) whose file wrote a desiredSize: Auto Mode has no use for one. */
const desiredSizeWritten = new WeakSet<object>();

/** Fills what an environment file left out from its tier's settings (TIER_SETTINGS). */
function withTierDefaults<
  T extends {
    tier: Tier;
    stateBackend: { protectFromDestroy?: boolean; noncurrentVersionRetentionDays?: number };
    protectCoreFromDestroy?: boolean;
    network: { flowLogRetentionDays?: number };
    eks: { computeMode: "managed-node-groups" | "auto-mode"; logRetentionDays?: number; nodeGroups: readonly z.infer<typeof nodeGroupSchema>[] };
    database: { deletionProtection?: boolean; logRetentionDays?: number };
    platform: { policyEngine: { mode?: "audit" | "enforce" }; loadBalancerController: { enabled?: boolean } };
    costs: { monthlyBudgetUsd?: number };
  },
>(env: T) {
  const tier = TIER_SETTINGS[env.tier];
  return {
    ...env,
    stateBackend: {
      ...env.stateBackend,
      protectFromDestroy: env.stateBackend.protectFromDestroy ?? tier.protectFromDestroy,
      noncurrentVersionRetentionDays: env.stateBackend.noncurrentVersionRetentionDays ?? tier.noncurrentVersionRetentionDays,
    },
    protectCoreFromDestroy: env.protectCoreFromDestroy ?? tier.protectCoreFromDestroy,
    network: { ...env.network, flowLogRetentionDays: env.network.flowLogRetentionDays ?? tier.logRetentionDays },
    eks: {
      ...env.eks,
      logRetentionDays: env.eks.logRetentionDays ?? tier.logRetentionDays,
      nodeGroups: env.eks.nodeGroups.map((group) => {
        const filled = { ...group, desiredSize: group.desiredSize ?? group.minSize };
        if (group.desiredSize !== undefined) desiredSizeWritten.add(filled);
        return filled;
      }),
    },
    database: {
      ...env.database,
      deletionProtection: env.database.deletionProtection ?? tier.databaseDeletionProtection,
      logRetentionDays: env.database.logRetentionDays ?? tier.logRetentionDays,
    },
    platform: {
      ...env.platform,
      policyEngine: { ...env.platform.policyEngine, mode: env.platform.policyEngine.mode ?? tier.policyEnforcement },
      // Auto Mode runs its own load balancer controller; managed node groups need the chart's.
      loadBalancerController: { enabled: env.platform.loadBalancerController.enabled ?? env.eks.computeMode !== "auto-mode" },
    },
    costs: { ...env.costs, monthlyBudgetUsd: env.costs.monthlyBudgetUsd ?? tier.monthlyBudgetUsd },
  };
}

export const environmentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, {
      error: "must be 2-12 lowercase letters or digits, starting with a letter." + fix("use a short name such as \"dev\"."),
    }).describe("Short name; stacks are <name>-bootstrap, <name>, <name>-platform. Unique across environments."),
    /** Goes into every resource's Project tag and into resource names. */
    project: z.string().regex(/^[a-z](?!.*--)[a-z0-9-]{0,19}[a-z0-9]$/, {
      error: "must be 2-21 lowercase letters, digits or single dashes, starting with a letter and ending with a letter or digit: it begins every resource name (<project>-<env>: the database identifier, the cluster, the key aliases)." +
        fix("use a short project name such as \"pipeops\" or \"acme-shop\", without a trailing or double dash."),
    }).describe("Project tag and resource-name prefix."),
    tier: z.enum(TIERS).describe("development, staging, production or disaster-recovery: the defaults of TIER_SETTINGS, the minimum AZs (3 in production, 2 otherwise) and the production-only rules."),
    region: region.describe("AWS region; must be a known one."),
    accountId: z.string().regex(/^\d{12}$/, {
      error: "must be a 12-digit AWS account id." + fix("set accountId to the account this environment deploys into."),
    }).describe("Account the environment deploys into (guarded by allowed_account_ids)."),
    stateBackend: z.strictObject({
      bucketPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{1,30}[a-z0-9]$/, {
        error:
          "must be 3-32 lowercase letters, digits or dashes, not starting or ending with a dash (it becomes part of a global S3 bucket name)." +
          fix("use a prefix such as \"acme-tfstate\"."),
      }).describe("The state bucket is <prefix>-<name>-<accountId>."),
      /** @default the tier's (TIER_SETTINGS) */
      protectFromDestroy: z.boolean().optional().describe("prevent_destroy on the state buckets, deletion protection on the lock table. Default: the tier's."),
      protectionOverride: z
        .strictObject({
          approvedBy: z.string().min(2, { error: "names nobody." + fix("name who approved turning the protection off.") }),
          reason: z.string().min(30, { error: "is too short to be a reason." + fix("say why the protection must be off, in a sentence.") }),
          expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD." + fix("set the last day the override holds.") }),
        })
        .optional()
        .describe("Production and DR only: the recorded decision that lets protectFromDestroy be false (approvedBy, reason, expires YYYY-MM-DD)."),
      bootstrapStateInBucket: z.boolean().default(false).describe("Move the bootstrap stack's own state into its bucket (README)."),
      /** @default the tier's (TIER_SETTINGS) */
      noncurrentVersionRetentionDays: z.number().int().min(1).max(3650).optional().describe("Days old state versions are kept. Default: the tier's."),
    }),
    network: z.strictObject({
      vpcCidr: cidr("network.vpcCidr").describe("VPC range: RFC 1918, /16 to /20."),
      availabilityZones: z.array(z.string()).min(1, { error: "needs at least one Availability Zone." + fix("list the AZs to use.") }).describe("AZs of the subnets: in the region, unique, enough for the tier; at plan time also available to the account and not a zone ID EKS refuses."),
      natGateways: z.enum(["single", "one-per-az"]).describe("single, or one-per-az."),
      /** @default every service of INTERFACE_ENDPOINT_SERVICES */
      interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINT_SERVICES)).default([...INTERFACE_ENDPOINT_SERVICES]).describe("Interface endpoints of the private subnets."),
      /** @default the tier's log retention */
      flowLogRetentionDays: logRetention.optional().describe("VPC flow log retention (a CloudWatch Logs value). Default: the tier's."),
      /** Environments whose VPC ranges must stay disjoint from this one (peering, replication). */
      mustNotOverlapWith: z.array(z.string()).default([]).describe("Environments whose VPCs must stay disjoint from this one."),
    }),
    eks: z.strictObject({
      /** @default "auto-mode", as the seed draws the clusters */
      computeMode: z.enum(["managed-node-groups", "auto-mode"]).default("auto-mode").describe("auto-mode (default: EKS Auto Mode scales nodes to what pods request, within the node pools' limits), or managed-node-groups (fixed-size groups; no autoscaler is installed)."),
      nodeGroups: z.array(nodeGroupSchema).describe("The cluster's capacity. auto-mode: each entry is an Auto Mode NodePool whose maxSize bounds it (CPU and memory limits of maxSize of its largest type), listed in order of preference; managed-node-groups: each is a managed node group."),
      publicAccessCidrs: z.array(cidr("eks.publicAccessCidrs entries")).describe("Ranges that may reach the public API endpoint; empty: private only. Never the whole internet."),
      /** @default [] (only the nodes reach the private endpoint) */
      privateAccessCidrs: z.array(cidr("eks.privateAccessCidrs entries")).default([]).describe("Ranges inside the network or peered with it (the PRIVATE_API_RUNNER runner's subnet, a VPN) that may reach the private API endpoint on 443."),
      /**
       * Existing IAM roles or users of this environment's account made cluster admins, besides the
       * cluster-admin role the stack creates and the CI deploy role. Looked up at plan time.
       */
      adminPrincipalArns: z.array(
        z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/, {
          error: "is not an IAM role or user ARN." + fix("use arn:aws:iam::<account>:role/<name>."),
        }),
      ).default([]).describe("Existing IAM roles/users of this account made cluster admins, besides the stack's <project>-<env>-cluster-admin role and the CI deploy role; looked up by name at plan time."),
      /** @default the tier's log retention */
      logRetentionDays: logRetention.optional().describe("Control-plane and Container Insights log retention. Default: the tier's."),
    }),
    database: z.strictObject({
      instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "is not an RDS instance class." + fix("use a class such as db.t3.medium.") }).describe("RDS instance class."),
      multiAz: z.boolean().describe("Synchronous standby in a second AZ; production must be Multi-AZ."),
      readReplicas: positiveInt("readReplicas").describe("Same-region read replicas: need Multi-AZ and one AZ each beyond the primary's."),
      allocatedStorageGib: z.number().int().min(20).max(65536).describe("gp3 storage, GiB."),
      maxAllocatedStorageGib: z.number().int().min(20).max(65536).describe("Storage autoscaling ceiling, GiB (\u2265 allocatedStorageGib)."),
      backupRetentionDays: z.number().int({ error: "must be a whole number of days." }).min(1, {
        error: "turning backups off or a negative retention is not allowed." + fix("set backupRetentionDays between 1 and 35."),
      }).max(35, { error: "RDS keeps automated backups for at most 35 days." + fix("set backupRetentionDays between 1 and 35.") }).describe("Automated backups, 1-35 days (\u2265 7 in production)."),
      backupWindow: z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, { error: "must be hh:mm-hh:mm (UTC)." + fix("e.g. \"03:00-04:00\".") }).default(DEFAULT_WINDOWS.backup).describe("Daily backup window (UTC)."),
      maintenanceWindow: z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/, {
        error: "must be ddd:hh:mm-ddd:hh:mm (UTC)." + fix("e.g. \"sun:04:30-sun:05:30\"."),
      }).default(DEFAULT_WINDOWS.maintenance).describe("Weekly maintenance window (UTC)."),
      /** @default the tier's (TIER_SETTINGS) */
      deletionProtection: z.boolean().optional().describe("Required in production. Default: the tier's."),
      /** Region that receives copies of automated backups (cross-region backup replication). */
      backupReplicationRegion: region.optional().describe("Region receiving copies of automated backups; not the database's own."),
      /** @default the tier's log retention */
      logRetentionDays: logRetention.optional().describe("PostgreSQL log retention. Default: the tier's."),
    }),
    /** @default the tier's (TIER_SETTINGS) */
    protectCoreFromDestroy: z.boolean().optional().describe("prevent_destroy on the core stack's database, KMS keys, cluster and log groups (log groups also skip_destroy). Default: the tier's; always on in production and DR."),
    platform: platformSchema.describe("In-cluster services of the <env>-platform stack."),
    costs: costsSchema.describe("AWS Budgets limit, cost allocation tags, and dev's off-hours schedule (README \"Costs\")."),
    dns: dnsSchema.optional().describe("Public DNS of the environment's applications: the zone, and external-dns in the cluster (README \"DNS and failover\"). Omitted: no DNS, certificate or external-dns."),
    alerts: alertsSchema.describe("Receivers of the environment's alert topic: CloudWatch alarms, budgets and Alertmanager (README \"Alerts\"); required in production and DR."),
    /**
     * Disaster recovery: this environment's database is a cross-region read replica of another
     * environment's primary, until `promoted` turns it into a standalone primary.
     */
    replication: z
      .strictObject({
        sourceEnvironment: z.string(),
        promoted: z.boolean(),
        /** The recorded decision a promotion needs (runbook step 2). */
        promotion: z
          .strictObject({
            decidedBy: z.string().min(2, { error: "names nobody." + fix("name who decided to fail over.") }),
            decidedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD." + fix("set the day of the decision.") }),
            reason: z.string().min(30, { error: "is too short to be a reason." + fix("say why DR takes over, e.g. the incident.") }),
          })
          .optional(),
      })
      .optional().describe("DR only: { sourceEnvironment, promoted, promotion }. The source must exist, be in another region and the same account, with a disjoint VPC; promoted: true is the failover switch and needs promotion: { decidedBy, decidedOn, reason }."),
    tags: z.record(z.string(), z.string()).default({}).describe(`Extra tags; Project, Environment and ManagedBy come from the tagging aspect. AWS's tagging rules: keys 1-${AWS_TAG_RULES.maxKeyLength} and values up to ${AWS_TAG_RULES.maxValueLength} letters, digits, spaces and _ . : / = + - @; no aws: prefix; with the aspect's and the resources' own tags at most ${AWS_TAG_RULES.maxTagsPerResource} on a resource.`),
  })
  .transform(withTierDefaults)
  .superRefine((env, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const productionLike = env.tier === "production" || env.tier === "disaster-recovery";

    // RDS windows: real clock times, at least 30 minutes each, never overlapping (windows.ts).
    const { backupWindow, maintenanceWindow } = env.database;
    const backup = dailyWindow(backupWindow);
    const maintenance = weeklyWindow(maintenanceWindow);
    if (!backup) issue(["database", "backupWindow"], `${JSON.stringify(backupWindow)} is not a time range of one day (hours 00-23, minutes 00-59).` + fix(`e.g. "${DEFAULT_WINDOWS.backup}".`));
    if (!maintenance) issue(["database", "maintenanceWindow"], `${JSON.stringify(maintenanceWindow)} is not a weekly time range (days mon-sun, hours 00-23, minutes 00-59).` + fix(`e.g. "${DEFAULT_WINDOWS.maintenance}".`));
    for (const [field, window, text] of [["backupWindow", backup, backupWindow], ["maintenanceWindow", maintenance, maintenanceWindow]] as const) {
      if (window && minutesOf(window) < MIN_WINDOW_MINUTES) {
        issue(["database", field], `${JSON.stringify(text)} lasts ${minutesOf(window)} minutes; RDS needs at least ${MIN_WINDOW_MINUTES}.` + fix(`widen it to ${MIN_WINDOW_MINUTES} minutes or more.`));
      }
    }
    if (backup && maintenance && dailyOverlapsWeekly(backup, maintenance)) {
      issue(["database", "maintenanceWindow"], `${JSON.stringify(maintenanceWindow)} overlaps the daily backup window ${JSON.stringify(backupWindow)}; RDS refuses windows that conflict.` + fix("move one of database.backupWindow or database.maintenanceWindow so that they do not overlap."));
    }

    tagIssues(env.tags, issue);

    // The state buckets' names, <prefix>-<env>-<account> and its -logs bucket (backend/state-backend.ts,
    // src/stacks/bootstrap-stack.ts), by every S3 naming rule.
    const stateBucket = `${env.stateBackend.bucketPrefix}-${env.name}-${env.accountId}`;
    const bucketNames = [stateBucket, `${stateBucket}-logs`];
    const bucketProblems = [...new Set(bucketNames.flatMap(s3BucketNameProblems))];
    if (bucketProblems.length > 0) {
      issue(["stateBackend", "bucketPrefix"], `${JSON.stringify(env.stateBackend.bucketPrefix)} makes the state buckets ${bucketNames.join(" and ")}; a bucket name ${bucketProblems.join(", and ")} (S3's general purpose bucket naming rules).` +
        fix("choose another prefix, e.g. \"acme-tfstate\"."));
    }

    // Promotion cannot be undone: it needs a recorded decision, and only a promoted DR has one.
    if (env.replication?.promoted && !env.replication.promotion) {
      issue(["replication", "promoted"], `true makes ${env.name}'s database a standalone primary, which cannot be undone (failing back means building a new replica).` +
        fix('record the decision: replication.promotion: { decidedBy, decidedOn: "YYYY-MM-DD", reason } (docs/runbooks/dr-failover.md, step 2).'));
    }
    if (env.replication?.promotion && !env.replication.promoted) {
      issue(["replication", "promotion"], "is recorded but promoted is false." + fix("remove replication.promotion (after failing back), or set promoted: true."));
    }

    // Disaster recovery needs a replication source, and only DR has one.
    if (env.tier === "disaster-recovery" && !env.replication) {
      issue(["replication"], "a disaster-recovery environment has no replication source." + fix("set replication: { sourceEnvironment: \"prod\", promoted: false }."));
    }
    if (env.replication && env.tier !== "disaster-recovery") {
      issue(["replication"], `only the disaster-recovery tier replicates another environment, but this is ${env.tier}.` + fix("remove replication, or set tier to \"disaster-recovery\"."));
    }
    if (env.replication && env.database.readReplicas > 0) {
      issue(["database", "readReplicas"], `${env.database.readReplicas} read replica(s) of a database that is itself a replica.` + fix("set database.readReplicas to 0 in the DR environment."));
    }

    // Availability Zones: real ones of the region, no duplicates, enough for the tier.
    if (isKnownRegion(env.region)) {
      const valid = availabilityZonesOf(env.region);
      env.network.availabilityZones.forEach((az, i) => {
        if (!valid.includes(az)) {
          issue(["network", "availabilityZones", i], `${JSON.stringify(az)} is not an Availability Zone of ${env.region}.` + fix(`use AZs of ${env.region}: ${valid.join(", ")}.`));
        }
      });
    }
    const azs = env.network.availabilityZones;
    if (new Set(azs).size !== azs.length) {
      issue(["network", "availabilityZones"], `${JSON.stringify(azs)} lists an Availability Zone twice.` + fix("list each AZ once."));
    }
    const minAzs = MIN_AZS_BY_TIER[env.tier];
    if (azs.length < minAzs) {
      issue(["network", "availabilityZones"], `${azs.length} AZ(s) ${JSON.stringify(azs)}, but the ${env.tier} tier needs at least ${minAzs}.` + fix(`list at least ${minAzs} Availability Zones.`));
    }

    // VPC range: private, and large enough for the subnet layout (a /16 to /20).
    const vpc = parseCidr(env.network.vpcCidr);
    if (vpc && !isPrivateCidr(vpc)) {
      issue(["network", "vpcCidr"], `${env.network.vpcCidr} is not inside an RFC 1918 private range.` + fix("use a range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."));
    }
    if (vpc && (vpc.prefix < 16 || vpc.prefix > 20)) {
      issue(["network", "vpcCidr"], `${env.network.vpcCidr} has prefix /${vpc.prefix}; the subnet layout needs /16 to /20.` + fix("use a /16 (recommended) up to a /20."));
    }
    const apiRanges = env.eks.publicAccessCidrs.map((text) => parseCidr(text));
    for (const [i, text] of env.eks.publicAccessCidrs.entries()) {
      if (apiRanges[i]?.prefix === 0) {
        issue(["eks", "publicAccessCidrs", i], `${text} opens the Kubernetes API to the whole internet.` + fix("list your office or VPN ranges, or leave the list empty for a private-only endpoint."));
      }
    }
    const parsedRanges = apiRanges.filter((r) => r !== undefined);
    if (!parsedRanges.some((r) => r.prefix === 0) && coversEveryAddress(parsedRanges)) {
      issue(["eks", "publicAccessCidrs"], `${JSON.stringify(env.eks.publicAccessCidrs)} together cover every IPv4 address: the Kubernetes API would be open to the whole internet.` + fix("list your office or VPN ranges, or leave the list empty for a private-only endpoint."));
    }

    // Access-entry principals live in the environment's own account (EKS refuses other accounts').
    env.eks.adminPrincipalArns.forEach((arn, i) => {
      const account = arn.split(":")[4];
      if (account !== undefined && account !== env.accountId) {
        issue(["eks", "adminPrincipalArns", i], `${arn} is in account ${account}, not this environment's account ${env.accountId}.` + fix(`use a role or user of account ${env.accountId}, or remove the entry.`));
      }
    });

    // Node groups (Auto Mode node pools): min <= desired <= max, and unique names.
    const names = new Set<string>();
    env.eks.nodeGroups.forEach((group, i) => {
      const at = (field: string) => ["eks", "nodeGroups", i, field];
      // Auto Mode has no desired size: it starts nodes for what pods request, between the bounds.
      if (env.eks.computeMode === "auto-mode" && desiredSizeWritten.has(group)) {
        issue(at("desiredSize"), `${group.desiredSize} in node group "${group.name}" has no effect: EKS Auto Mode starts the nodes pods need, within minSize and maxSize.` +
          fix('remove desiredSize (set minSize for the capacity that must always be there), or use eks.computeMode "managed-node-groups".'));
      }
      // desiredSize defaults to minSize (withTierDefaults); an explicit one must lie between the bounds.
      const desiredSize = group.desiredSize ?? group.minSize;
      if (group.minSize > desiredSize) {
        issue(at("minSize"), `minSize ${group.minSize} is greater than desiredSize ${desiredSize} in node group "${group.name}".` + fix("make minSize <= desiredSize <= maxSize."));
      }
      if (desiredSize > group.maxSize && group.minSize <= group.maxSize) {
        issue(at("desiredSize"), `desiredSize ${desiredSize} is greater than maxSize ${group.maxSize} in node group "${group.name}".` + fix("make minSize <= desiredSize <= maxSize."));
      }
      if (group.minSize > group.maxSize) {
        issue(at("minSize"), `minSize ${group.minSize} is greater than maxSize ${group.maxSize} in node group "${group.name}".` + fix("make minSize <= maxSize."));
      }
      if (names.has(group.name)) {
        issue(at("name"), `node group name "${group.name}" is used twice.` + fix("give each node group its own name."));
      }
      names.add(group.name);
      group.instanceTypes.forEach((type, j) => {
        if (isKnownRegion(env.region) && !isOfferedIn(env.region, type)) {
          issue(["eks", "nodeGroups", i, "instanceTypes", j], `${type} is not an EC2 instance type offered in ${env.region} (${offeredAlternatives(env.region, type)}).` +
            fix(`use a type ${env.region} offers, e.g. t3.medium; the recorded list is src/config/catalog/ec2-instance-types.json.`));
        }
      });
      // EKS Auto Mode "only creates instances of supported types, and that meet a minimum size
      // requirement: more than 1 CPU; instance size is not nano, micro or small" (EKS user guide,
      // automode/automode-learn-instances.adoc, auto-supported-instances).
      if (env.eks.computeMode === "auto-mode") {
        group.instanceTypes.forEach((type, j) => {
          const size = type.split(".")[1] ?? "";
          const vcpus = instanceTypeCatalog().types[type]?.[0];
          if (["nano", "micro", "small"].includes(size) || (vcpus !== undefined && vcpus <= 1)) {
            issue(["eks", "nodeGroups", i, "instanceTypes", j], `${type} is too small for EKS Auto Mode, which starts only instances with more than 1 vCPU that are not nano, micro or small.` +
              fix("use a medium or larger type, e.g. t3.medium."));
          }
        });
      }
      // Spot can be reclaimed at two minutes' notice: not for production or the standby that replaces it.
      if (productionLike && group.capacityType === "SPOT") {
        issue(at("capacityType"), `"SPOT" in a ${env.tier} environment: Spot capacity can be reclaimed at two minutes' notice.` + fix('use "ON_DEMAND" (and Savings Plans for the discount).'));
      }
      if (group.allowGraviton && env.eks.computeMode !== "auto-mode") {
        issue(at("allowGraviton"), "true on a managed node group, which runs one architecture's AMI." + fix("list the Graviton types in a node group of their own, or use eks.computeMode \"auto-mode\"."));
      }
      const graviton = group.instanceTypes.filter(isGraviton);
      if (graviton.length > 0 && graviton.length < group.instanceTypes.length) {
        issue(at("instanceTypes"), `${JSON.stringify(group.instanceTypes)} mix Graviton (arm64: ${graviton.join(", ")}) and x86_64 types in node group "${group.name}"; a node group runs one AMI architecture.` +
          fix("use one architecture per node group, or split them into two node groups."));
      }
    });

    // RDS must offer the class for PostgreSQL (the recorded list), and the connections alarm is
    // sized from the class's memory, so the project must know that too.
    if (!isOfferedForPostgres(env.database.instanceClass)) {
      issue(["database", "instanceClass"], `${env.database.instanceClass} is not a DB instance class RDS offers for PostgreSQL (${postgresClassAlternatives(env.database.instanceClass)}).` +
        fix("use an offered class, e.g. db.t4g.medium or db.r6g.large; the recorded list is src/config/catalog/rds-postgres-instance-classes.json (for a class newer than that list, add it from `aws rds describe-orderable-db-instance-options --engine postgres` with npm run catalog:db-instance-classes)."));
    } else if (estimatedMaxConnections(env.database.instanceClass) === undefined) {
      issue(["database", "instanceClass"], `${env.database.instanceClass} is not an RDS class this project knows the memory of (db.t3/t4g micro to 2xlarge, db.m5/m6g/m6i/m7g and db.r5/r6g/r6i/r7g large and up).` +
        fix("pick one of those classes (modules/database/instance-classes.ts), or add the class's memory there."));
    }
    if (env.eks.nodeGroups.length === 0) {
      issue(["eks", "nodeGroups"], `${env.eks.computeMode} mode has no capacity: no node groups are listed.` + fix('add one, e.g. { name: "general", instanceTypes: ["t3.medium"], minSize: 2, maxSize: 4, diskSizeGib: 50, capacityType: "ON_DEMAND" }.'));
    }

    // Database: replicas need a Multi-AZ primary and an AZ each; storage autoscaling needs headroom.
    const db = env.database;
    if (db.readReplicas > 0 && !db.multiAz) {
      issue(["database", "readReplicas"], `${db.readReplicas} read replica(s) on a single-AZ database.` + fix("set database.multiAz to true, or readReplicas to 0."));
    }
    if (db.readReplicas + 1 > azs.length) {
      issue(["database", "readReplicas"], `${db.readReplicas} read replica(s) need ${db.readReplicas + 1} distinct AZs (primary + replicas), but only ${azs.length} are listed.` + fix("add Availability Zones or lower readReplicas."));
    }
    if (db.maxAllocatedStorageGib < db.allocatedStorageGib) {
      issue(["database", "maxAllocatedStorageGib"], `maxAllocatedStorageGib ${db.maxAllocatedStorageGib} is below allocatedStorageGib ${db.allocatedStorageGib}.` + fix("set maxAllocatedStorageGib >= allocatedStorageGib."));
    }
    if (db.backupReplicationRegion === env.region) {
      issue(["database", "backupReplicationRegion"], `backups would be replicated to ${env.region}, the database's own region.` + fix("name another region, or remove backupReplicationRegion."));
    }
    // Production state backends keep prevent_destroy unless a dated, reasoned override says otherwise.
    const override = env.stateBackend.protectionOverride;
    if (productionLike && !env.stateBackend.protectFromDestroy) {
      if (!override) {
        issue(["stateBackend", "protectFromDestroy"], `false would let a destroy delete the ${env.tier} state bucket, its log bucket and lock table.` +
          fix('remove protectFromDestroy: false, or record the decision: stateBackend.protectionOverride: { approvedBy, reason, expires: "YYYY-MM-DD" }.'));
      } else if (override.expires < new Date().toISOString().slice(0, 10)) {
        issue(["stateBackend", "protectionOverride", "expires"], `${override.expires} has passed: the override no longer holds.` + fix("set protectFromDestroy back to true (remove the override), or record a new decision with a later date."));
      }
    }
    if (productionLike && !env.protectCoreFromDestroy) {
      issue(["protectCoreFromDestroy"], `false would let a destroy delete the ${env.tier} database, keys, cluster and logs.` + fix("remove protectCoreFromDestroy: false; to retire the environment, change its tier first, in a reviewed change."));
    }
    if (override && env.stateBackend.protectFromDestroy) {
      issue(["stateBackend", "protectionOverride"], "is recorded but protectFromDestroy is on, so it overrides nothing." + fix("remove stateBackend.protectionOverride."));
    }

    if (env.tier === "production") {
      if (!db.multiAz) issue(["database", "multiAz"], "a production database must be Multi-AZ." + fix("set database.multiAz to true."));
      if (!db.deletionProtection) issue(["database", "deletionProtection"], "a production database must have deletion protection." + fix("set database.deletionProtection to true."));
      if (db.backupRetentionDays < 7) issue(["database", "backupRetentionDays"], `${db.backupRetentionDays} day(s) is too short for production.` + fix("keep production backups for 7 to 35 days."));
    }

    // Production and DR egress may not hang on one AZ's NAT gateway.
    if (productionLike && env.network.natGateways !== "one-per-az") {
      issue(["network", "natGateways"], `"${env.network.natGateways}": a production or DR VPC needs a NAT gateway in every AZ, or losing one AZ cuts every private subnet's egress.` + fix('set network.natGateways to "one-per-az".'));
    }

    // Alerts must reach someone where it matters.
    if (productionLike && env.alerts.emails.length + env.alerts.httpsEndpoints.length === 0) {
      issue(["alerts"], `no receiver: the ${env.tier} alert topic (alarms, budgets, Alertmanager) would reach nobody.` + fix('list the on-call address or paging endpoint, e.g. alerts: { emails: ["platform-alerts@example.com"] }.'));
    }
    // Off-hours only where a stop is harmless.
    const offHours = env.costs.offHours;
    if (offHours?.enabled) {
      if (env.tier !== "development") {
        issue(["costs", "offHours", "enabled"], `true in a ${env.tier} environment: stopping its database every night is for development only.` + fix("set costs.offHours.enabled to false, or remove costs.offHours."));
      }
      if (db.readReplicas > 0 || env.replication) {
        issue(["costs", "offHours", "enabled"], "true, but RDS cannot stop a database that has read replicas or is one." + fix("set database.readReplicas to 0, or turn costs.offHours off."));
      }
      if (offHours.workdayStart >= offHours.workdayEnd) {
        issue(["costs", "offHours", "workdayEnd"], `${offHours.workdayEnd} is not after workdayStart ${offHours.workdayStart}.` + fix('e.g. workdayStart "07:00", workdayEnd "19:00".'));
      }
    }

    // Platform services: rules that need the tier and the compute mode.
    platformIssues(env, issue);
  });

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type NodeGroupConfig = z.infer<typeof nodeGroupSchema>;

/**
 * Cross-environment rules: unique names and stacks, disjoint VPC ranges where required. `invalid`
 * names the environments whose own config was refused: rules naming one of them are skipped, so
 * one bad file gives its own errors, not follow-on errors in the environments that refer to it.
 */
export function crossEnvironmentIssues(envs: readonly EnvironmentConfig[], stackNamesOf: (env: EnvironmentConfig) => string[], invalid: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owners = new Map<string, string>();
  for (const env of envs) {
    for (const stack of stackNamesOf(env)) {
      const owner = owners.get(stack);
      if (owner !== undefined) {
        issues.push({ environment: env.name, path: "name", message: `stack name "${stack}" is already produced by environment "${owner}".` + fix("give each environment a unique name.") });
      } else {
        owners.set(stack, env.name);
      }
    }
  }
  const activatingByAccount = new Map<string, string>();
  for (const env of envs.filter((e) => e.costs.activateCostAllocationTags)) {
    const other = activatingByAccount.get(env.accountId);
    if (other !== undefined) {
      issues.push({ environment: env.name, path: "costs.activateCostAllocationTags", message: `true, but ${other} activates the cost allocation tags of account ${env.accountId} already; two stacks would own the same account setting.` + fix(`set it in one of ${other} and ${env.name} only.`) });
    } else {
      activatingByAccount.set(env.accountId, env.name);
    }
  }
  const byName = new Map(envs.map((env) => [env.name, env]));
  for (const env of envs) {
    if (!env.replication || invalid.has(env.replication.sourceEnvironment)) continue;
    const source = byName.get(env.replication.sourceEnvironment);
    if (!source) {
      issues.push({ environment: env.name, path: "replication.sourceEnvironment", message: `names environment "${env.replication.sourceEnvironment}", which is not configured.` + fix(`use one of ${[...byName.keys()].join(", ")}.`) });
      continue;
    }
    if (source.region === env.region) {
      issues.push({ environment: env.name, path: "region", message: `${env.region} is also the region of ${source.name}; a DR copy must survive the loss of that region.` + fix(`pick another region than ${source.region}, e.g. us-east-1.`) });
    }
    if (source.accountId !== env.accountId) {
      issues.push({ environment: env.name, path: "accountId", message: `${env.accountId} differs from ${source.name}'s account ${source.accountId}; the replica is created in the source's account.` + fix(`use ${source.accountId}.`) });
    }
    if (Boolean(env.dns) !== Boolean(source.dns) || (env.dns && source.dns && (env.dns.zoneName !== source.dns.zoneName || env.dns.zone !== source.dns.zone))) {
      issues.push({ environment: env.name, path: "dns", message: `${JSON.stringify(env.dns ?? null)} differs from ${source.name}'s ${JSON.stringify(source.dns ?? null)}; traffic fails over between the two only inside one zone.` + fix(`give ${env.name} and ${source.name} the same dns.zoneName and dns.zone, or neither a dns.`) });
    }
    if (env.dns && env.region !== "us-east-1") {
      issues.push({ environment: env.name, path: "region", message: `${env.region}: Route 53 publishes the failover health check's metrics in us-east-1 only, and its alarm can notify a topic of that region alone, the standby's.` + fix("run the standby of a DNS failover in us-east-1, or remove dns from both environments.") });
    }
    const a = parseCidr(env.network.vpcCidr);
    const b = parseCidr(source.network.vpcCidr);
    if (a && b && cidrsOverlap(a, b) && !env.network.mustNotOverlapWith.includes(source.name)) {
      issues.push({ environment: env.name, path: "network.vpcCidr", message: `${env.network.vpcCidr} overlaps ${source.name}'s VPC ${source.network.vpcCidr}; a DR network must stay disjoint from its source for peering and failback.` + fix(`pick a range outside ${source.network.vpcCidr}, e.g. 10.1.0.0/16.`) });
    }
  }
  for (const env of envs) {
    env.network.mustNotOverlapWith.forEach((other, i) => {
      const path = `network.mustNotOverlapWith[${i}]`;
      if (invalid.has(other)) return;
      const peer = byName.get(other);
      if (!peer) {
        issues.push({ environment: env.name, path, message: `names environment "${other}", which is not configured.` + fix(`use one of ${[...byName.keys()].join(", ")}.`) });
        return;
      }
      const a = parseCidr(env.network.vpcCidr);
      const b = parseCidr(peer.network.vpcCidr);
      if (a && b && cidrsOverlap(a, b)) {
        issues.push({
          environment: env.name,
          path: "network.vpcCidr",
          message: `${env.network.vpcCidr} overlaps ${other}'s VPC ${peer.network.vpcCidr}, and the two must stay disjoint.` + fix(`pick a range outside ${peer.network.vpcCidr}, e.g. 10.1.0.0/16.`),
        });
      }
    });
  }
  return issues;
}

export interface ConfigIssue {
  readonly environment: string;
  readonly path: string;
  readonly message: string;
}
