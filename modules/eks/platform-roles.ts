import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IrsaRole } from "../iam/irsa-role";
import { AWS_LOAD_BALANCER_CONTROLLER_POLICY } from "../iam/policies/aws-load-balancer-controller";
import { IRSA_SERVICE_ACCOUNTS, SECRET_READER_SERVICE_ACCOUNT } from "../platform/charts";

/**
 * Where each platform service runs: the service accounts the Helm releases create (one owner, the
 * platform module), which these roles' trust policies name.
 */
export const PLATFORM_SERVICE_ACCOUNTS = {
  loadBalancerController: { namespace: IRSA_SERVICE_ACCOUNTS.awsLoadBalancerController.namespace, serviceAccount: IRSA_SERVICE_ACCOUNTS.awsLoadBalancerController.name },
  alertmanager: { namespace: IRSA_SERVICE_ACCOUNTS.alertmanager.namespace, serviceAccount: IRSA_SERVICE_ACCOUNTS.alertmanager.name },
  externalDns: { namespace: IRSA_SERVICE_ACCOUNTS.externalDns.namespace, serviceAccount: IRSA_SERVICE_ACCOUNTS.externalDns.name },
} as const;

/** A namespace that reads Secrets Manager through its own SecretStore, and what it may read. */
export interface SecretStoreGrant {
  readonly namespace: string;
  /** The only secrets it may read, as ARNs or ARN patterns; never "*". */
  readonly secretArnPatterns: readonly string[];
}

export interface PlatformIrsaRolesProps {
  /** Prefix of the role names, normally the cluster name. */
  readonly namePrefix: string;
  readonly region: string;
  readonly oidcProviderArn: string;
  /** Issuer of the cluster, with or without `https://`; pass `EksCluster.oidcProvider`. */
  readonly oidcIssuerUrl: string;
  /** One role per namespace that reads secrets (its SecretStore's service account assumes it). */
  readonly secretStores: readonly SecretStoreGrant[];
  /** KMS keys those secrets are encrypted with; decrypted through Secrets Manager only. */
  readonly secretKmsKeyArns: readonly string[];
  /** Create the AWS Load Balancer Controller's role (not on EKS Auto Mode, which runs its own controller). */
  readonly loadBalancerController: boolean;
  /** Alertmanager publishes to this topic, encrypted with this key; omitted: no role. */
  readonly alertmanager?: { readonly topicArn: string; readonly topicKeyArn: string };
  /** external-dns writes records under this zone name only; omitted: no role. */
  readonly externalDns?: { readonly zoneName: string };
}

/**
 * IRSA roles of the in-cluster platform: one per namespace that reads Secrets Manager, each
 * trusted by that namespace's reader service account only and allowed to read only that
 * namespace's secrets (External Secrets itself holds no AWS permission), the AWS Load Balancer
 * Controller with the upstream policy, and Alertmanager, which may publish to the alert topic only. Kept apart from `EksCluster` so it can be created after the
 * resources whose secrets it reads.
 */
export class PlatformIrsaRoles extends Construct {
  readonly secretStores: Readonly<Record<string, IrsaRole>>;
  readonly loadBalancerController?: IrsaRole;
  /** Empty when the controller's role is not created. */
  readonly loadBalancerControllerRoleArn: string;
  /** namespace → ARN of its SecretStore's role. */
  readonly secretStoreRoleArns: Readonly<Record<string, string>>;
  readonly alertmanager?: IrsaRole;
  readonly externalDns?: IrsaRole;

  constructor(scope: Construct, id: string, props: PlatformIrsaRolesProps) {
    super(scope, id);
    const oidc = { oidcProviderArn: props.oidcProviderArn, oidcIssuerUrl: props.oidcIssuerUrl };
    const stores: Record<string, IrsaRole> = {};
    for (const grant of props.secretStores) {
      if (grant.secretArnPatterns.length === 0) {
        throw new Error(`${props.namePrefix}: the ${grant.namespace} SecretStore needs at least one secret ARN pattern. Fix: pass the namespace's own secrets, never "*".`);
      }
      if (grant.secretArnPatterns.some((arn) => arn === "*" || /^arn:aws:secretsmanager:[^:]*:[^:]*:secret:\*?$/.test(arn) || arn === "arn:aws:secretsmanager:*")) {
        throw new Error(`${props.namePrefix}: the ${grant.namespace} SecretStore must not read every secret in the account. Fix: list that namespace's secret ARNs or a prefix of its own.`);
      }
      const policy = new DataAwsIamPolicyDocument(this, `${grant.namespace}-secrets-policy`, {
        statement: [
          {
            sid: "ReadNamespaceSecrets",
            actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            resources: [...grant.secretArnPatterns],
          },
          ...(props.secretKmsKeyArns.length > 0
            ? [
                {
                  sid: "DecryptThroughSecretsManager",
                  actions: ["kms:Decrypt"],
                  resources: [...props.secretKmsKeyArns],
                  condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${props.region}.amazonaws.com`] }],
                },
              ]
            : []),
        ],
      });
      stores[grant.namespace] = new IrsaRole(this, `${grant.namespace}-secrets`, {
        name: `${props.namePrefix}-secrets-${grant.namespace}`,
        ...oidc,
        namespace: grant.namespace,
        serviceAccount: SECRET_READER_SERVICE_ACCOUNT,
        inlinePolicies: { "read-namespace-secrets": policy.json },
      });
    }
    this.secretStores = stores;
    this.secretStoreRoleArns = Object.fromEntries(Object.entries(stores).map(([namespace, role]) => [namespace, role.arn]));

    this.loadBalancerController = props.loadBalancerController
      ? new IrsaRole(this, "load-balancer-controller", {
          name: `${props.namePrefix}-load-balancer-controller`,
          ...oidc,
          ...PLATFORM_SERVICE_ACCOUNTS.loadBalancerController,
          inlinePolicies: { "aws-load-balancer-controller": JSON.stringify(AWS_LOAD_BALANCER_CONTROLLER_POLICY) },
        })
      : undefined;
    this.loadBalancerControllerRoleArn = this.loadBalancerController?.arn ?? "";

    if (props.alertmanager) {
      const { topicArn, topicKeyArn } = props.alertmanager;
      const policy = new DataAwsIamPolicyDocument(this, "alertmanager-policy", {
        statement: [
          { sid: "PublishToTheAlertTopic", actions: ["sns:Publish"], resources: [topicArn] },
          {
            // SNS encrypts what it is given with the topic's key, as the publisher.
            sid: "UseTheTopicKeyThroughSns",
            actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
            resources: [topicKeyArn],
            condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`sns.${props.region}.amazonaws.com`] }],
          },
        ],
      });
      this.alertmanager = new IrsaRole(this, "alertmanager", {
        name: `${props.namePrefix}-alertmanager`,
        ...oidc,
        ...PLATFORM_SERVICE_ACCOUNTS.alertmanager,
        inlinePolicies: { "publish-alerts": policy.json },
      });
    }

    if (props.externalDns) {
      const { zoneName } = props.externalDns;
      // external-dns docs/tutorials/aws.md (chart 1.21.1): change, list and tag-read records of the
      // zones, list the zones. The change is held to names in the zone (the ABAC variant's
      // condition key), so no other zone of the account can be written, whatever its ID.
      const policy = new DataAwsIamPolicyDocument(this, "external-dns-policy", {
        statement: [
          {
            sid: "ChangeRecordsOfTheZoneOnly",
            actions: ["route53:ChangeResourceRecordSets"],
            resources: ["arn:aws:route53:::hostedzone/*"],
            condition: [{ test: "ForAllValues:StringLike", variable: "route53:ChangeResourceRecordSetsNormalizedRecordNames", values: [zoneName, `*.${zoneName}`] }],
          },
          { sid: "ReadRecords", actions: ["route53:ListResourceRecordSets", "route53:ListTagsForResources"], resources: ["arn:aws:route53:::hostedzone/*"] },
          { sid: "FindTheZone", actions: ["route53:ListHostedZones"], resources: ["*"] },
        ],
      });
      this.externalDns = new IrsaRole(this, "external-dns", {
        name: `${props.namePrefix}-external-dns`,
        ...oidc,
        ...PLATFORM_SERVICE_ACCOUNTS.externalDns,
        inlinePolicies: { "write-records-of-the-zone": policy.json },
      });
    }
  }
}
