import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export interface CustomerManagedKeyProps {
  /** Alias without the `alias/` prefix, e.g. `pipeops-dev-tfstate`. */
  readonly alias: string;
  readonly description: string;
  /**
   * Extra key-policy statements, for AWS services that use the key on the account's behalf
   * (e.g. CloudWatch Logs). The account root statement is always present.
   */
  readonly serviceStatements?: DataAwsIamPolicyDocumentStatement[];
  /** Days a scheduled deletion waits (7-30). */
  readonly deletionWindowInDays?: number;
}

/** A symmetric customer managed KMS key with yearly rotation, an alias and an explicit key policy. */
export class CustomerManagedKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: CustomerManagedKeyProps) {
    super(scope, id);
    const caller = new DataAwsCallerIdentity(this, "caller");
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountAdministersKeyThroughIam",
          actions: ["kms:*"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${caller.accountId}:root`] }],
        },
        ...(props.serviceStatements ?? []),
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policy.json,
    });
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
