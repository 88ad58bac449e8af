import type { EnvironmentInput } from "../src/config/types";
import { API_ACCESS_CIDRS, ALERT_RECEIVERS, COMMON_TAGS, PRIMARY_REGION_NETWORK, PROJECT_NAME, STATE_BACKEND, GITOPS_REPO_URL } from "./common";

export const dev: EnvironmentInput = {
  name: "dev",
  project: PROJECT_NAME,
  tier: "development",
  region: "us-west-2",
  accountId: "111111111111",
  stateBackend: STATE_BACKEND,
  network: { ...PRIMARY_REGION_NETWORK, availabilityZones: [...PRIMARY_REGION_NETWORK.availabilityZones] },
  eks: {
    nodeGroups: [
      // Spot first, On-Demand when no Spot capacity is left (README "Costs").
      { name: "general", instanceTypes: ["t3.medium"], minSize: 2, maxSize: 4, diskSizeGib: 50, capacityType: "SPOT" },
    ],
    publicAccessCidrs: [...API_ACCESS_CIDRS],
  },
  database: {
    instanceClass: "db.t3.medium",
    multiAz: false,
    readReplicas: 0,
    allocatedStorageGib: 20,
    maxAllocatedStorageGib: 100,
    backupRetentionDays: 7,
  },
  platform: {
    // In-cluster services (dev-platform stack): minimal: single replicas, a week of metrics.
    argocd: {
      enabled: true,
      highAvailability: false,
      deployApplications: true,
      gitopsRepoUrl: GITOPS_REPO_URL,
      gitopsRevision: "main",
      appOfAppsPath: "apps/dev",
    },
    monitoring: {
      enabled: true,
      prometheusRetentionDays: 7,
      prometheusStorageGib: 20,
      prometheusReplicas: 1,
      alertmanagerStorageGib: 2,
      alertmanagerReplicas: 1,
      grafanaStorageGib: 5,
    },
  },
  costs: {
    // A standalone account: it activates its own cost allocation tags (README "Costs").
    activateCostAllocationTags: true,
    // The database stops at 19:00 and starts at 07:00 on working days, Pacific time (README "Costs").
    offHours: { enabled: true, timezone: "America/Los_Angeles", workdayStart: "07:00", workdayEnd: "19:00" },
  },
  alerts: { emails: [...ALERT_RECEIVERS.emails], httpsEndpoints: [...ALERT_RECEIVERS.httpsEndpoints] },
  tags: { ...COMMON_TAGS },
};
