/**
 * AWS commercial regions this project may deploy to, with the Availability Zone
 * suffixes that exist in each. An AZ outside this list is a typo, not a choice.
 */
export const REGION_AZ_SUFFIXES = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-east-2": ["a", "b", "c"],
  "us-west-1": ["a", "b", "c"],
  "us-west-2": ["a", "b", "c", "d"],
  "ca-central-1": ["a", "b", "d"],
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "eu-north-1": ["a", "b", "c"],
  "ap-southeast-1": ["a", "b", "c"],
  "ap-southeast-2": ["a", "b", "c"],
  "ap-northeast-1": ["a", "c", "d"],
} as const satisfies Record<string, readonly string[]>;

export type AwsRegion = keyof typeof REGION_AZ_SUFFIXES;

export const KNOWN_REGIONS = Object.keys(REGION_AZ_SUFFIXES) as AwsRegion[];

export function isKnownRegion(region: string): region is AwsRegion {
  return Object.prototype.hasOwnProperty.call(REGION_AZ_SUFFIXES, region);
}

export function availabilityZonesOf(region: AwsRegion): string[] {
  return REGION_AZ_SUFFIXES[region].map((suffix) => `${region}${suffix}`);
}
