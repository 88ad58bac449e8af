import type { Construct } from "constructs";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { useEnvironmentStateBackend } from "../../backend/state-backend";

/** `<env>`: the AWS core of one environment — network, EKS, RDS, KMS, secrets and IAM. */
export class CoreStack extends EnvironmentStack {
  constructor(scope: Construct, stackName: string, props: EnvironmentStackProps) {
    super(scope, stackName, props);
    useEnvironmentStateBackend(this, props.env, props.target, stackName);
  }
}
