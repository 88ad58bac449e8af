import { Construct } from "constructs";
import { Fn, Token } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/** The audience EKS-issued service-account tokens carry when they are exchanged with STS. */
export const IRSA_AUDIENCE = "sts.amazonaws.com";

export interface IrsaRoleProps {
  /** IAM role name, e.g. `pipeops-dev-external-secrets` (at most 64 characters). */
  readonly name: string;
  readonly description?: string;
  /** ARN of the cluster's IAM OIDC identity provider (`aws_iam_openid_connect_provider`). */
  readonly oidcProviderArn: string;
  /**
   * The cluster's OIDC issuer, e.g. `oidc.eks.us-west-2.amazonaws.com/id/ABC…`. A leading
   * `https://` is removed, so the issuer URL exactly as EKS reports it can be passed too.
   */
  readonly oidcIssuerUrl: string;
  /** Kubernetes namespace of the service account allowed to assume the role. */
  readonly namespace: string;
  /** Name of the Kubernetes service account allowed to assume the role. */
  readonly serviceAccount: string;
  /** AWS managed or customer managed policies to attach. */
  readonly managedPolicyArns?: readonly string[];
  /**
   * Inline policies, name → policy JSON (e.g. the `.json` of a `DataAwsIamPolicyDocument`, or
   * `JSON.stringify` of a typed policy constant).
   */
  readonly inlinePolicies?: Readonly<Record<string, string>>;
}

/** `https://oidc.eks…/id/X` → `oidc.eks…/id/X`, for literal strings and Terraform references alike. */
export function stripHttps(url: string): string {
  return Token.isUnresolved(url) ? Fn.replace(url, "https://", "") : url.replace(/^https:\/\//, "");
}

/**
 * An IAM role for one Kubernetes service account (IRSA): only a token issued by the cluster's OIDC
 * provider for exactly `system:serviceaccount:<namespace>:<serviceAccount>`, with the STS audience,
 * can assume it (as terraform-aws-iam's `iam-role-for-service-accounts-eks` does).
 */
export class IrsaRole extends Construct {
  readonly role: IamRole;
  readonly arn: string;
  readonly name: string;
  /** The `system:serviceaccount:<ns>:<sa>` subject the trust policy admits. */
  readonly subject: string;

  constructor(scope: Construct, id: string, props: IrsaRoleProps) {
    super(scope, id);
    const issuer = stripHttps(props.oidcIssuerUrl);
    this.subject = `system:serviceaccount:${props.namespace}:${props.serviceAccount}`;

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          sid: "ServiceAccountAssumesRoleWithWebIdentity",
          effect: "Allow",
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: [props.oidcProviderArn] }],
          condition: [
            { test: "StringEquals", variable: `${issuer}:sub`, values: [this.subject] },
            { test: "StringEquals", variable: `${issuer}:aud`, values: [IRSA_AUDIENCE] },
          ],
        },
      ],
    });

    this.role = new IamRole(this, "role", {
      name: props.name,
      description: props.description ?? `IRSA role for ${props.namespace}/${props.serviceAccount}`,
      assumeRolePolicy: trust.json,
      forceDetachPolicies: true,
    });
    this.arn = this.role.arn;
    this.name = this.role.name;

    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      // Named after the policy when it is known at synth, so reordering the list changes nothing.
      const key = Token.isUnresolved(policyArn) ? String(i) : policyArn.split("/").pop();
      new IamRolePolicyAttachment(this, `managed-${key}`, { role: this.role.name, policyArn });
    });
    for (const [name, policy] of Object.entries(props.inlinePolicies ?? {})) {
      new IamRolePolicy(this, `inline-${name}`, { name, role: this.role.id, policy });
    }
  }
}
