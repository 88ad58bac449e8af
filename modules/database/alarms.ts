import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";


/** Alarm thresholds; see estimatedMaxConnections() for the connections default. */
export const ALARM_THRESHOLDS = {
  cpuPercent: 80,
  freeStorageFraction: 0.1,
  connectionsFraction: 0.8,
  replicaLagSeconds: 30,
} as const;

const GIB = 1024 ** 3;

export interface DatabaseAlarmsProps {
  /** Prefix of the topic and alarm names, normally the primary's identifier. */
  readonly name: string;
  /** Customer managed key that encrypts the topic; its policy must let cloudwatch.amazonaws.com use it. */
  readonly kmsKeyArn: string;
  readonly primaryIdentifier: string;
  /** Initial allocated storage: the free-storage alarm fires below 10% of it. */
  readonly allocatedStorageGib: number;
  readonly connectionsThreshold: number;
  /** Instances whose replication lag is watched (read replicas, or a primary that is itself a replica). */
  readonly laggingInstanceIdentifiers: readonly string[];
  /** Optional address subscribed to the topic (AWS emails a confirmation link first). */
  readonly email?: string;
}

/** CloudWatch alarms of a database, sent to a KMS-encrypted SNS topic (alarm and recovery). */
export class DatabaseAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "topic", { name: `${props.name}-alarms`, kmsMasterKeyId: props.kmsKeyArn });
    if (props.email) {
      new SnsTopicSubscription(this, "email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });
    }
    const actions = [this.topic.arn];
    const alarm = (alarmId: string, instance: string, spec: { metric: string; statistic: string; comparison: string; threshold: number; periods: number; description: string }) => {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, alarmId, {
          alarmName: `${instance}-${alarmId}`,
          alarmDescription: spec.description,
          namespace: "AWS/RDS",
          metricName: spec.metric,
          dimensions: { DBInstanceIdentifier: instance },
          statistic: spec.statistic,
          period: 60,
          evaluationPeriods: spec.periods,
          datapointsToAlarm: spec.periods,
          threshold: spec.threshold,
          comparisonOperator: spec.comparison,
          treatMissingData: "missing",
          alarmActions: actions,
          okActions: actions,
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
        threshold: ALARM_THRESHOLDS.replicaLagSeconds,
        periods: 5,
        description: `Replication lag of ${instance} above ${ALARM_THRESHOLDS.replicaLagSeconds} s`,
      }),
    );
  }
}
