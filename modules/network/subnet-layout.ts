import { cidrSubnet, parseCidr } from "./cidr";

/** The subnets of one Availability Zone. */
export interface AzSubnets {
  readonly availabilityZone: string;
  readonly public: string;
  readonly private: string;
  readonly database: string;
  /**
   * The EKS control plane's network interfaces only: EKS creates them in the cluster's subnets and
   * nowhere else, so no node or pod ever holds an address here, and a NetworkPolicy can name the
   * control plane by this range (modules/platform/security.ts).
   */
  readonly controlPlane: string;
}

/** Smallest and largest VPC the layout fits: a /20 still leaves /28 public and database subnets. */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 20;
/** Eight AZs keep every subnet inside the VPC for any prefix from /16 to /20. */
export const MAX_AZS = 8;

/**
 * Static subnet CIDRs for a VPC, computed at synth time (no Terraform functions), so plans show
 * real ranges and other code can reason about them.
 *
 * The VPC is cut into 16 equal blocks (VPC prefix + 4; a /20 each in a /16):
 *  - private subnets (EKS nodes and pods, the large ones) take one whole block per AZ,
 *    blocks 0..n-1, with at least three blocks reserved;
 *  - the next block holds the public subnets, prefix + 8 (a /24 in a /16), one per AZ;
 *  - the block after that holds the database subnets, same size;
 *  - the block after that holds the control-plane subnets, same size (the cluster's ENIs alone).
 * For a /16 with up to three AZs: private /20s at cidrsubnet(vpc, 4, 0..2), public /24s at
 * cidrsubnet(vpc, 8, 48+i), database /24s at cidrsubnet(vpc, 8, 64+i) and control-plane /24s at
 * cidrsubnet(vpc, 8, 80+i). The remaining blocks stay free for later growth.
 */
export function subnetLayout(vpcCidr: string, availabilityZones: readonly string[]): AzSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`network: vpcCidr ${JSON.stringify(vpcCidr)} is not a valid IPv4 CIDR. Fix: write it as a.b.c.d/n, e.g. 10.0.0.0/16.`);
  if (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
    throw new Error(`network: vpcCidr ${vpcCidr} has prefix /${vpc.prefix}; the subnet layout needs /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}. Fix: use a /16 (recommended) up to a /20.`);
  }
  const count = availabilityZones.length;
  if (count < 1 || count > MAX_AZS) {
    throw new Error(`network: ${count} Availability Zones given; the subnet layout takes 1 to ${MAX_AZS}. Fix: list between 1 and ${MAX_AZS} AZs.`);
  }
  if (new Set(availabilityZones).size !== count) {
    throw new Error(`network: ${JSON.stringify(availabilityZones)} lists an Availability Zone twice. Fix: list each AZ once.`);
  }
  const privateBlocks = Math.max(count, 3);
  const smallPerBlock = 16; // subnets of prefix + 8 in one block of prefix + 4
  const publicBase = privateBlocks * smallPerBlock;
  const databaseBase = (privateBlocks + 1) * smallPerBlock;
  const controlPlaneBase = (privateBlocks + 2) * smallPerBlock;
  return availabilityZones.map((availabilityZone, i) => ({
    availabilityZone,
    private: cidrSubnet(vpcCidr, 4, i),
    public: cidrSubnet(vpcCidr, 8, publicBase + i),
    database: cidrSubnet(vpcCidr, 8, databaseBase + i),
    controlPlane: cidrSubnet(vpcCidr, 8, controlPlaneBase + i),
  }));
}
