import { Construct } from "constructs";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { metricAlarm } from "../monitoring/metric-alarm";

export interface PrimaryHealthCheckProps {
  /** The primary region's own hostname (never the failover record's name), e.g. prod.pipeops.example.com. */
  readonly fqdn: string;
  readonly path: string;
  /** Where the alarm on the health check goes (a topic in us-east-1, where Route 53 publishes its metrics). */
  readonly alarmTopicArn: string;
  readonly name: string;
}

/** Seconds between probes from each checker, and failed probes in a row before unhealthy. */
export const HEALTH_CHECK_TIMING = { requestIntervalSeconds: 10, failureThreshold: 3 } as const;

/**
 * The Route 53 health check the PRIMARY failover records are tied to: HTTPS (with SNI) on the
 * primary region's own hostname, every 10 s from Route 53's checkers, unhealthy after 3 failures
 * in a row (about 30 s). AWS's guidance: check each endpoint by its own name; a health check on the
 * failover record's own name gives unpredictable results (Route 53 developer guide, health check
 * values). An alarm on its status (AWS/Route53 HealthCheckStatus, us-east-1) tells the topic.
 */
export class PrimaryHealthCheck extends Construct {
  readonly healthCheck: Route53HealthCheck;
  readonly id: string;

  constructor(scope: Construct, id: string, props: PrimaryHealthCheckProps) {
    super(scope, id);
    this.healthCheck = new Route53HealthCheck(this, "health-check", {
      type: "HTTPS",
      fqdn: props.fqdn,
      port: 443,
      resourcePath: props.path,
      enableSni: true,
      requestInterval: HEALTH_CHECK_TIMING.requestIntervalSeconds,
      failureThreshold: HEALTH_CHECK_TIMING.failureThreshold,
      measureLatency: true,
      tags: { Name: props.name },
    });
    this.id = this.healthCheck.id;
    metricAlarm(this, "unhealthy", {
      name: `${props.name}-unhealthy`,
      description: `Route 53 finds https://${props.fqdn}${props.path} unhealthy: traffic is failing over to the secondary region`,
      namespace: "AWS/Route53",
      metric: "HealthCheckStatus",
      dimensions: { HealthCheckId: this.healthCheck.id },
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: 1,
      minutes: 1,
      topicArn: props.alarmTopicArn,
      treatMissingData: "breaching",
    });
  }
}
