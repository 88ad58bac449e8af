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

/** Interface endpoints each VPC gets so private nodes reach AWS APIs without the NAT. */
export const DEFAULT_INTERFACE_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "secretsmanager", "logs"] as const;
