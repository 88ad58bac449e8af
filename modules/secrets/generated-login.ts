import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { SecretsmanagerSecret, type SecretsmanagerSecretConfig } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";

/** The JSON keys of a generated login's secret value. */
export const LOGIN_SECRET_PROPERTIES = { username: "username", password: "password" } as const;

export interface GeneratedLoginProps {
  /** The secret's own settings: name or namePrefix, description, KMS key, recovery window, replicas. */
  readonly secret: SecretsmanagerSecretConfig;
  readonly username: string;
  /** Letters and digits only (every consumer accepts them); 40 gives about 238 bits. Default 40. */
  readonly passwordLength?: number;
  /** Change to generate and write a new password. Default 1. */
  readonly version?: number;
}

/**
 * A Secrets Manager secret holding `{"username","password"}` whose password is generated at apply
 * time and never stored: the password comes from an ephemeral `aws_secretsmanager_random_password`
 * (opened at each plan and apply, absent from the plan file and the state) and is written with the
 * write-only `secret_string_wo`. Consumers that take the password themselves (RDS `password_wo`)
 * use `passwordExpression`, which is valid in write-only arguments only.
 *
 * The provider still refreshes the version with GetSecretValue (and does not keep the value), so
 * whoever plans the stack needs that permission on this secret: see the plan role in
 * backend/github-oidc.ts.
 */
export class GeneratedLogin extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly version: number;
  /** `ephemeral.aws_secretsmanager_random_password.<name>.random_password`, for write-only arguments. */
  readonly passwordExpression: string;

  constructor(scope: Construct, id: string, props: GeneratedLoginProps) {
    super(scope, id);
    this.version = props.version ?? 1;
    this.secret = new SecretsmanagerSecret(this, "secret", props.secret);

    // cdktf has no ephemeral constructs: the block is added to the stack as an override.
    const stack = TerraformStack.of(this);
    const pathInStack = this.node.scopes.slice(this.node.scopes.indexOf(stack) + 1).map((scope) => scope.node.id);
    const name = `${pathInStack.join("_").replace(/[^A-Za-z0-9_]/g, "_")}_password`;
    stack.addOverride(`ephemeral.aws_secretsmanager_random_password.${name}`, {
      password_length: props.passwordLength ?? 40,
      // RDS refuses / " @ and spaces in master passwords: letters and digits only.
      exclude_punctuation: true,
    });
    this.passwordExpression = `ephemeral.aws_secretsmanager_random_password.${name}.random_password`;

    new SecretsmanagerSecretVersion(this, "value", {
      secretId: this.secret.id,
      secretStringWo: `\${jsonencode({ ${LOGIN_SECRET_PROPERTIES.username} = ${JSON.stringify(props.username)}, ${LOGIN_SECRET_PROPERTIES.password} = ${this.passwordExpression} })}`,
      secretStringWoVersion: this.version,
    });
  }
}
