/**
 * The delegation check between the zone stack and the certificates (npm run dns:delegation): a
 * real NS lookup through Node's resolver, against a DNS stand-in on loopback that answers as public
 * DNS does before, during and after the parent domain delegates to the zone.
 */
import { Resolver } from "node:dns/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDelegation, zoneNameOf } from "../../src/cli/dns-delegation";
import { startDnsStandIn, type DnsStandIn } from "../support/dns-server";
import { AWS, sharedTestApp, writtenSharedApp } from "../support/synth";
import { join } from "node:path";

const ZONE = "pipeops.example.com";
const ROUTE53 = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"];
let dns: DnsStandIn;
const lookup = () => {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.server]);
  return (name: string) => resolver.resolveNs(name);
};

beforeAll(async () => {
  dns = await startDnsStandIn();
});
afterAll(() => dns?.close());

describe("dns:delegation", () => {
  it("refuses a zone nobody delegates yet, naming the NS records to create at the parent", async () => {
    const result = await checkDelegation(ZONE, ROUTE53, lookup());
    expect(result.delegated).toBe(false);
    expect(result.unknown).toBeUndefined();
    expect(result.message).toMatch(/pipeops\.example\.com is not delegated: public DNS has no NS records for it \(ENOTFOUND\)/);
    for (const ns of ROUTE53) expect(result.message).toContain(`  pipeops.example.com. NS ${ns}.`);
  });

  it("refuses a delegation to other name servers (an older zone of the same name)", async () => {
    dns.delegations.set(ZONE, ["ns-9.awsdns-09.org", "ns-8.awsdns-08.com"]);
    const result = await checkDelegation(ZONE, ROUTE53, lookup());
    expect(result.delegated).toBe(false);
    expect(result.message).toMatch(/is delegated to ns-8\.awsdns-08\.com, ns-9\.awsdns-09\.org, not to the zone's Route 53 name servers/);
  });

  it("passes once the parent delegates to exactly the zone's name servers (case and trailing dots aside)", async () => {
    dns.delegations.set(ZONE, ROUTE53.map((ns) => ns.toUpperCase()));
    const result = await checkDelegation(ZONE, ROUTE53.map((ns) => `${ns}.`), lookup());
    expect(result).toEqual({ delegated: true, message: `${ZONE} is delegated to its Route 53 name servers: ${[...ROUTE53].sort().join(", ")}.` });
  });

  it("says it could not tell when no resolver answers, rather than refusing or passing", async () => {
    const resolver = new Resolver({ timeout: 200, tries: 1 });
    resolver.setServers(["127.0.0.1:9"]);
    const result = await checkDelegation(ZONE, ROUTE53, (name) => resolver.resolveNs(name));
    expect(result).toMatchObject({ delegated: false, unknown: true });
  });

  it("reads the zone's name from the synthesized zone stack", () => {
    sharedTestApp(AWS);
    expect(zoneNameOf(join(writtenSharedApp(AWS), "stacks", "dr-zone", "cdk.tf.json"))).toBe(ZONE);
    expect(() => zoneNameOf(join(writtenSharedApp(AWS), "stacks", "prod", "cdk.tf.json"))).toThrow(/holds 0 Route 53 zones/);
  });
});
