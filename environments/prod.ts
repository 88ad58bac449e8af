import type { EnvironmentInput } from "../src/config/types";
import { API_ACCESS_CIDRS, ALERT_RECEIVERS, COMMON_TAGS, FAILOVER_DNS, PRIMARY_REGION_NETWORK, PROJECT_NAME, STATE_BACKEND, GITOPS_REPO_URL } from "./common";

export const prod: EnvironmentInput = {
  name: "prod",
  project: PROJECT_NAME,
  tier: "production",
  region: "us-west-2",
  accountId: "333333333333",
  stateBackend: STATE_BACKEND,
  // A NAT gateway per AZ: losing one AZ must not cut the others' egress (production rule).
  network: { ...PRIMARY_REGION_NETWORK, availabilityZones: [...PRIMARY_REGION_NETWORK.availabilityZones], natGateways: "one-per-az" },
  eks: {
    nodeGroups: [
      { name: "general", instanceTypes: ["m5.large", "m5.xlarge"], minSize: 3, maxSize: 10, diskSizeGib: 100, capacityType: "ON_DEMAND" },
    ],
    publicAccessCidrs: [...API_ACCESS_CIDRS],
  },
  database: {
    instanceClass: "db.r6g.xlarge",
    multiAz: true,
    readReplicas: 2,
    allocatedStorageGib: 100,
    maxAllocatedStorageGib: 1000,
    backupRetentionDays: 30,
    backupReplicationRegion: "us-east-1",
  },
  platform: {
    // In-cluster services (prod-platform stack): highly available; a month of metrics.
    argocd: {
      enabled: true,
      highAvailability: true,
      deployApplications: true,
      gitopsRepoUrl: GITOPS_REPO_URL,
      gitopsRevision: "main",
      appOfAppsPath: "apps/prod",
    },
    monitoring: {
      enabled: true,
      prometheusRetentionDays: 30,
      prometheusStorageGib: 200,
      prometheusReplicas: 2,
      alertmanagerStorageGib: 10,
      alertmanagerReplicas: 3,
      grafanaStorageGib: 20,
    },
  },
  costs: {
    // A standalone account: it activates its own cost allocation tags (README "Costs").
    activateCostAllocationTags: true,
  },
  // The zone production and DR share; the global stack creates it (README "DNS and failover").
  dns: { ...FAILOVER_DNS },
  alerts: { emails: [...ALERT_RECEIVERS.emails], httpsEndpoints: [...ALERT_RECEIVERS.httpsEndpoints] },
  tags: { ...COMMON_TAGS },
};
