import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../config/types";
import { awsProviderConfig } from "../target";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { alertTopicName, corePrefix, regionalHostname } from "./names";
import { useStateBackend } from "../../backend/state-backend";
import { stackStateLocation } from "./state-location";
import { PublicZone } from "../../modules/dns/public-zone";
import { PrimaryHealthCheck } from "../../modules/dns/primary-health-check";
import { RegionalCertificates } from "../../modules/dns/regional-certificates";

export interface GlobalStackProps extends EnvironmentStackProps {
  /** The primary of the failover pair (prod); `env` is its standby (DR), whose account and region this stack uses. */
  readonly primary: EnvironmentConfig;
}

/** The names of the global stack's outputs. */
export const GLOBAL_OUTPUT = {
  zoneId: "zone_id",
  zoneName: "zone_name",
  nameServers: "name_servers",
  healthCheckId: "primary_health_check_id",
  certificateArns: "certificate_arns",
} as const;

/**
 * `global`: what traffic failover needs outside either region's stacks: the public zone, the
 * Route 53 health check on the primary's regional hostname, and an ACM certificate in each region.
 * Its state lives in the standby's backend (us-east-1), so it can be planned while the primary
 * region is down; Route 53 answers and health checks are its data plane and keep working when its
 * control plane (in us-east-1) does not (AWS Fault Isolation Boundaries, appendix B), so a failover
 * needs no apply of this stack.
 */
export class GlobalStack extends EnvironmentStack {
  readonly zone: PublicZone;
  readonly healthCheck: PrimaryHealthCheck;
  readonly certificates: RegionalCertificates;

  constructor(scope: Construct, stackName: string, props: GlobalStackProps) {
    super(scope, stackName, props);
    const { env: standby, primary, target } = props;
    const dns = standby.dns;
    if (!dns) throw new Error(`${stackName}: ${standby.name} has no dns; the global stack exists only for a failover pair with one zone.`);
    useStateBackend(this, stackStateLocation(standby, target, stackName));

    this.zone = new PublicZone(this, "zone", { name: dns.zoneName, mode: dns.zone });
    this.healthCheck = new PrimaryHealthCheck(this, "primary-health-check", {
      name: `${corePrefix(primary)}-primary`,
      fqdn: regionalHostname(primary, dns.zoneName),
      path: primary.dns?.healthCheckPath ?? dns.healthCheckPath,
      // Route 53 publishes health-check metrics in us-east-1, the standby's region (a config rule).
      alarmTopicArn: `arn:aws:sns:${standby.region}:${this.accountId}:${alertTopicName(standby)}`,
    });
    const primaryRegion = new AwsProvider(this, "aws-primary-region", awsProviderConfig(target, primary.region, this.accountId, "primary_region"));
    this.certificates = new RegionalCertificates(this, "certificates", {
      zoneId: this.zone.zoneId,
      zoneName: dns.zoneName,
      providers: { [primary.region]: primaryRegion, [standby.region]: this.awsProvider },
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      [GLOBAL_OUTPUT.zoneId]: { value: this.zone.zoneId, description: "Route 53 public hosted zone ID" },
      [GLOBAL_OUTPUT.zoneName]: { value: this.zone.name, description: "The zone's name" },
      [GLOBAL_OUTPUT.nameServers]: { value: this.zone.nameServers, description: "Name servers to delegate the zone to from its parent domain" },
      [GLOBAL_OUTPUT.healthCheckId]: { value: this.healthCheck.id, description: "Health check the PRIMARY failover records name (external-dns.alpha.kubernetes.io/aws-health-check-id)" },
      [GLOBAL_OUTPUT.certificateArns]: { value: this.certificates.arns, description: "Region → ACM certificate of the zone and its wildcard" },
    };
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, { ...output, staticId: true });
  }
}
