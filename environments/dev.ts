import type { EnvironmentInput } from "../src/config/types";
import { COMMON_TAGS, PROJECT_NAME, DEFAULT_INTERFACE_ENDPOINTS, STATE_BUCKET_PREFIX } from "./common";

export const dev: EnvironmentInput = {
  name: "dev",
  project: PROJECT_NAME,
  tier: "development",
  region: "us-west-2",
  accountId: "111111111111",
  stateBackend: {
    bucketPrefix: STATE_BUCKET_PREFIX,
    protectFromDestroy: false,
    bootstrapStateInBucket: false,
    noncurrentVersionRetentionDays: 30,
  },
  network: {
    vpcCidr: "10.0.0.0/16",
    availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    natGateways: "single",
    interfaceEndpoints: [...DEFAULT_INTERFACE_ENDPOINTS],
    flowLogRetentionDays: 30,
    mustNotOverlapWith: [],
  },
  eks: {
    computeMode: "managed-node-groups",
    nodeGroups: [
      { name: "general", instanceTypes: ["t3.medium"], minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGib: 50, capacityType: "ON_DEMAND" },
    ],
    publicAccessCidrs: ["203.0.113.0/24"],
    // Besides the stack's own cluster-admin role and the CI deploy role: existing roles of the account (SSO).
    adminPrincipalArns: [],
    logRetentionDays: 30,
  },
  database: {
    instanceClass: "db.t3.medium",
    multiAz: false,
    readReplicas: 0,
    allocatedStorageGib: 20,
    maxAllocatedStorageGib: 100,
    backupRetentionDays: 7,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    deletionProtection: false,
    logRetentionDays: 30,
  },
  platform: {
    // In-cluster services (dev-platform stack): minimal: single replicas, a week of metrics.
    argocd: {
      enabled: true,
      highAvailability: false,
      deployApplications: true,
      gitopsRepoUrl: "https://git.example.com/pipeops/gitops.git",
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
    externalSecrets: { enabled: true },
    loadBalancerController: { enabled: true },
  },
  tags: { ...COMMON_TAGS },
};
