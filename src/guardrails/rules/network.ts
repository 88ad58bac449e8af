import { allowsAllAddresses, asStrings, block, blocks, isTrue, type StackView, type TerraformResourceJson } from "../stack-view";
import { defineRule, eachResource, type Finding, type Rule } from "./rule";

/** One security group rule, whichever of the four ways Terraform can express it. */
interface SecurityGroupRule {
  readonly resource: TerraformResourceJson;
  readonly direction: "ingress" | "egress";
  readonly cidrs: string[];
  /** Where in the resource, for the message (e.g. `egress[0]`). */
  readonly where: string;
}

const SG_TYPES = [
  "aws_security_group",
  "aws_default_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
];

function securityGroupRules(view: StackView): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const resource of view.resources("aws_security_group", "aws_default_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      blocks(resource.body[direction]).forEach((entry, i) => {
        rules.push({ resource, direction, cidrs: [...asStrings(entry.cidr_blocks), ...asStrings(entry.ipv6_cidr_blocks)], where: `${direction}[${i}]` });
      });
    }
  }
  for (const resource of view.resources("aws_security_group_rule")) {
    const direction = resource.body.type === "egress" ? "egress" : "ingress";
    rules.push({ resource, direction, cidrs: [...asStrings(resource.body.cidr_blocks), ...asStrings(resource.body.ipv6_cidr_blocks)], where: "rule" });
  }
  for (const [type, direction] of [["aws_vpc_security_group_ingress_rule", "ingress"], ["aws_vpc_security_group_egress_rule", "egress"]] as const) {
    for (const resource of view.resources(type)) {
      rules.push({ resource, direction, cidrs: [...asStrings(resource.body.cidr_ipv4), ...asStrings(resource.body.cidr_ipv6)], where: "rule" });
    }
  }
  return rules;
}

function openRules(view: StackView, direction: "ingress" | "egress"): Finding[] {
  return securityGroupRules(view)
    .filter((rule) => rule.direction === direction)
    .flatMap((rule) => {
      const open = rule.cidrs.filter(allowsAllAddresses);
      if (open.length === 0) return [];
      const verb = direction === "ingress" ? "allows ingress from" : "allows egress to";
      return [{ resource: rule.resource, message: `${rule.where} ${verb} ${open.join(", ")} (every address).` }];
    });
}

/** IMDSv2: tokens required, unless the metadata endpoint is off altogether. */
function imdsProblem(resource: TerraformResourceJson): string | undefined {
  const options = block(resource.body.metadata_options);
  if (options?.http_endpoint === "disabled") return undefined;
  if (options?.http_tokens === "required") return undefined;
  return options?.http_tokens === undefined
    ? "metadata_options.http_tokens is not set, so IMDSv1 (no session token) stays allowed."
    : `metadata_options.http_tokens is ${JSON.stringify(options.http_tokens)}, not "required".`;
}

export const networkRules: Rule[] = [
  defineRule("AWS-0178", ["aws_vpc"], (view) => {
    const logged = new Set(view.resources("aws_flow_log").map((log) => view.referenced(log.body.vpc_id, "aws_vpc")?.address));
    return eachResource(view, ["aws_vpc"], (vpc) => (logged.has(vpc.address) ? undefined : "no aws_flow_log has a vpc_id referencing this VPC."));
  }),
  defineRule("AWS-0107", SG_TYPES, (view) => openRules(view, "ingress")),
  defineRule("AWS-0104", SG_TYPES, (view) => openRules(view, "egress")),
  defineRule("AWS-0164", ["aws_subnet"], (view) =>
    eachResource(view, ["aws_subnet"], (subnet) => (isTrue(subnet.body.map_public_ip_on_launch) ? "map_public_ip_on_launch is true." : undefined)),
  ),
  defineRule("AWS-0130", ["aws_launch_template", "aws_launch_configuration"], (view) => eachResource(view, ["aws_launch_template", "aws_launch_configuration"], imdsProblem)),
  defineRule("AWS-0028", ["aws_instance"], (view) => eachResource(view, ["aws_instance"], imdsProblem)),
];
