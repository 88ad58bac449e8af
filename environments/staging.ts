import type { EnvironmentInput } from "../src/config/types";
import { API_ACCESS_CIDRS, ALERT_RECEIVERS, COMMON_TAGS, PRIMARY_REGION_NETWORK, PROJECT_NAME, STATE_BACKEND, GITOPS_REPO_URL } from "./common";

export const staging: EnvironmentInput = {
  name: "staging",
  project: PROJECT_NAME,
  tier: "staging",
  region: "us-west-2",
  accountId: "222222222222",
  stateBackend: STATE_BACKEND,
  network: { ...PRIMARY_REGION_NETWORK, availabilityZones: [...PRIMARY_REGION_NETWORK.availabilityZones] },
  eks: {
    nodeGroups: [
      { name: "general", instanceTypes: ["t3.large"], minSize: 2, maxSize: 6, diskSizeGib: 50, capacityType: "ON_DEMAND" },
      // Non-critical work (batch, previews) that tolerates pipeops.io/non-critical, on Spot.
      { name: "spot", instanceTypes: ["t3.large"], minSize: 0, maxSize: 4, diskSizeGib: 50, capacityType: "SPOT", workloads: "non-critical" },
    ],
    publicAccessCidrs: [...API_ACCESS_CIDRS],
  },
  database: {
    instanceClass: "db.r6g.large",
    multiAz: true,
    readReplicas: 0,
    allocatedStorageGib: 50,
    maxAllocatedStorageGib: 200,
    backupRetentionDays: 7,
  },
  platform: {
    // In-cluster services (staging-platform stack): prod-like services, single replicas.
    argocd: {
      enabled: true,
      highAvailability: false,
      deployApplications: true,
      gitopsRepoUrl: GITOPS_REPO_URL,
      gitopsRevision: "main",
      appOfAppsPath: "apps/staging",
    },
    monitoring: {
      enabled: true,
      prometheusRetentionDays: 15,
      prometheusStorageGib: 50,
      prometheusReplicas: 1,
      alertmanagerStorageGib: 5,
      alertmanagerReplicas: 1,
      grafanaStorageGib: 10,
    },
  },
  costs: {
    // A standalone account: it activates its own cost allocation tags (README "Costs").
    activateCostAllocationTags: true,
  },
  alerts: { emails: [...ALERT_RECEIVERS.emails], httpsEndpoints: [...ALERT_RECEIVERS.httpsEndpoints] },
  tags: { ...COMMON_TAGS },
};
