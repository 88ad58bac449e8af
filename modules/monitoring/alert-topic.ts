import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { CustomerManagedKey } from "../kms/customer-managed-key";

export interface AlertTopicProps {
  /** Topic name, and the prefix of its key's alias. */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  /** Subscribed by e-mail (SNS e-mails each a confirmation link first). */
  readonly emails: readonly string[];
  /** Subscribed over HTTPS (the endpoint confirms through the SubscribeURL SNS posts to it). */
  readonly httpsEndpoints: readonly string[];
}

/** The AWS services that publish to the topic on the account's behalf. */
export const ALERT_PUBLISHERS = {
  cloudwatch: "cloudwatch.amazonaws.com",
  budgets: "budgets.amazonaws.com",
} as const;

/**
 * One SNS topic per environment that every alert goes to: CloudWatch alarms, AWS Budgets and
 * Alertmanager (through an IAM role of its own). Encrypted with a customer managed key whose policy
 * lets the publishing services use it; the topic policy lets the account manage the topic,
 * CloudWatch publish for this account's alarms and Budgets for this account's budgets, and refuses
 * publishing without TLS.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;
  readonly key: CustomerManagedKey;
  readonly subscriptions: SnsTopicSubscription[] = [];

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { region, accountId } = props;
    const fromThisAccount = { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] };
    this.key = new CustomerManagedKey(this, "key", {
      alias: props.name,
      description: `Encrypts the alert topic ${props.name}`,
      serviceStatements: [
        {
          sid: "AlarmsAndBudgetsPublishToTheEncryptedTopic",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: Object.values(ALERT_PUBLISHERS) }],
          // No aws:SourceAccount here: the KMS call is SNS's, on the publishing service's behalf, and
          // AWS documents this statement without a condition (SNS Developer Guide, "Key management",
          // "Enable compatibility between event sources from AWS services and encrypted topics",
          // docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, read 2026-12-07). A condition
          // key the request may not carry would drop every alarm and budget message silently. Who may
          // publish — this account's alarms and budgets only — is the topic policy's to decide (below).
        },
      ],
    });
    this.topic = new SnsTopic(this, "topic", { name: props.name, kmsMasterKeyId: this.key.arn });
    this.arn = this.topic.arn;

    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountManagesTheTopic",
          actions: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          condition: [{ test: "StringEquals", variable: "AWS:SourceOwner", values: [accountId] }],
        },
        {
          sid: "CloudWatchAlarmsOfThisAccountPublish",
          actions: ["SNS:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "Service", identifiers: [ALERT_PUBLISHERS.cloudwatch] }],
          condition: [fromThisAccount, { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:cloudwatch:${region}:${accountId}:alarm:*`] }],
        },
        {
          sid: "BudgetsOfThisAccountPublish",
          actions: ["SNS:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "Service", identifiers: [ALERT_PUBLISHERS.budgets] }],
          condition: [fromThisAccount, { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:budgets::${accountId}:*`] }],
        },
        {
          sid: "RefusePublishingWithoutTls",
          effect: "Deny",
          actions: ["SNS:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "topic-policy", { arn: this.topic.arn, policy: policy.json });

    props.emails.forEach((email, i) => this.subscriptions.push(new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email })));
    props.httpsEndpoints.forEach((url, i) => this.subscriptions.push(new SnsTopicSubscription(this, `https-${i}`, { topicArn: this.topic.arn, protocol: "https", endpoint: url })));
  }
}
