import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { FailoverPairStack, type FailoverPairStackProps } from "./failover-pair-stack";
import { corePrefix, dnsAlertTopicName, regionalHostname } from "./names";
import { PublicZone } from "../../modules/dns/public-zone";
import { PrimaryHealthCheck } from "../../modules/dns/primary-health-check";
import { AlertTopic } from "../../modules/monitoring/alert-topic";

/** The names of the zone stack's outputs. */
export const ZONE_OUTPUT = {
  zoneId: "zone_id",
  zoneName: "zone_name",
  nameServers: "name_servers",
  healthCheckId: "primary_health_check_id",
} as const;

/**
 * `<standby>-zone` (dr-zone): the first DNS step of a failover pair, waiting on nothing — the public
 * zone, the Route 53 health check on the primary's regional hostname, and the alarm on it with a
 * topic of its own. Its apply ends with the zone's name servers; the parent domain delegates to
 * them and `npm run dns:delegation` confirms the delegation before the global stack validates
 * certificates through the zone (README "First deploy of an account").
 *
 * Everything here is global or in us-east-1 and its state is in the standby's backend, so it plans
 * and applies while the primary region is down. Route 53 answers and health checks are its data
 * plane and keep working when its control plane (in us-east-1) does not (AWS Fault Isolation
 * Boundaries, appendix B), so a failover needs no apply of it.
 */
export class ZoneStack extends FailoverPairStack {
  readonly zone: PublicZone;
  readonly healthCheck: PrimaryHealthCheck;
  readonly alerts: AlertTopic;

  constructor(scope: Construct, stackName: string, props: FailoverPairStackProps) {
    super(scope, stackName, props);
    const { env: standby, primary } = props;
    const dns = this.dns;

    this.zone = new PublicZone(this, "zone", { name: dns.zoneName, mode: dns.zone });
    // Route 53 publishes health-check metrics in us-east-1, the standby's region (a config rule),
    // so the alarm and the topic it tells live here, made in the same apply as the alarm.
    this.alerts = new AlertTopic(this, "alerts", { name: dnsAlertTopicName(standby), region: standby.region, accountId: this.accountId, ...standby.alerts });
    this.healthCheck = new PrimaryHealthCheck(this, "primary-health-check", {
      name: `${corePrefix(primary)}-primary`,
      fqdn: regionalHostname(primary, dns.zoneName),
      path: primary.dns?.healthCheckPath ?? dns.healthCheckPath,
      alarmTopicArn: this.alerts.arn,
    });

    const outputs: Record<string, { value: unknown; description: string }> = {
      [ZONE_OUTPUT.zoneId]: { value: this.zone.zoneId, description: "Route 53 public hosted zone ID" },
      [ZONE_OUTPUT.zoneName]: { value: this.zone.name, description: "The zone's name" },
      [ZONE_OUTPUT.nameServers]: { value: this.zone.nameServers, description: "Name servers the parent domain delegates the zone to (then: npm run dns:delegation)" },
      [ZONE_OUTPUT.healthCheckId]: { value: this.healthCheck.id, description: "Health check the PRIMARY failover records name (external-dns.alpha.kubernetes.io/aws-health-check-id)" },
    };
    for (const [id, output] of Object.entries(outputs)) new TerraformOutput(this, id, { ...output, staticId: true });
  }
}
