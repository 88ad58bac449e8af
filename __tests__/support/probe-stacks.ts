import { TerraformOutput, TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { useStateBackend } from "../../backend/state-backend";
import { stackStateLocation } from "../../src/stacks/state-location";
import { EnvironmentStack, type EnvironmentStackProps } from "../../src/stacks/environment-stack";

/** Small stacks for the end-to-end tests of the state backend and of recovery. */

/** The smallest stack that uses the real backend wiring: one log group and an output. */
export class BackendProbeStack extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    useStateBackend(this, stackStateLocation(props.env, props.target, name));
    const group = new CloudwatchLogGroup(this, "probe", { name: "/pipeops/e2e/backend-probe", retentionInDays: 1 });
    new TerraformOutput(this, "probe_log_group", { value: group.name });
  }
}

/**
 * A stack a deploy can be killed in: objects of the kinds a killed apply leaves outside the state
 * (unique names that then clash; no unique name, so a rerun would duplicate them; IDs that depend
 * on other orphans), then a slow step that holds the apply open while they exist.
 */
export class CrashProbeStack extends EnvironmentStack {
  constructor(scope: Construct, name: string, props: EnvironmentStackProps) {
    super(scope, name, props);
    useStateBackend(this, stackStateLocation(props.env, props.target, name));
    const key = new KmsKey(this, "key", { description: "pipeops e2e crash probe", enableKeyRotation: true, deletionWindowInDays: 7 });
    const alias = new KmsAlias(this, "alias", { name: "alias/pipeops-e2e-crash", targetKeyId: key.keyId });
    const logs = new CloudwatchLogGroup(this, "logs", { name: "/pipeops/e2e/crash-probe", retentionInDays: 1, kmsKeyId: key.arn });
    const role = new IamRole(this, "role", {
      name: "pipeops-e2e-crash-probe",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    });
    const rolePolicy = new IamRolePolicy(this, "role-policy", {
      role: role.name,
      name: "logs",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }] }),
    });
    const secret = new SecretsmanagerSecret(this, "secret", { name: "pipeops/e2e/crash-probe", kmsKeyId: key.arn, recoveryWindowInDays: 0 });
    const vpc = new Vpc(this, "vpc", { cidrBlock: "10.99.0.0/16", tags: { Name: "pipeops-e2e-crash" } });
    const subnet = new Subnet(this, "subnet", { vpcId: vpc.id, cidrBlock: "10.99.1.0/24", availabilityZone: "us-west-2a", tags: { Name: "pipeops-e2e-crash-a" } });
    const gateway = new InternetGateway(this, "gateway", { vpcId: vpc.id, tags: { Name: "pipeops-e2e-crash" } });
    const routes = new RouteTable(this, "routes", { vpcId: vpc.id, tags: { Name: "pipeops-e2e-crash" } });
    const route = new Route(this, "default-route", { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: gateway.id });
    const association = new RouteTableAssociation(this, "association", { subnetId: subnet.id, routeTableId: routes.id });
    const address = new Eip(this, "address", { domain: "vpc", tags: { Name: "pipeops-e2e-crash" }, dependsOn: [gateway] });
    new TerraformResource(this, "slow", {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: [alias, logs, rolePolicy, secret, route, association, address],
      provisioners: [{ type: "local-exec", command: "sleep $${PIPEOPS_E2E_SLOW_SECONDS:-0}" }],
    });
  }
}

