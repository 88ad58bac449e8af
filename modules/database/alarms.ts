import { Construct } from "constructs";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { metricAlarm, type MetricAlarmSpec } from "../monitoring/metric-alarm";

/** Alarm thresholds; see estimatedMaxConnections() for the connections default. */
export const ALARM_THRESHOLDS = {
  cpuPercent: 80,
  freeStorageFraction: 0.1,
  connectionsFraction: 0.8,
} as const;

const GIB = 1024 ** 3;

export interface DatabaseAlarmsProps {
  /** The topic every alarm and recovery goes to (the environment's alert topic). */
  readonly topicArn: string;
  readonly primaryIdentifier: string;
  /** Initial allocated storage: the free-storage alarm fires below 10% of it. */
  readonly allocatedStorageGib: number;
  readonly connectionsThreshold: number;
  /** Instances whose replication lag is watched (read replicas, or a primary that is itself a replica). */
  readonly laggingInstanceIdentifiers: readonly string[];
  /** Replication lag (seconds) above which a lagging instance alarms: at most the recovery point objective. */
  readonly replicaLagSeconds: number;
}

/** CloudWatch alarms of a database, sent to the given topic (alarm and recovery). */
export class DatabaseAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const alarm = (alarmId: string, instance: string, spec: { metric: string; statistic: MetricAlarmSpec["statistic"]; comparison: MetricAlarmSpec["comparison"]; threshold: number; periods: number; description: string }) => {
      this.alarms.push(
        metricAlarm(this, alarmId, {
          name: `${instance}-${alarmId}`,
          description: spec.description,
          namespace: "AWS/RDS",
          metric: spec.metric,
          dimensions: { DBInstanceIdentifier: instance },
          statistic: spec.statistic,
          comparison: spec.comparison,
          threshold: spec.threshold,
          minutes: spec.periods,
          topicArn: props.topicArn,
        }),
      );
    };

    const primary = props.primaryIdentifier;
    alarm("cpu-high", primary, {
      metric: "CPUUtilization",
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: ALARM_THRESHOLDS.cpuPercent,
      periods: 5,
      description: `CPU of ${primary} above ${ALARM_THRESHOLDS.cpuPercent}% for 5 minutes`,
    });
    alarm("free-storage-low", primary, {
      metric: "FreeStorageSpace",
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: Math.round(props.allocatedStorageGib * GIB * ALARM_THRESHOLDS.freeStorageFraction),
      periods: 5,
      description: `Free storage of ${primary} below 10% of its ${props.allocatedStorageGib} GiB`,
    });
    alarm("connections-high", primary, {
      metric: "DatabaseConnections",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: props.connectionsThreshold,
      periods: 5,
      description: `Connections to ${primary} above ${props.connectionsThreshold}`,
    });
    props.laggingInstanceIdentifiers.forEach((instance, i) =>
      alarm(`replica-lag-high-${i}`, instance, {
        metric: "ReplicaLag",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: props.replicaLagSeconds,
        // Two minutes of lag beyond the RPO, not one noisy datapoint.
        periods: 2,
        description: `Replication lag of ${instance} above ${props.replicaLagSeconds} s (the recovery point objective) for 2 minutes`,
      }),
    );
  }
}
