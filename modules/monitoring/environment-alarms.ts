import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { expressionAlarm, metricAlarm, queryAlarm } from "./metric-alarm";

export interface EnvironmentAlarmsProps {
  /** Prefix of the alarm names (the environment's name prefix). */
  readonly name: string;
  /** The environment's alert topic. */
  readonly topicArn: string;
  /** NAT gateways of the VPC, in AZ order. */
  readonly natGatewayIds: readonly string[];
  readonly clusterName: string;
}

/** The thresholds, in one place (each alarm's description repeats its own). */
export const ENVIRONMENT_ALARM_THRESHOLDS = {
  /** Control-plane requests answered 5xx, percent of all, over 5 minutes. */
  apiServer5xxPercent: 5,
  /** Minutes a pod may stay unschedulable: Auto Mode starts a node within a few. */
  pendingPodsMinutes: 15,
  /** Load balancer 5xx responses per minute, over 5 minutes. */
  loadBalancer5xxPerMinute: 10,
} as const;

/**
 * The alarms of an environment beyond its database: the EKS control plane (metrics EKS publishes
 * free in AWS/EKS for Kubernetes 1.28 and later: `apiserver_request_total`,
 * `apiserver_request_total_5XX`, `scheduler_pending_pods`, dimension ClusterName), each NAT
 * gateway (AWS/NATGateway `ErrorPortAllocation`, `PacketsDropCount`, dimension NatGatewayId), and
 * the application load balancers of the account and region, which Kubernetes makes at run time and
 * Terraform never knows, through Metrics Insights queries over AWS/ApplicationELB
 * (`HTTPCode_ELB_5XX_Count`, `HTTPCode_Target_5XX_Count`, `UnHealthyHostCount`). All go to the topic.
 */
export class EnvironmentAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: EnvironmentAlarmsProps) {
    super(scope, id);
    const { topicArn, name } = props;
    const t = ENVIRONMENT_ALARM_THRESHOLDS;
    const cluster = { ClusterName: props.clusterName };

    this.alarms.push(
      expressionAlarm(this, "api-server-5xx", {
        name: `${name}-eks-api-server-5xx`,
        description: `More than ${t.apiServer5xxPercent} % of the Kubernetes API requests of ${props.clusterName} answered 5xx, for 5 minutes`,
        namespace: "AWS/EKS",
        dimensions: cluster,
        metrics: { errors: { metric: "apiserver_request_total_5XX", statistic: "Sum" }, requests: { metric: "apiserver_request_total", statistic: "Sum" } },
        expression: "100 * errors / requests",
        comparison: "GreaterThanThreshold",
        threshold: t.apiServer5xxPercent,
        minutes: 5,
        topicArn,
      }),
      metricAlarm(this, "pending-pods", {
        name: `${name}-eks-pending-pods`,
        description: `Pods of ${props.clusterName} waiting to be scheduled for ${t.pendingPodsMinutes} minutes: no capacity (NodePool limits, quotas) or constraints nothing can meet`,
        namespace: "AWS/EKS",
        metric: "scheduler_pending_pods",
        dimensions: cluster,
        statistic: "Minimum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        minutes: t.pendingPodsMinutes,
        topicArn,
      }),
    );

    props.natGatewayIds.forEach((natGatewayId, i) => {
      const nat = { NatGatewayId: natGatewayId };
      this.alarms.push(
        metricAlarm(this, `nat-${i}-port-allocation`, {
          name: `${name}-nat-${i}-port-allocation-errors`,
          description: `NAT gateway ${i + 1} could not allocate source ports (too many concurrent connections to one destination) for 3 minutes`,
          namespace: "AWS/NATGateway",
          metric: "ErrorPortAllocation",
          dimensions: nat,
          statistic: "Sum",
          comparison: "GreaterThanThreshold",
          threshold: 0,
          minutes: 3,
          topicArn,
          treatMissingData: "notBreaching",
        }),
        metricAlarm(this, `nat-${i}-packets-dropped`, {
          name: `${name}-nat-${i}-packets-dropped`,
          description: `NAT gateway ${i + 1} dropped packets for 5 minutes in a row (more than a transient issue)`,
          namespace: "AWS/NATGateway",
          metric: "PacketsDropCount",
          dimensions: nat,
          statistic: "Sum",
          comparison: "GreaterThanThreshold",
          threshold: 0,
          minutes: 5,
          topicArn,
          treatMissingData: "notBreaching",
        }),
      );
    });

    // No load balancer, no data: quiet, not breaching.
    const loadBalancers = (alarmId: string, spec: { what: string; query: string; threshold: number; comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" }) =>
      queryAlarm(this, alarmId, {
        name: `${name}-${alarmId}`,
        description: spec.what,
        query: spec.query,
        comparison: spec.comparison,
        threshold: spec.threshold,
        minutes: 5,
        topicArn,
        treatMissingData: "notBreaching",
      });
    this.alarms.push(
      loadBalancers("load-balancer-5xx", {
        what: `The load balancers answered more than ${t.loadBalancer5xxPerMinute} 5xx a minute themselves (no healthy target, timeouts), for 5 minutes`,
        query: 'SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
        threshold: t.loadBalancer5xxPerMinute,
        comparison: "GreaterThanThreshold",
      }),
      loadBalancers("load-balancer-target-5xx", {
        what: `The applications behind the load balancers answered more than ${t.loadBalancer5xxPerMinute} 5xx a minute, for 5 minutes`,
        query: 'SELECT SUM(HTTPCode_Target_5XX_Count) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer)',
        threshold: t.loadBalancer5xxPerMinute,
        comparison: "GreaterThanThreshold",
      }),
      loadBalancers("load-balancer-unhealthy-targets", {
        what: "A load balancer target group had an unhealthy target for 5 minutes",
        query: 'SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)',
        threshold: 1,
        comparison: "GreaterThanOrEqualToThreshold",
      }),
    );
  }
}
