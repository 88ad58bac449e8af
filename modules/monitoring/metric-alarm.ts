import type { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

/** What every alarm of the project shares: a name, a reason, a threshold held for some minutes. */
interface AlarmBase {
  readonly name: string;
  readonly description: string;
  readonly comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** Consecutive one-minute periods over the threshold before it alarms. */
  readonly minutes: number;
  /** The topic the alarm and its recovery go to. */
  readonly topicArn: string;
  /** Default "missing": no data keeps the last state (a quiet metric is not an outage). */
  readonly treatMissingData?: "missing" | "notBreaching" | "breaching";
}

/** One metric of one resource. */
export interface MetricAlarmSpec extends AlarmBase {
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
}

/** A CloudWatch Metrics Insights query that returns one series (e.g. the sum over every load balancer). */
export interface QueryAlarmSpec extends AlarmBase {
  readonly query: string;
}

/** Metric math over named metrics of one resource, e.g. the share of failed requests in percent. */
export interface ExpressionAlarmSpec extends AlarmBase {
  readonly namespace: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Query id (lower case) → metric name and statistic. */
  readonly metrics: Readonly<Record<string, { readonly metric: string; readonly statistic: MetricAlarmSpec["statistic"] }>>;
  /** The expression over those ids, e.g. "100 * errors / requests". */
  readonly expression: string;
}

const shared = (spec: AlarmBase) => ({
  alarmName: spec.name,
  alarmDescription: spec.description,
  evaluationPeriods: spec.minutes,
  datapointsToAlarm: spec.minutes,
  threshold: spec.threshold,
  comparisonOperator: spec.comparison,
  treatMissingData: spec.treatMissingData ?? "missing",
  alarmActions: [spec.topicArn],
  okActions: [spec.topicArn],
});

/** An alarm on one metric, at one-minute resolution, that tells the topic when it fires and when it recovers. */
export function metricAlarm(scope: Construct, id: string, spec: MetricAlarmSpec): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    ...shared(spec),
    namespace: spec.namespace,
    metricName: spec.metric,
    dimensions: { ...spec.dimensions },
    statistic: spec.statistic,
    period: 60,
  });
}

/** An alarm on metric math over one resource's metrics (only the expression is returned). */
export function expressionAlarm(scope: Construct, id: string, spec: ExpressionAlarmSpec): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    ...shared(spec),
    metricQuery: [
      { id: "e1", expression: spec.expression, returnData: true, label: spec.name },
      ...Object.entries(spec.metrics).map(([queryId, { metric, statistic }]) => ({
        id: queryId,
        returnData: false,
        metric: { namespace: spec.namespace, metricName: metric, dimensions: { ...spec.dimensions }, stat: statistic, period: 60 },
      })),
    ],
  });
}

/** An alarm on a Metrics Insights query, for resources Terraform does not know (load balancers Kubernetes makes). */
export function queryAlarm(scope: Construct, id: string, spec: QueryAlarmSpec): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    ...shared(spec),
    metricQuery: [{ id: "q1", expression: spec.query, period: 60, returnData: true, label: spec.name }],
  });
}
