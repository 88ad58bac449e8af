/**
 * Amazon S3's naming rules for general purpose buckets, all of them (Amazon S3 user guide, "General
 * purpose bucket naming rules", docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules,
 * read 2026-12-07): what CreateBucket refuses, so a bad name is refused here before anything is
 * applied. Each entry says what is wrong; an empty list means S3 takes the name.
 */
export const S3_BUCKET_NAME_RULES = {
  minLength: 3,
  maxLength: 63,
  reservedPrefixes: ["xn--", "sthree-", "amzn-s3-demo-"],
  /** Access point aliases, Object Lambda aliases, Multi-Region Access Points, directory buckets, table buckets. */
  reservedSuffixes: ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"],
  /** Only buckets created in an account regional namespace end so (`<prefix>-<account>-<region>-an`). */
  accountRegionalSuffix: "-an",
} as const;

export function s3BucketNameProblems(name: string): string[] {
  const rules = S3_BUCKET_NAME_RULES;
  const problems: string[] = [];
  if (name.length < rules.minLength || name.length > rules.maxLength) problems.push(`is ${name.length} characters long; S3 takes ${rules.minLength} to ${rules.maxLength}`);
  if (!/^[a-z0-9.-]*$/.test(name)) problems.push("may hold only lowercase letters, digits, periods and hyphens");
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push("must begin and end with a letter or digit");
  if (name.includes("..")) problems.push("must not contain two adjacent periods");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) problems.push("must not be formatted as an IP address");
  for (const prefix of rules.reservedPrefixes) if (name.startsWith(prefix)) problems.push(`must not start with "${prefix}", which S3 reserves`);
  for (const suffix of rules.reservedSuffixes) if (name.endsWith(suffix)) problems.push(`must not end with "${suffix}", which S3 reserves`);
  if (name.endsWith(rules.accountRegionalSuffix)) problems.push(`must not end with "${rules.accountRegionalSuffix}", which S3 keeps for buckets of an account regional namespace`);
  return problems;
}
