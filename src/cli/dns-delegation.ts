import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Resolver } from "node:dns/promises";
import { parseArgs } from "node:util";

/**
 * Is the failover zone delegated? The step between the zone stack and the certificates
 * (README "First deploy of an account"; the deploy workflow runs it after dr-zone):
 *
 *   npm run dns:delegation -- cdktf.out/stacks/dr-zone/cdk.tf.json [--resolver <ip[:port]>]
 *
 * takes the zone's name from the synthesized zone stack, reads its name servers from Route 53 (the AWS CLI, with the caller's credentials), looks
 * the zone's NS records up through a public resolver (the system's, or --resolver), and exits 0
 * only when the answer is exactly those name servers, that is when the parent domain delegates to
 * the zone. Otherwise it names the records to create at the parent and exits 1 — before ACM waits
 * for a validation record nobody can see (guardrail PIPEOPS-0011). Exit 2: it could not look.
 */

export type NsLookup = (zoneName: string) => Promise<string[]>;

export interface DelegationResult {
  readonly delegated: boolean;
  /** Could not tell (resolver unreachable, Route 53 unreadable): neither delegated nor refused. */
  readonly unknown?: boolean;
  readonly message: string;
}

const normal = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** Compares what public DNS answers for the zone's NS records with the zone's own name servers. */
export async function checkDelegation(zoneName: string, nameServers: readonly string[], lookupNs: NsLookup): Promise<DelegationResult> {
  const expected = [...new Set(nameServers.map(normal))].sort();
  const records = expected.map((ns) => `  ${zoneName}. NS ${ns}.`).join("\n");
  const fix = `Fix: at the DNS host of the parent domain, create these records (or set them as the domain's name servers at its registrar), wait for the parent's TTL, and run this again:\n${records}`;
  let answered: string[];
  try {
    answered = [...new Set((await lookupNs(zoneName)).map(normal))].sort();
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code === "ENOTFOUND" || code === "ENODATA") {
      return { delegated: false, message: `${zoneName} is not delegated: public DNS has no NS records for it (${code}). ACM cannot see a validation record in the zone until it is.\n${fix}` };
    }
    return { delegated: false, unknown: true, message: `could not look up the NS records of ${zoneName}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (answered.join(",") === expected.join(",")) return { delegated: true, message: `${zoneName} is delegated to its Route 53 name servers: ${expected.join(", ")}.` };
  return {
    delegated: false,
    message: `${zoneName} is delegated to ${answered.join(", ")}, not to the zone's Route 53 name servers ${expected.join(", ")} (another zone of that name, or records not yet replaced).\n${fix}`,
  };
}

/** The Route 53 public zone's name servers, through the AWS CLI (AWS_ENDPOINT_URL, AWS_PROFILE and the like apply). */
export function route53NameServers(zoneName: string): string[] {
  // The local emulator serves HTTPS with a throw-away certificate on loopback; nothing else does
  // (the local target's Terraform provider skips its verification the same way, src/target.ts).
  const emulator = /^https:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(process.env.AWS_ENDPOINT_URL ?? "");
  const aws = (args: string[]) => {
    const result = spawnSync("aws", [...args, "--output", "json", ...(emulator ? ["--no-verify-ssl"] : [])], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`aws ${args.slice(0, 2).join(" ")}: ${result.stderr.trim() || `exit ${result.status}`}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const zones = aws(["route53", "list-hosted-zones-by-name", "--dns-name", zoneName]).HostedZones as { Id: string; Name: string; Config?: { PrivateZone?: boolean } }[];
  const zone = zones.find((z) => normal(z.Name) === normal(zoneName) && !z.Config?.PrivateZone);
  if (!zone) throw new Error(`this account has no public Route 53 zone ${zoneName}: apply the zone stack first.`);
  const nameServers = (aws(["route53", "get-hosted-zone", "--id", zone.Id]).DelegationSet as { NameServers?: string[] } | undefined)?.NameServers ?? [];
  if (nameServers.length === 0) throw new Error(`Route 53 reports no name servers for ${zoneName} (${zone.Id}).`);
  return nameServers;
}

/** The zone a synthesized zone stack creates or looks up. */
export function zoneNameOf(synthesizedStackFile: string): string {
  const stack = JSON.parse(readFileSync(synthesizedStackFile, "utf8")) as { resource?: Record<string, Record<string, { name?: string }>>; data?: Record<string, Record<string, { name?: string }>> };
  const names = [...Object.values(stack.resource?.aws_route53_zone ?? {}), ...Object.values(stack.data?.aws_route53_zone ?? {})].map((zone) => zone.name);
  if (names.length !== 1 || typeof names[0] !== "string") throw new Error(`${synthesizedStackFile} holds ${names.length} Route 53 zones; name the zone stack's cdk.tf.json (cdktf.out/stacks/<env>-zone).`);
  return names[0];
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { resolver: { type: "string", multiple: true } } });
  const [stackFile] = positionals;
  let zoneName: string;
  try {
    if (!stackFile) throw new Error("name the synthesized zone stack, e.g. cdktf.out/stacks/dr-zone/cdk.tf.json (after cdktf synth).");
    zoneName = zoneNameOf(stackFile);
  } catch (error) {
    console.error(`dns:delegation: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  if (values.resolver) resolver.setServers(values.resolver);
  let nameServers: string[];
  try {
    nameServers = route53NameServers(zoneName);
  } catch (error) {
    console.error(`dns:delegation: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const result = await checkDelegation(zoneName, nameServers, (name) => resolver.resolveNs(name));
  (result.delegated ? console.log : console.error)(`dns:delegation: ${result.message}`);
  return result.delegated ? 0 : result.unknown ? 2 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
