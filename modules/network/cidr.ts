/** Small, dependency-free IPv4 CIDR arithmetic: the network module's subnet layout, and the config rules that check VPC ranges. */

export interface Ipv4Cidr {
  readonly network: number; // unsigned 32-bit network address
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return { network: address, prefix };
}

export function formatCidr({ network, prefix }: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

function lastAddress({ network, prefix }: Ipv4Cidr): number {
  return network + 2 ** (32 - prefix) - 1;
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

export function isPrivateCidr(cidr: Ipv4Cidr): boolean {
  return PRIVATE_RANGES.some((range) => cidrContains(range, cidr));
}

/**
 * IPv4 blocks that are never a host's public source address on the internet, from the IANA IPv4
 * Special-Purpose Address Registry (iana.org/assignments/iana-ipv4-special-registry, RFC 6890;
 * read 2026-12-01): their `global` is False. Multicast (RFC 5771) is added: never a source.
 */
const NON_PUBLIC_SOURCE_BLOCKS: readonly { readonly block: Ipv4Cidr; readonly name: string }[] = [
  ["0.0.0.0/8", '"this network" (RFC 1122)'],
  ["10.0.0.0/8", "private-use (RFC 1918)"],
  ["100.64.0.0/10", "shared address space (RFC 6598)"],
  ["127.0.0.0/8", "loopback (RFC 1122)"],
  ["169.254.0.0/16", "link-local (RFC 3927)"],
  ["172.16.0.0/12", "private-use (RFC 1918)"],
  ["192.0.0.0/24", "IETF protocol assignments (RFC 6890)"],
  ["192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"],
  ["192.168.0.0/16", "private-use (RFC 1918)"],
  ["198.18.0.0/15", "benchmarking (RFC 2544)"],
  ["198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"],
  ["203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"],
  ["224.0.0.0/4", "multicast (RFC 5771)"],
  ["240.0.0.0/4", "reserved (RFC 1112)"],
].map(([text, name]) => ({ block: parseCidr(text!)!, name: name! }));

/** The special-purpose block a range overlaps if no address in it can be a public source address. */
export function nonPublicSourceBlockOf(cidr: Ipv4Cidr): string | undefined {
  return NON_PUBLIC_SOURCE_BLOCKS.find(({ block }) => cidrsOverlap(block, cidr))?.name;
}

/** Whether the ranges together hold every IPv4 address (0.0.0.0/1 + 128.0.0.0/1 is the whole internet too). */
export function coversEveryAddress(ranges: readonly Ipv4Cidr[]): boolean {
  const spans = ranges.map(({ network, prefix }) => [network, network + 2 ** (32 - prefix)] as const).sort((a, b) => a[0] - b[0]);
  let reached = 0;
  for (const [start, end] of spans) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= 2 ** 32;
}

/** Terraform's cidrsubnet(): the `index`-th subnet of `base` that is `newBits` longer. */
export function cidrSubnet(base: string, newBits: number, index: number): string {
  const parsed = parseCidr(base);
  if (!parsed) throw new Error(`cidrSubnet: "${base}" is not a valid IPv4 CIDR`);
  const prefix = parsed.prefix + newBits;
  if (prefix > 32 || index >= 2 ** newBits || index < 0) {
    throw new Error(`cidrSubnet: ${base} has no subnet #${index} of /${prefix}`);
  }
  return formatCidr({ network: parsed.network + index * 2 ** (32 - prefix), prefix });
}
