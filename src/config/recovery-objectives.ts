/**
 * The recovery objectives the seed architecture promises for a regional failure ("Disaster
 * Recovery": RPO 5-10 seconds, RTO 10-15 minutes). The replica-lag alarms fire at the lower RPO
 * bound; the failover drill compares its timings with the RTO.
 */
export const RECOVERY_OBJECTIVES = {
  rpoSeconds: { min: 5, max: 10 },
  rtoMinutes: { min: 10, max: 15 },
} as const;
