import type { EnvironmentInput } from "../src/config/types";
import { configFrom } from "../src/config/load";
import { API_ACCESS_CIDRS, ALERT_RECEIVERS, COMMON_TAGS, FAILOVER_DNS, GITOPS_REPO_URL, PROJECT_NAME, STATE_BACKEND } from "../environments/common";
import { prod } from "../environments/prod";

/**
 * Disaster recovery in us-east-1: a standby copy of `source` (prod). Its database is a cross-region
 * read replica of prod's primary until `replication.promoted` is set (docs/runbooks/dr-failover.md).
 * A prod without node groups gives a DR without a failover pool, and validation then refuses prod
 * with its own message (eks.nodeGroups), not a stack trace at import.
 */
export function drOf(source: EnvironmentInput): EnvironmentInput {
  /** Prod's capacity, which DR must be able to reach during a failover. */
  const prodCapacity = source.eks.nodeGroups.slice(0, 1);
  return {
    name: "dr",
    project: PROJECT_NAME,
    tier: "disaster-recovery",
    region: "us-east-1",
    // Same account as prod: the replica is created from prod's primary in this account.
    accountId: source.accountId,
    replication: {
      sourceEnvironment: "prod",
      // Failover: set to true, then `cdktf deploy dr` — the plan no longer reads prod's state.
      promoted: false,
    },
    stateBackend: STATE_BACKEND,
    network: {
      vpcCidr: "10.1.0.0/16",
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      // A NAT gateway per AZ, as in prod: the standby must not depend on one AZ either.
      natGateways: "one-per-az",
      mustNotOverlapWith: ["prod"],
    },
    eks: {
      // EKS Auto Mode starts nodes for pods that do not fit, so the standby runs on what its idle
      // platform needs and grows by itself when Argo CD deploys the applications during a failover:
      // first in the standby pool, then, once that is full, in a pool of prod's own size and types.
      nodeGroups: [
        // Three nodes' worth at least: with external-dns (DR's SECONDARY records must exist before a
        // failover) the idle platform is 28 pods, 82 % of two t3.medium's 34 pod slots.
        { name: "standby", instanceTypes: ["t3.medium", "t3.large"], minSize: 3, maxSize: 6, diskSizeGib: 50, capacityType: "ON_DEMAND" },
        ...prodCapacity.map((group) => ({ ...group, name: "failover", minSize: 0 })),
      ],
      publicAccessCidrs: [...API_ACCESS_CIDRS],
    },
    database: {
      instanceClass: "db.r6g.xlarge",
      multiAz: true,
      readReplicas: 0,
      allocatedStorageGib: 100,
      maxAllocatedStorageGib: 1000,
      // Kept on the replica so a promoted primary has point-in-time recovery from its first minute.
      backupRetentionDays: 30,
    },
    platform: {
      // Ready with nothing deployed; the projects name prod's repository and path, so the failover
      // (runbook step 5) sets deployApplications alone.
      argocd: { enabled: true, highAvailability: false, deployApplications: false, gitopsRepoUrl: GITOPS_REPO_URL, gitopsRevision: "main", appOfAppsPath: "apps/prod" },
      monitoring: {
        enabled: true,
        prometheusRetentionDays: 15,
        prometheusStorageGib: 100,
        prometheusReplicas: 1,
        alertmanagerStorageGib: 5,
        alertmanagerReplicas: 1,
        grafanaStorageGib: 10,
      },
    },
    costs: {
      // prod's account: prod's stack activates its cost allocation tags.
      activateCostAllocationTags: false,
    },
    // The zone production and DR share; the global stack creates it (README "DNS and failover").
    dns: { ...FAILOVER_DNS },
    alerts: { emails: [...ALERT_RECEIVERS.emails], httpsEndpoints: [...ALERT_RECEIVERS.httpsEndpoints] },
    tags: { ...COMMON_TAGS },
  };
}

/** DR's config; an error while computing it is reported by validation (src/config/load.ts). */
export const dr: EnvironmentInput = configFrom("dr/config.ts", "dr", () => drOf(prod));
