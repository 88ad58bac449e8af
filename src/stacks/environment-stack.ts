import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../config/types";
import { adaptStackToTarget, awsProviderConfig, effectiveAccountId, type DeploymentTarget } from "../target";
import { standardTags, tagEverything } from "../aspects/tags";
import { TERRAFORM } from "../config/versions";

export interface EnvironmentStackProps {
  readonly env: EnvironmentConfig;
  readonly target: DeploymentTarget;
}

/**
 * Base of every stack: the AWS provider of the environment's region (pointed at the deployment
 * target) and the tagging aspect. Subclasses add their backend and resources.
 */
export class EnvironmentStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly target: DeploymentTarget;
  readonly accountId: string;
  readonly awsProvider: AwsProvider;

  constructor(scope: Construct, stackName: string, props: EnvironmentStackProps) {
    super(scope, stackName);
    this.env = props.env;
    this.target = props.target;
    this.accountId = effectiveAccountId(props.target, props.env.accountId);
    this.awsProvider = new AwsProvider(this, "aws", awsProviderConfig(props.target, props.env.region, this.accountId));
    // Write-only arguments and ephemeral resources need this Terraform; older ones would misread them.
    this.addOverride("terraform.required_version", TERRAFORM.requiredVersion);
    tagEverything(this, standardTags(props.env.project, props.env.name, props.env.tags));
    adaptStackToTarget(this, props.target);
  }
}
