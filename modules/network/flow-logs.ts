import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { CustomerManagedKey } from "../kms/customer-managed-key";

export interface VpcFlowLogsProps {
  /** Prefix of the log group, role and key alias names. */
  readonly name: string;
  readonly vpcId: string;
  readonly region: string;
  /** Days the log group keeps events (a CloudWatch Logs retention value). */
  readonly retentionDays: number;
}

/**
 * Flow logs of ALL traffic of a VPC into a CloudWatch log group encrypted with its own customer
 * managed key, delivered by a role that can write to that log group only.
 */
export class VpcFlowLogs extends Construct {
  readonly key: CustomerManagedKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly logGroupName: string;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { name, region } = props;
    const account = new DataAwsCallerIdentity(this, "caller").accountId;
    this.logGroupName = `/aws/vpc-flow-logs/${name}`;
    const logGroupArn = `arn:aws:logs:${region}:${account}:log-group:${this.logGroupName}`;

    this.key = new CustomerManagedKey(this, "key", {
      alias: `${name}-vpc-flow-logs`,
      description: `Encrypts the VPC flow logs of ${name}`,
      serviceStatements: [
        {
          sid: "CloudWatchLogsUseForTheFlowLogGroup",
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: [logGroupArn] }],
        },
      ],
    });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: this.logGroupName,
      retentionInDays: props.retentionDays,
      kmsKeyId: this.key.arn,
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          // Confused-deputy guard: only flow logs of this account may use the role.
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:ec2:${region}:${account}:vpc-flow-log/*`] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${name}-vpc-flow-logs`,
      description: `Delivers the VPC flow logs of ${name} to ${this.logGroupName}`,
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "write", {
      statement: [
        {
          sid: "WriteToTheFlowLogGroupOnly",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
        },
        {
          // The delivery service checks the destination with DescribeLogGroups, which takes no
          // log-group resource (AWS VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs").
          sid: "FindTheFlowLogGroup",
          actions: ["logs:DescribeLogGroups"],
          resources: ["*"],
        },
      ],
    });
    this.rolePolicy = new IamRolePolicy(this, "role-policy", { name: "write-flow-log-group", role: this.role.id, policy: write.json });

    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      tags: { Name: name },
      // Created before its role may write, the flow log would sit in "access error".
      dependsOn: [this.rolePolicy],
    });
  }
}
