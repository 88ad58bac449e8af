import type { EnvironmentInput } from "../src/config/types";
import { COMMON_TAGS, PROJECT_NAME, DEFAULT_INTERFACE_ENDPOINTS, STATE_BUCKET_PREFIX } from "./common";

export const staging: EnvironmentInput = {
  name: "staging",
  project: PROJECT_NAME,
  tier: "staging",
  region: "us-west-2",
  accountId: "222222222222",
  stateBackend: {
    bucketPrefix: STATE_BUCKET_PREFIX,
    protectFromDestroy: true,
    bootstrapStateInBucket: false,
    noncurrentVersionRetentionDays: 90,
  },
  network: {
    vpcCidr: "10.0.0.0/16",
    availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    natGateways: "single",
    interfaceEndpoints: [...DEFAULT_INTERFACE_ENDPOINTS],
    flowLogRetentionDays: 90,
    mustNotOverlapWith: [],
  },
  eks: {
    computeMode: "managed-node-groups",
    nodeGroups: [
      { name: "general", instanceTypes: ["t3.large"], minSize: 2, desiredSize: 2, maxSize: 6, diskSizeGib: 50, capacityType: "ON_DEMAND" },
    ],
    publicAccessCidrs: ["203.0.113.0/24"],
    // Besides the stack's own cluster-admin role and the CI deploy role: existing roles of the account (SSO).
    adminPrincipalArns: [],
    logRetentionDays: 90,
  },
  database: {
    instanceClass: "db.r6g.large",
    multiAz: true,
    readReplicas: 0,
    allocatedStorageGib: 50,
    maxAllocatedStorageGib: 200,
    backupRetentionDays: 7,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    deletionProtection: true,
    logRetentionDays: 90,
  },
  platform: {
    // In-cluster services (staging-platform stack): prod-like services, single replicas.
    argocd: {
      enabled: true,
      highAvailability: false,
      deployApplications: true,
      gitopsRepoUrl: "https://git.example.com/pipeops/gitops.git",
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
    externalSecrets: { enabled: true },
    loadBalancerController: { enabled: true },
  },
  tags: { ...COMMON_TAGS },
};
