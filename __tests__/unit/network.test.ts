import { describe, expect, it } from "vitest";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Network, type NetworkProps } from "../../modules/network/network";
import { subnetLayout } from "../../modules/network/subnet-layout";
import { addressOf, moduleTestStack, policyStatements, ref, synthModuleStack } from "../support/module-test-stack";
import { AWS, onlyResource, resourcesOf, sharedTestApp, synthStack, type SynthesizedStack } from "../support/synth";

const AZS = ["us-west-2a", "us-west-2b", "us-west-2c"];
const PRIVATE_CIDRS = ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"];
const PUBLIC_CIDRS = ["10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"];
const DATABASE_CIDRS = ["10.0.64.0/24", "10.0.65.0/24", "10.0.66.0/24"];

const baseProps: NetworkProps = {
  name: "pipeops-test",
  vpcCidr: "10.0.0.0/16",
  availabilityZones: AZS,
  natGateways: "single",
  interfaceEndpoints: ["ecr.api", "ecr.dkr", "sts", "secretsmanager", "logs"],
  flowLogRetentionDays: 90,
  clusterName: "pipeops-test-eks",
  region: "us-west-2",
  databasePort: 5432,
};

function synthNetwork(overrides: Partial<NetworkProps> = {}): { stack: SynthesizedStack; network: Network } {
  const { stack } = moduleTestStack();
  const network = new Network(stack, "network", { ...baseProps, ...overrides });
  return { stack: synthModuleStack(stack), network };
}

const subnetsByTier = (stack: SynthesizedStack, tier: string) =>
  resourcesOf(stack, "aws_subnet").filter(([, s]) => (s.tags as Record<string, string>).Tier === tier);

describe("subnet layout", () => {
  it("carves a /16 into private /20s at index 0..2, public /24s at 48+i, database /24s at 64+i and control-plane /24s at 80+i", () => {
    const layout = subnetLayout("10.0.0.0/16", AZS);
    expect(layout.map((az) => az.private)).toEqual(PRIVATE_CIDRS);
    expect(layout.map((az) => az.public)).toEqual(PUBLIC_CIDRS);
    expect(layout.map((az) => az.database)).toEqual(DATABASE_CIDRS);
    expect(layout.map((az) => az.controlPlane)).toEqual(["10.0.80.0/24", "10.0.81.0/24", "10.0.82.0/24"]);
  });

  it("puts the EKS cluster (its control-plane ENIs) in the control-plane subnets and the nodes in the private ones", () => {
    const stack = synthStack(sharedTestApp(AWS), "dev");
    const [[, cluster]] = resourcesOf(stack, "aws_eks_cluster") as [[string, Record<string, any>]];
    const ids = (tier: string) => subnetsByTier(stack, tier).map(([key]) => ref(`aws_subnet.${key}`, "id"));
    expect(cluster.vpc_config.subnet_ids).toEqual(ids("control-plane"));
    expect(subnetsByTier(stack, "control-plane").map(([, s]) => s.cidr_block)).toEqual(["10.0.80.0/24", "10.0.81.0/24", "10.0.82.0/24"]);
  });

  it("scales down to a /20 (private /24s, public and database /28s)", () => {
    const layout = subnetLayout("10.1.0.0/20", ["us-east-1a", "us-east-1b"]);
    expect(layout).toEqual([
      { availabilityZone: "us-east-1a", private: "10.1.0.0/24", public: "10.1.3.0/28", database: "10.1.4.0/28", controlPlane: "10.1.5.0/28" },
      { availabilityZone: "us-east-1b", private: "10.1.1.0/24", public: "10.1.3.16/28", database: "10.1.4.16/28", controlPlane: "10.1.5.16/28" },
    ]);
  });

  it("keeps the tiers apart with more than three AZs", () => {
    const layout = subnetLayout("10.0.0.0/16", ["a", "b", "c", "d", "e", "f"]);
    expect(layout.map((az) => az.private)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20", "10.0.64.0/20", "10.0.80.0/20"]);
    expect(layout[0]!.public).toBe("10.0.96.0/24");
    expect(layout[5]!.database).toBe("10.0.117.0/24");
  });

  it("refuses a VPC outside /16-/20 and repeated AZs, naming the fix", () => {
    expect(() => subnetLayout("10.0.0.0/21", AZS)).toThrow(/prefix \/21.*Fix: use a \/16/);
    expect(() => subnetLayout("10.0.0.0/15", AZS)).toThrow(/prefix \/15/);
    expect(() => subnetLayout("10.0.0.0/16", ["us-west-2a", "us-west-2a"])).toThrow(/twice/);
    expect(() => subnetLayout("10.0.0.0/16", [])).toThrow(/0 Availability Zones/);
  });
});

describe("Network (single NAT, all interface endpoints)", () => {
  const { stack, network } = synthNetwork();
  const vpc = addressOf(stack, "aws_vpc");
  const vpcId = ref(vpc, "id");

  it("creates the VPC with DNS support and hostnames", () => {
    expect(stack.text).toHaveResourceWithProperties(Vpc, { cidr_block: "10.0.0.0/16", enable_dns_hostnames: true, enable_dns_support: true });
  });

  it("puts a public, private and database subnet in each AZ with the static CIDRs", () => {
    for (const [tier, cidrs] of [["public", PUBLIC_CIDRS], ["private", PRIVATE_CIDRS], ["database", DATABASE_CIDRS]] as const) {
      const subnets = subnetsByTier(stack, tier);
      expect(subnets.map(([, s]) => [s.availability_zone, s.cidr_block])).toEqual(AZS.map((az, i) => [az, cidrs[i]]));
      for (const [, s] of subnets) expect(s).toMatchObject({ vpc_id: vpcId, map_public_ip_on_launch: false });
    }
    expect(network.privateSubnetCidrs).toEqual(PRIVATE_CIDRS);
    expect(network.publicSubnetIds).toHaveLength(3);
    expect(network.databaseSubnetIds).toHaveLength(3);
  });

  it("tags subnets for the AWS Load Balancer Controller and the cluster", () => {
    const cluster = "kubernetes.io/cluster/pipeops-test-eks";
    for (const [, s] of subnetsByTier(stack, "public")) {
      expect(s.tags).toMatchObject({ "kubernetes.io/role/elb": "1", [cluster]: "shared" });
      expect(s.tags).not.toHaveProperty("kubernetes.io/role/internal-elb");
    }
    for (const [, s] of subnetsByTier(stack, "private")) {
      expect(s.tags).toMatchObject({ "kubernetes.io/role/internal-elb": "1", [cluster]: "shared" });
      expect(s.tags).not.toHaveProperty("kubernetes.io/role/elb");
    }
    for (const [, s] of subnetsByTier(stack, "database")) {
      expect(Object.keys(s.tags as object).filter((k) => k.startsWith("kubernetes.io/"))).toEqual([]);
    }
  });

  it("routes the public tier to the internet gateway", () => {
    const publicRt = addressOf(stack, "aws_route_table", (rt) => (rt.tags as Record<string, string>).Name === "pipeops-test-public");
    const routes = resourcesOf(stack, "aws_route").filter(([, r]) => r.route_table_id === ref(publicRt, "id"));
    expect(routes.map(([, r]) => r)).toEqual([
      { route_table_id: ref(publicRt, "id"), destination_cidr_block: "0.0.0.0/0", gateway_id: ref(addressOf(stack, "aws_internet_gateway"), "id") },
    ]);
  });

  it("runs one NAT gateway, in the first AZ's public subnet, for every private route table", () => {
    const nats = resourcesOf(stack, "aws_nat_gateway");
    expect(nats).toHaveLength(1);
    expect(resourcesOf(stack, "aws_eip")).toHaveLength(1);
    const firstPublic = `aws_subnet.${subnetsByTier(stack, "public")[0]![0]}`;
    expect(nats[0]![1]).toMatchObject({ subnet_id: ref(firstPublic, "id"), allocation_id: ref(addressOf(stack, "aws_eip"), "allocation_id") });
    const natRoutes = resourcesOf(stack, "aws_route").filter(([, r]) => r.nat_gateway_id !== undefined);
    expect(natRoutes).toHaveLength(3);
    for (const [, r] of natRoutes) {
      expect(r).toMatchObject({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: ref(`aws_nat_gateway.${nats[0]![0]}`, "id") });
    }
    expect(network.natGatewayIds).toHaveLength(1);
  });

  it("gives the database tier a route table with no route out of the VPC", () => {
    const databaseRt = addressOf(stack, "aws_route_table", (rt) => (rt.tags as Record<string, string>).Name === "pipeops-test-database");
    expect(resourcesOf(stack, "aws_route").filter(([, r]) => r.route_table_id === ref(databaseRt, "id"))).toEqual([]);
    expect(resourcesOf(stack, "aws_route_table").every(([, rt]) => rt.route === undefined)).toBe(true); // no inline routes either
    const associated = resourcesOf(stack, "aws_route_table_association")
      .filter(([, a]) => a.route_table_id === ref(databaseRt, "id"))
      .map(([, a]) => a.subnet_id);
    expect(associated).toEqual(subnetsByTier(stack, "database").map(([key]) => ref(`aws_subnet.${key}`, "id")));
  });

  it("sends flow logs of ALL traffic to a KMS-encrypted log group with retention", () => {
    const logGroup = addressOf(stack, "aws_cloudwatch_log_group");
    const key = addressOf(stack, "aws_kms_key");
    expect(stack.text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/vpc-flow-logs/pipeops-test",
      retention_in_days: 90,
      kms_key_id: ref(key, "arn"),
    });
    expect(stack.text).toHaveResourceWithProperties(FlowLog, {
      vpc_id: vpcId,
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: ref(logGroup, "arn"),
      iam_role_arn: ref(addressOf(stack, "aws_iam_role"), "arn"),
    });
    expect(onlyResource(stack, "aws_kms_key")).toMatchObject({ enable_key_rotation: true });
    expect(network.flowLogGroupName).toBe("/aws/vpc-flow-logs/pipeops-test");
  });

  it("lets CloudWatch Logs use the flow-log key for that log group only", () => {
    const statements = policyStatements(stack, onlyResource(stack, "aws_kms_key").policy);
    const logs = statements.find((s) => s.sid === "CloudWatchLogsUseForTheFlowLogGroup");
    expect(logs).toMatchObject({
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      principals: [{ type: "Service", identifiers: ["logs.us-west-2.amazonaws.com"] }],
      condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn" }],
    });
    const [condition] = logs!.condition as { values: string[] }[];
    expect(condition!.values).toHaveLength(1);
    expect(condition!.values[0]).toMatch(/^arn:aws:logs:us-west-2:\$\{data\.aws_caller_identity\.[^}]+\.account_id\}:log-group:\/aws\/vpc-flow-logs\/pipeops-test$/);
  });

  it("delivers flow logs with a role trusted by the flow-logs service, writing to that log group only, and created after its policy", () => {
    const role = onlyResource(stack, "aws_iam_role");
    const [trust] = policyStatements(stack, role.assume_role_policy);
    expect(trust).toMatchObject({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }] });
    expect((trust!.condition as { variable: string }[]).map((c) => c.variable)).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
    const policy = onlyResource(stack, "aws_iam_role_policy");
    const statements = policyStatements(stack, policy.policy);
    const logGroupArn = ref(addressOf(stack, "aws_cloudwatch_log_group"), "arn");
    expect(statements).toEqual([
      expect.objectContaining({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [logGroupArn, `${logGroupArn}:*`],
      }),
      // The delivery service looks its destination up; DescribeLogGroups has no resource-level scope.
      expect.objectContaining({ actions: ["logs:DescribeLogGroups"], resources: ["*"] }),
    ]);
    expect(statements.filter((statement) => JSON.stringify(statement.resources).includes('"*"')).map((statement) => statement.actions)).toEqual([["logs:DescribeLogGroups"]]);
    // Created before its role may write, a flow log stays in "access error".
    expect(onlyResource(stack, "aws_flow_log").depends_on).toEqual([addressOf(stack, "aws_iam_role_policy")]);
  });

  it("checks at plan time that every configured AZ is available to the account and not an excluded zone ID", () => {
    const [lookup] = Object.values(stack.json.data?.aws_availability_zones ?? {}) as Record<string, unknown>[];
    expect(lookup).toMatchObject({ state: "available" });
    const [check] = (onlyResource(stack, "aws_vpc").lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition;
    expect(check!.condition).toMatch(/^\$\{length\(setsubtract\(\["us-west-2a","us-west-2b","us-west-2c"\], data\.aws_availability_zones\.[\w-]+\.names\)\) == 0\}$/);
    expect(check!.error_message).toContain("Fix: choose Availability Zones among");
  });

  it("strips every rule from the default security group", () => {
    const sg = onlyResource(stack, "aws_default_security_group");
    expect(sg.vpc_id).toBe(vpcId);
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  it("groups the database subnets for RDS", () => {
    expect(onlyResource(stack, "aws_db_subnet_group")).toMatchObject({
      name: "pipeops-test-database",
      subnet_ids: subnetsByTier(stack, "database").map(([key]) => ref(`aws_subnet.${key}`, "id")),
    });
  });

  it("admits only PostgreSQL from the private subnets into the database subnets (network ACL)", () => {
    const NO_ICMP_OR_IPV6 = { icmp_code: null, icmp_type: null, ipv6_cidr_block: null };
    const acl = onlyResource(stack, "aws_network_acl");
    expect(acl.subnet_ids).toEqual(subnetsByTier(stack, "database").map(([key]) => ref(`aws_subnet.${key}`, "id")));
    expect(acl.ingress).toEqual(
      PRIVATE_CIDRS.map((cidr, i) => ({ rule_no: 100 + i, action: "allow", protocol: "tcp", cidr_block: cidr, from_port: 5432, to_port: 5432, ...NO_ICMP_OR_IPV6 })),
    );
    expect(acl.egress).toEqual(
      PRIVATE_CIDRS.map((cidr, i) => ({ rule_no: 100 + i, action: "allow", protocol: "tcp", cidr_block: cidr, from_port: 1024, to_port: 65535, ...NO_ICMP_OR_IPV6 })),
    );
    expect(resourcesOf(stack, "aws_network_acl_rule")).toEqual([]);
  });

  it("reaches S3 through a gateway endpoint on the private and database route tables", () => {
    const tables = resourcesOf(stack, "aws_route_table")
      .filter(([, rt]) => !(rt.tags as Record<string, string>).Name!.endsWith("-public"))
      .map(([key]) => ref(`aws_route_table.${key}`, "id"));
    expect(tables).toHaveLength(4);
    expect(stack.text).toHaveResourceWithProperties(VpcEndpoint, { service_name: "com.amazonaws.us-west-2.s3", vpc_endpoint_type: "Gateway" });
    const s3 = resourcesOf(stack, "aws_vpc_endpoint").find(([, e]) => e.vpc_endpoint_type === "Gateway")![1];
    expect([...(s3.route_table_ids as string[])].sort()).toEqual([...tables].sort());
  });

  it("creates the interface endpoints in the private subnets with private DNS, behind an HTTPS-from-VPC security group", () => {
    const sg = addressOf(stack, "aws_security_group", (s) => s.name === "pipeops-test-vpc-endpoints");
    const privateIds = subnetsByTier(stack, "private").map(([key]) => ref(`aws_subnet.${key}`, "id"));
    const interfaces = resourcesOf(stack, "aws_vpc_endpoint").filter(([, e]) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.map(([, e]) => e.service_name).sort()).toEqual(
      ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts"].map((s) => `com.amazonaws.us-west-2.${s}`),
    );
    for (const [, e] of interfaces) {
      expect(e).toMatchObject({ private_dns_enabled: true, subnet_ids: privateIds, security_group_ids: [ref(sg, "id")] });
    }
    expect(resourcesOf(stack, "aws_vpc_security_group_ingress_rule").map(([, r]) => r)).toEqual([
      expect.objectContaining({ security_group_id: ref(sg, "id"), ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" }),
    ]);
    expect(resourcesOf(stack, "aws_vpc_security_group_egress_rule")).toEqual([]);
    expect(onlyResource(stack, "aws_security_group").ingress).toBeUndefined();
  });
});

describe("Network (NAT per AZ, no interface endpoints)", () => {
  const { stack, network } = synthNetwork({ natGateways: "one-per-az", interfaceEndpoints: [] });

  it("runs a NAT gateway with its own Elastic IP in every AZ, each private route table using its AZ's", () => {
    const nats = resourcesOf(stack, "aws_nat_gateway");
    expect(nats).toHaveLength(3);
    expect(resourcesOf(stack, "aws_eip")).toHaveLength(3);
    for (const [, eip] of resourcesOf(stack, "aws_eip")) expect(eip.domain).toBe("vpc");
    const publicIds = subnetsByTier(stack, "public").map(([key]) => ref(`aws_subnet.${key}`, "id"));
    expect(nats.map(([, n]) => n.subnet_id)).toEqual(publicIds);
    AZS.forEach((az, i) => {
      const rt = addressOf(stack, "aws_route_table", (t) => (t.tags as Record<string, string>).Name === `pipeops-test-private-${az}`);
      const [route] = resourcesOf(stack, "aws_route").filter(([, r]) => r.route_table_id === ref(rt, "id"));
      expect(route![1].nat_gateway_id).toBe(ref(`aws_nat_gateway.${nats[i]![0]}`, "id"));
    });
    expect(network.natGatewayIds).toHaveLength(3);
  });

  it("creates no interface endpoint when none is asked for", () => {
    expect(resourcesOf(stack, "aws_vpc_endpoint").map(([, e]) => e.vpc_endpoint_type)).toEqual(["Gateway"]);
    expect(network.interfaceEndpointIds).toEqual({});
  });
});
