import type { Waiver } from "../src/guardrails/waivers";

/**
 * Recorded exemptions from the synth-time guardrails (src/guardrails). Each one names the stack,
 * the resource (construct path, or `type.name` as in the synthesized JSON), the rule ID and why the
 * finding is acceptable; `expires` (YYYY-MM-DD) is optional. Every synth lists the waivers it
 * applied in its report, and refuses a waiver that has no real reason, names an unknown rule, has
 * expired, or no longer matches a finding (a stale exemption). Synth also writes the applied
 * waivers of Trivy's checks to cdktf.out/trivyignore.yaml, the ignore file of CI's Trivy scan, so
 * this list governs both.
 */

/** Environments whose bootstrap stack has the S3 server-access-log bucket. Add an environment here when it gets one. */
const ENVIRONMENTS_WITH_ACCESS_LOG_BUCKET = ["dev", "staging", "prod", "dr"] as const;

/** The bootstrap stack's access-log bucket: the log target of the state bucket. */
function accessLogBucketWaivers(environment: string): Waiver[] {
  const stack = `${environment}-bootstrap`;
  const resource = `${stack}/access-logs/bucket`;
  return [
    {
      stack,
      resource,
      rule: "AWS-0132",
      reason:
        "S3 server access log delivery cannot write to a target bucket encrypted with SSE-KMS, so this log target uses SSE-S3 (AES256); " +
        "it holds only access logs, is versioned, private and TLS-only, and the state bucket it logs for uses the customer managed key.",
    },
    {
      stack,
      resource,
      rule: "AWS-0089",
      reason:
        "This bucket is the server access log target of the state bucket; logging it into itself would loop and a second log bucket " +
        "would only move the problem. Its policy refuses plain HTTP and lets the S3 log delivery service write for this account only.",
    },
  ];
}

export const waivers: readonly Waiver[] = [
  ...ENVIRONMENTS_WITH_ACCESS_LOG_BUCKET.flatMap(accessLogBucketWaivers),
];
