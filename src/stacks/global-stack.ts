import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { awsProviderConfig } from "../target";
import { FailoverPairStack, type FailoverPairStackProps } from "./failover-pair-stack";
import { PublicZone } from "../../modules/dns/public-zone";
import { RegionalCertificates } from "../../modules/dns/regional-certificates";

/** The names of the global stack's outputs. */
export const GLOBAL_OUTPUT = {
  certificateArns: "certificate_arns",
} as const;

/**
 * `<standby>-global` (dr-global): an ACM certificate of the zone and its wildcard in each region of
 * the pair, validated through the zone, which it looks up by name. It deploys after the zone stack
 * and the delegation check (README "First deploy of an account"): ACM issues a DNS-validated
 * certificate only once the parent domain delegates to the zone, and the validation otherwise waits
 * out its 75-minute timeout (guardrail PIPEOPS-0011).
 *
 * It holds the primary region's certificate, so it does not plan while the primary region is down;
 * a failover needs no apply of it (the standby's certificate is issued and renews by itself while
 * its validation record stays in the zone).
 */
export class GlobalStack extends FailoverPairStack {
  readonly certificates: RegionalCertificates;

  constructor(scope: Construct, stackName: string, props: FailoverPairStackProps) {
    super(scope, stackName, props);
    const { env: standby, primary, target } = props;
    const dns = this.dns;

    // Made by the zone stack (or existing before it): looked up, so a missing zone stops the plan.
    const zone = new PublicZone(this, "zone", { name: dns.zoneName, mode: "existing" });
    const primaryRegion = new AwsProvider(this, "aws-primary-region", awsProviderConfig(target, primary.region, this.accountId, "primary_region"));
    this.certificates = new RegionalCertificates(this, "certificates", {
      zoneId: zone.zoneId,
      zoneName: dns.zoneName,
      providers: { [primary.region]: primaryRegion, [standby.region]: this.awsProvider },
    });
    new TerraformOutput(this, GLOBAL_OUTPUT.certificateArns, { value: this.certificates.arns, description: "Region → ACM certificate of the zone and its wildcard", staticId: true });
  }
}
