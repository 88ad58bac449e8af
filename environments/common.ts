/**
 * Facts shared by every environment. Each lives here once; environment files and the DR config
 * refer to these names instead of repeating the values.
 */

/** Global S3 bucket names are derived from this prefix, the environment and the account. */
export const STATE_BUCKET_PREFIX = "pipeops-tfstate";

/** Tags every resource carries besides Project / Environment / ManagedBy (added by the tagging aspect). */
export const COMMON_TAGS = {
  Owner: "platform-team",
  CostCenter: "infrastructure",
} as const;

export const PROJECT_NAME = "pipeops";

/**
 * Who every environment's alert topic reaches: CloudWatch alarms, budget alerts and Alertmanager
 * (replace with the team's real address, or add its paging endpoint under httpsEndpoints). A
 * placeholder: `cdktf synth` for AWS refuses example.com addresses (src/config/placeholders.ts).
 */
export const ALERT_RECEIVERS = { emails: ["platform-alerts@example.com"], httpsEndpoints: [] } as const;


/** The GitOps repository every environment's Argo CD follows (replace with the real one). */
export const GITOPS_REPO_URL = "https://git.example.com/pipeops/gitops.git";

/** Every environment's state backend settings beyond the tier's defaults. */
export const STATE_BACKEND = { bucketPrefix: STATE_BUCKET_PREFIX } as const;

/**
 * The network of the us-west-2 environments (dev, staging, prod): the same range in each (they
 * live in separate accounts and are never peered), one subnet tier per AZ.
 */
export const PRIMARY_REGION_NETWORK = {
  vpcCidr: "10.0.0.0/16",
  availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
  natGateways: "single",
} as const;

/**
 * Ranges that may reach the clusters' public API endpoints. Empty: every cluster's API is private,
 * reached from inside (or peered with) its VPC — the platform stacks' CI jobs run on the runners the
 * PLAN_RUNNER and DEPLOY_RUNNER repository variables name (docs/ci.md). List your VPN's or runners' public
 * egress ranges here to open a public endpoint to them; on AWS, validation refuses documentation,
 * private-use and other ranges that cannot be a public source address.
 */
export const API_ACCESS_CIDRS: readonly string[] = [];

/**
 * The public zone of production's applications, shared with DR (replace with the real domain;
 * `zone: "existing"` to use a zone the account already has). A placeholder: Route 53 refuses
 * example.com names, and so does `cdktf synth` for AWS (src/config/placeholders.ts).
 */
export const FAILOVER_DNS = { zoneName: "pipeops.example.com", zone: "create", healthCheckPath: "/healthz" } as const;
