import { readFileSync } from "node:fs";
import { awsApiBatch, type AwsApiCall } from "./aws-api";

/**
 * After an apply on the emulator: does the emulator hold exactly what the state lists?
 *
 * A create that runs twice leaves two objects. Where the name is unique (roles, buckets, secrets,
 * clusters, security groups in a VPC, network ACL rule numbers) the second create fails with
 * "already exists"; where nothing is unique (VPCs, subnets, route tables, gateways, EIPs, network
 * ACLs, VPC endpoints, flow logs, KMS keys) it succeeds silently and the extra object is found
 * only by counting. This counts every such object the state lists against the live objects of
 * the emulator with the same identity (EC2: ID prefix and Name tag; KMS: description), and each
 * network ACL's rules against the state's, and names every difference.
 */

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface EmulatorMismatch {
  /** The state's resource(s) this identity belongs to. */
  readonly addresses: readonly string[];
  /** What was counted, e.g. `vpc with Name tag "pipeops-dev"` in us-west-2. */
  readonly identity: string;
  /** IDs the state lists. */
  readonly listed: readonly string[];
  /** Live objects of the emulator with this identity that the state does not list. */
  readonly extra: readonly string[];
  /** Objects the state lists that the emulator does not hold. */
  readonly missing: readonly string[];
}

/** Live EC2 objects of one kind: the ID prefix, the listing, its result key and ID field. */
interface Ec2Listing {
  readonly prefix: string;
  readonly operation: string;
  readonly key: string;
  readonly id: string;
}

const EC2_LISTINGS: readonly Ec2Listing[] = [
  { prefix: "vpc", operation: "describe_vpcs", key: "Vpcs", id: "VpcId" },
  { prefix: "subnet", operation: "describe_subnets", key: "Subnets", id: "SubnetId" },
  { prefix: "rtb", operation: "describe_route_tables", key: "RouteTables", id: "RouteTableId" },
  { prefix: "igw", operation: "describe_internet_gateways", key: "InternetGateways", id: "InternetGatewayId" },
  { prefix: "nat", operation: "describe_nat_gateways", key: "NatGateways", id: "NatGatewayId" },
  { prefix: "eipalloc", operation: "describe_addresses", key: "Addresses", id: "AllocationId" },
  { prefix: "acl", operation: "describe_network_acls", key: "NetworkAcls", id: "NetworkAclId" },
  { prefix: "sg", operation: "describe_security_groups", key: "SecurityGroups", id: "GroupId" },
  { prefix: "vpce", operation: "describe_vpc_endpoints", key: "VpcEndpoints", id: "VpcEndpointId" },
  { prefix: "fl", operation: "describe_flow_logs", key: "FlowLogs", id: "FlowLogId" },
  { prefix: "lt", operation: "describe_launch_templates", key: "LaunchTemplates", id: "LaunchTemplateId" },
];
/** NAT gateways and VPC endpoints stay listed for a while after deletion (as on AWS). */
const GONE_STATES = new Set(["deleted", "deleting", "failed"]);
/** AWS's own last rules of every network ACL (IPv4 and IPv6), never in a state. */
const DEFAULT_ACL_RULES = new Set([32767, 32768]);

type AnyRecord = Record<string, unknown>;
const records = (value: unknown): AnyRecord[] => (Array.isArray(value) ? (value as AnyRecord[]) : []);
const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

/**
 * The managed resources of a state as `terraform state pull` prints it (read without loading the
 * provider, unlike `terraform show -json`).
 */
export function stateResources(stateJson: string): StateResource[] {
  const state = JSON.parse(stateJson) as { resources?: { mode: string; type: string; name: string; instances?: { index_key?: string | number; attributes?: Record<string, unknown> }[] }[] };
  return (state.resources ?? [])
    .filter((resource) => resource.mode === "managed")
    .flatMap(({ type, name, instances }) =>
      (instances ?? []).map((instance) => ({
        address: `${type}.${name}${instance.index_key === undefined ? "" : `[${JSON.stringify(instance.index_key)}]`}`,
        type,
        values: instance.attributes ?? {},
      })),
    );
}

/** Regions the state's objects live in, read from their ARNs (arn:aws:service:region:…). */
function regionsOf(state: readonly StateResource[]): string[] {
  const regions = new Set<string>();
  for (const resource of state) {
    const region = text(resource.values.arn)?.split(":")[3];
    if (region) regions.add(region);
  }
  return [...regions].sort();
}

/** The region of one object: its ARN's, else the only region of the stack. */
function regionOf(resource: StateResource, regions: readonly string[]): string | undefined {
  return text(resource.values.arn)?.split(":")[3] || (regions.length === 1 ? regions[0] : undefined);
}

/** What to ask the emulator, for these state resources. */
export function inventoryCalls(state: readonly StateResource[]): AwsApiCall[] {
  return regionsOf(state).flatMap((region) => [
    ...EC2_LISTINGS.map((listing) => ({ service: "ec2", region, operation: `all:${listing.operation}` })),
    { service: "kms", region, operation: "all:list_keys" },
  ]);
}

/** KMS keys need a second round: the description of every key the first round listed. */
export function keyDescriptionCalls(calls: readonly AwsApiCall[], answers: readonly AnyRecord[]): AwsApiCall[] {
  return calls.flatMap((call, i) =>
    call.operation === "all:list_keys" ? records(answers[i]?.Keys).map((key) => ({ service: "kms", region: call.region, operation: "describe_key", params: { KeyId: key.KeyId } })) : [],
  );
}

interface Identity {
  readonly addresses: string[];
  readonly listed: string[];
  /** Live objects with this identity. */
  readonly live: Set<string>;
}

/**
 * Compares the state (of every stack applied to this emulator, so that no stack's objects count
 * as another's extras) with the emulator's answers to `inventoryCalls` (and, for KMS, to
 * `keyDescriptionCalls`). Returns one entry per identity whose objects differ.
 */
export function compareWithEmulator(state: readonly StateResource[], calls: readonly AwsApiCall[], answers: readonly AnyRecord[], keyDescriptions: readonly AnyRecord[] = []): EmulatorMismatch[] {
  const regions = regionsOf(state);
  const identities = new Map<string, Identity>();
  const identity = (key: string) => {
    let found = identities.get(key);
    if (!found) identities.set(key, (found = { addresses: [], listed: [], live: new Set() }));
    return found;
  };
  const listedIn = (key: string, resource: StateResource, id: string) => {
    const entry = identity(key);
    if (!entry.addresses.includes(resource.address)) entry.addresses.push(resource.address);
    if (!entry.listed.includes(id)) entry.listed.push(id);
  };

  // What the state lists.
  const acls: StateResource[] = [];
  for (const resource of state) {
    const id = text(resource.values.id);
    const region = regionOf(resource, regions);
    if (!id || !region) continue;
    const prefix = id.split("-")[0]!;
    const name = text((resource.values.tags as AnyRecord | undefined)?.Name);
    if (name && EC2_LISTINGS.some((listing) => listing.prefix === prefix) && id.startsWith(`${prefix}-`)) listedIn(ec2Key(region, prefix, name), resource, id);
    if (resource.type === "aws_kms_key") listedIn(kmsKey(region, text(resource.values.description) ?? ""), resource, id);
    if (resource.type === "aws_network_acl") acls.push(resource);
  }

  // What the emulator holds: every live object, and those with an identity the state lists.
  const everyLiveId = new Set<string>();
  const liveAcls = new Map<string, AnyRecord>();
  calls.forEach((call, i) => {
    const listing = EC2_LISTINGS.find((candidate) => call.service === "ec2" && call.operation === `all:${candidate.operation}`);
    if (!listing) return;
    for (const object of records(answers[i]?.[listing.key])) {
      const id = text(object[listing.id]);
      const state = text(object.State) ?? text(object.state);
      if (!id || (state && GONE_STATES.has(state.toLowerCase()))) continue;
      everyLiveId.add(id);
      if (listing.prefix === "acl") liveAcls.set(id, object);
      const name = text(records(object.Tags).find((tag) => tag.Key === "Name")?.Value);
      if (name) identities.get(ec2Key(call.region, listing.prefix, name))?.live.add(id);
    }
  });
  for (const answer of keyDescriptions) {
    const metadata = answer.KeyMetadata as AnyRecord | undefined;
    const arn = text(metadata?.Arn);
    const id = text(metadata?.KeyId);
    if (!metadata || !arn || !id || metadata.KeyState !== "Enabled") continue;
    everyLiveId.add(id);
    identities.get(kmsKey(arn.split(":")[3]!, text(metadata.Description) ?? ""))?.live.add(id);
  }

  const mismatches: EmulatorMismatch[] = [];
  for (const [key, { addresses, listed, live }] of identities) {
    const extra = [...live].filter((id) => !listed.includes(id)).sort();
    const missing = listed.filter((id) => !everyLiveId.has(id)).sort();
    if (extra.length > 0 || missing.length > 0) mismatches.push({ addresses, identity: key, listed, extra, missing });
  }
  const comparedAcls = new Set<string>();
  for (const acl of acls) {
    const id = String(acl.values.id);
    if (comparedAcls.has(id)) continue; // the same stack applied from two synthesized folders
    comparedAcls.add(id);
    mismatches.push(...compareAclRules(acl, liveAcls.get(id)));
  }
  return mismatches;
}

const ec2Key = (region: string, prefix: string, name: string) => `${prefix} with Name tag "${name}" in ${region}`;
const kmsKey = (region: string, description: string) => `KMS key with description "${description}" in ${region}`;

/** A network ACL's rules in the emulator against the state's ingress and egress rules (rule number and direction). */
function compareAclRules(acl: StateResource, live: AnyRecord | undefined): EmulatorMismatch[] {
  if (!live) return [];
  const rule = (egress: boolean, number: unknown) => `${egress ? "egress" : "ingress"} rule ${String(number)}`;
  const listed = [...records(acl.values.ingress).map((r) => rule(false, r.rule_no)), ...records(acl.values.egress).map((r) => rule(true, r.rule_no))];
  const held = records(live.Entries)
    .filter((entry) => !DEFAULT_ACL_RULES.has(Number(entry.RuleNumber)))
    .map((entry) => rule(entry.Egress === true, entry.RuleNumber));
  const extra = multisetMinus(held, listed);
  const missing = multisetMinus(listed, held);
  if (extra.length === 0 && missing.length === 0) return [];
  return [{ addresses: [acl.address], identity: `rules of network ACL ${String(acl.values.id)}`, listed, extra, missing }];
}

function multisetMinus(from: readonly string[], take: readonly string[]): string[] {
  const left = [...take];
  return from.filter((item) => {
    const i = left.indexOf(item);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/** The emulator log's lines about retried operations (written by emulator-server.py). */
export function retriesInLog(logFile: string | undefined): string[] {
  if (!logFile) return [];
  try {
    return readFileSync(logFile, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("emulator retry:"));
  } catch {
    return [];
  }
}

/** The error message for mismatches: each one, its likely cause, the retries the emulator saw, and the fix. */
export function describeMismatches(where: string, mismatches: readonly EmulatorMismatch[], retries: readonly string[], logFile?: string): string {
  const lines = mismatches.map((m) => {
    const parts = [`- ${m.identity} (${m.addresses.join(", ")}): the state lists ${m.listed.join(", ") || "none"}`];
    if (m.extra.length > 0) parts.push(`the emulator also holds ${m.extra.join(", ")} (a duplicate: the create ran more than once)`);
    if (m.missing.length > 0) parts.push(`the emulator does not hold ${m.missing.join(", ")}`);
    return parts.join("; ");
  });
  const cause =
    retries.length > 0
      ? `Retried operations the emulator saw (an SDK retry after a lost answer; the emulator answers a retried invocation once):\n${retries.map((line) => `  ${line}`).join("\n")}`
      : "The emulator saw no retried operation, so the extra object came from a separate create: an earlier apply whose state was not saved (a killed run), or a recovery that created instead of importing.";
  return [
    `the emulator does not hold exactly what the state of ${where} lists (emulator duplicates, not a flaky test):`,
    ...lines,
    cause,
    `Fix: delete the extra object(s) named above, or start over: npm run local:down, then npm run local:deploy.${logFile ? ` (emulator log: ${logFile})` : ""}`,
  ].join("\n");
}

/**
 * Throws, naming each duplicate and its cause, when the emulator does not hold exactly what these
 * states list. `states`: the `terraform show -json` output of every stack applied to the emulator.
 */
export function assertEmulatorHoldsState(endpoint: string, states: readonly string[], where: string, logFile?: string): void {
  const state = states.flatMap(stateResources);
  const calls = inventoryCalls(state);
  const answers = awsApiBatch(endpoint, calls);
  const keyDescriptions = awsApiBatch(endpoint, keyDescriptionCalls(calls, answers));
  const mismatches = compareWithEmulator(state, calls, answers, keyDescriptions);
  if (mismatches.length > 0) throw new Error(describeMismatches(where, mismatches, retriesInLog(logFile), logFile));
}
