import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { eventBridgeCron, type WorkingHours } from "./working-hours";

export interface DatabaseOffHoursProps extends WorkingHours {
  /** Prefix of the role and schedule names, normally the database identifier. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly dbInstanceIdentifier: string;
  readonly dbInstanceArn: string;
}

/** The schedules live in the account's default schedule group. */
export const SCHEDULE_GROUP = "default";

/** EventBridge Scheduler's universal targets for the RDS API (service and action in the ARN). */
export const RDS_ACTION_TARGETS = {
  stop: "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance",
  start: "arn:aws:scheduler:::aws-sdk:rds:startDBInstance",
} as const;

/**
 * Stops a database at the end of each workday and starts it at the beginning, with EventBridge
 * Scheduler calling the RDS API directly (universal target), as a role that may do exactly those
 * two actions on exactly this instance and that only Scheduler, for this account, can assume.
 * Between the last workday and the next (weekends) the database stays stopped; RDS would start it
 * again by itself after seven days stopped, and the next workday's evening schedule stops it again.
 */
export class DatabaseOffHours extends Construct {
  readonly role: IamRole;
  readonly stop: SchedulerSchedule;
  readonly start: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: DatabaseOffHoursProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "SchedulerOfThisAccount",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
          // The confused-deputy guard: only schedules of this account's default group (the user
          // guide: scope aws:SourceArn to a schedule group, never to one schedule).
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:scheduler:${props.region}:${props.accountId}:schedule-group/${SCHEDULE_GROUP}`] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.name}-off-hours`,
      description: `EventBridge Scheduler stops and starts RDS ${props.dbInstanceIdentifier} outside working hours`,
      assumeRolePolicy: trust.json,
    });
    new IamRolePolicy(this, "policy", {
      name: "stop-and-start-the-database",
      role: this.role.id,
      policy: new DataAwsIamPolicyDocument(this, "permissions", {
        statement: [{ sid: "StopAndStartThisDatabase", actions: ["rds:StopDBInstance", "rds:StartDBInstance"], resources: [props.dbInstanceArn] }],
      }).json,
    });
    const schedule = (action: "stop" | "start", time: string) =>
      new SchedulerSchedule(this, action, {
        name: `${props.name}-${action}`,
        groupName: SCHEDULE_GROUP,
        description: `${action === "stop" ? "Stops" : "Starts"} RDS ${props.dbInstanceIdentifier} at ${time} (${props.timezone}) on ${props.workdays.join(", ")}`,
        scheduleExpression: eventBridgeCron(time, props.workdays),
        scheduleExpressionTimezone: props.timezone,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: RDS_ACTION_TARGETS[action],
          roleArn: this.role.arn,
          // The request of the RDS API action in the AWS SDK's member casing, which universal
          // targets take: `DbInstanceIdentifier`, where the RDS API reference writes
          // DBInstanceIdentifier. AWS's own example, the CDK API reference for
          // aws_scheduler_targets.Universal, calls rds:stopDBCluster with `DbClusterIdentifier`.
          input: JSON.stringify({ DbInstanceIdentifier: props.dbInstanceIdentifier }),
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
      });
    this.stop = schedule("stop", props.workdayEnd);
    this.start = schedule("start", props.workdayStart);
  }
}
