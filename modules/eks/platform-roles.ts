import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IrsaRole } from "../iam/irsa-role";
import { AWS_LOAD_BALANCER_CONTROLLER_POLICY } from "../iam/policies/aws-load-balancer-controller";
import { IRSA_SERVICE_ACCOUNTS } from "../platform/charts";

/**
 * Where each platform service runs: the service accounts the Helm releases create (one owner, the
 * platform module), which these roles' trust policies name.
 */
export const PLATFORM_SERVICE_ACCOUNTS = {
  externalSecrets: { namespace: IRSA_SERVICE_ACCOUNTS.externalSecrets.namespace, serviceAccount: IRSA_SERVICE_ACCOUNTS.externalSecrets.name },
  loadBalancerController: { namespace: IRSA_SERVICE_ACCOUNTS.awsLoadBalancerController.namespace, serviceAccount: IRSA_SERVICE_ACCOUNTS.awsLoadBalancerController.name },
} as const;

export interface PlatformIrsaRolesProps {
  /** Prefix of the role names, normally the cluster name. */
  readonly namePrefix: string;
  readonly region: string;
  readonly oidcProviderArn: string;
  /** Issuer of the cluster, with or without `https://`; pass `EksCluster.oidcProvider`. */
  readonly oidcIssuerUrl: string;
  /**
   * The only Secrets Manager secrets External Secrets may read, as ARNs or ARN patterns, e.g.
   * `arn:aws:secretsmanager:us-west-2:123456789012:secret:pipeops/dev/*` and the ARN of the
   * RDS-managed master secret. Must not be empty.
   */
  readonly secretArnPatterns: readonly string[];
  /** KMS keys those secrets are encrypted with; External Secrets may decrypt through Secrets Manager only. */
  readonly secretKmsKeyArns: readonly string[];
}

/**
 * IRSA roles of the in-cluster platform services installed by Helm (the platform stack):
 * External Secrets Operator, least privilege on the environment's own secrets, and the AWS Load
 * Balancer Controller with the upstream policy. Kept apart from `EksCluster` so it can be created
 * after the resources whose secrets it reads (e.g. the database).
 */
export class PlatformIrsaRoles extends Construct {
  readonly externalSecrets: IrsaRole;
  readonly loadBalancerController: IrsaRole;
  readonly externalSecretsRoleArn: string;
  readonly loadBalancerControllerRoleArn: string;

  constructor(scope: Construct, id: string, props: PlatformIrsaRolesProps) {
    super(scope, id);
    if (props.secretArnPatterns.length === 0) {
      throw new Error(`${props.namePrefix}: External Secrets needs at least one secret ARN pattern. Fix: pass the environment's secret ARNs, never "*".`);
    }
    if (props.secretArnPatterns.some((arn) => arn === "*" || arn === "arn:aws:secretsmanager:*")) {
      throw new Error(`${props.namePrefix}: External Secrets must not read every secret in the account. Fix: list the environment's secret ARNs or a prefix pattern.`);
    }
    const oidc = { oidcProviderArn: props.oidcProviderArn, oidcIssuerUrl: props.oidcIssuerUrl };

    const externalSecretsPolicy = new DataAwsIamPolicyDocument(this, "external-secrets-policy", {
      statement: [
        {
          sid: "ReadEnvironmentSecrets",
          actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"],
          resources: [...props.secretArnPatterns],
        },
        ...(props.secretKmsKeyArns.length > 0
          ? [
              {
                sid: "DecryptEnvironmentSecrets",
                actions: ["kms:Decrypt"],
                resources: [...props.secretKmsKeyArns],
                condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${props.region}.amazonaws.com`] }],
              },
            ]
          : []),
      ],
    });
    this.externalSecrets = new IrsaRole(this, "external-secrets", {
      name: `${props.namePrefix}-external-secrets`,
      ...oidc,
      ...PLATFORM_SERVICE_ACCOUNTS.externalSecrets,
      inlinePolicies: { "read-environment-secrets": externalSecretsPolicy.json },
    });

    this.loadBalancerController = new IrsaRole(this, "load-balancer-controller", {
      name: `${props.namePrefix}-load-balancer-controller`,
      ...oidc,
      ...PLATFORM_SERVICE_ACCOUNTS.loadBalancerController,
      inlinePolicies: { "aws-load-balancer-controller": JSON.stringify(AWS_LOAD_BALANCER_CONTROLLER_POLICY) },
    });

    this.externalSecretsRoleArn = this.externalSecrets.arn;
    this.loadBalancerControllerRoleArn = this.loadBalancerController.arn;
  }
}
