import type { EnvironmentInput } from "../src/config/types";
import { COMMON_TAGS, PROJECT_NAME, DEFAULT_INTERFACE_ENDPOINTS, STATE_BUCKET_PREFIX } from "./common";

export const prod: EnvironmentInput = {
  name: "prod",
  project: PROJECT_NAME,
  tier: "production",
  region: "us-west-2",
  accountId: "333333333333",
  stateBackend: {
    bucketPrefix: STATE_BUCKET_PREFIX,
    protectFromDestroy: true,
    bootstrapStateInBucket: false,
    noncurrentVersionRetentionDays: 365,
  },
  network: {
    vpcCidr: "10.0.0.0/16",
    availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
    // One shared NAT as in the seed sizing; "one-per-az" removes the single-AZ egress dependency.
    natGateways: "single",
    interfaceEndpoints: [...DEFAULT_INTERFACE_ENDPOINTS],
    flowLogRetentionDays: 365,
    mustNotOverlapWith: [],
  },
  eks: {
    computeMode: "managed-node-groups",
    nodeGroups: [
      { name: "general", instanceTypes: ["m5.large", "m5.xlarge"], minSize: 3, desiredSize: 3, maxSize: 10, diskSizeGib: 100, capacityType: "ON_DEMAND" },
    ],
    publicAccessCidrs: ["203.0.113.0/24"],
    // Besides the stack's own cluster-admin role and the CI deploy role: existing roles of the account (SSO).
    adminPrincipalArns: [],
    logRetentionDays: 365,
  },
  database: {
    instanceClass: "db.r6g.xlarge",
    multiAz: true,
    readReplicas: 2,
    allocatedStorageGib: 100,
    maxAllocatedStorageGib: 1000,
    backupRetentionDays: 30,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    deletionProtection: true,
    backupReplicationRegion: "us-east-1",
    logRetentionDays: 365,
  },
  platform: {
    // In-cluster services (prod-platform stack): highly available; a month of metrics.
    argocd: {
      enabled: true,
      highAvailability: true,
      deployApplications: true,
      gitopsRepoUrl: "https://git.example.com/pipeops/gitops.git",
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
    externalSecrets: { enabled: true },
    loadBalancerController: { enabled: true },
  },
  tags: { ...COMMON_TAGS },
};
