import { Construct } from "constructs";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { NetworkAcl, type NetworkAclEgress, type NetworkAclIngress } from "@cdktf/provider-aws/lib/network-acl";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { subnetLayout, type AzSubnets } from "./subnet-layout";
import { VpcFlowLogs } from "./flow-logs";

import { INTERFACE_ENDPOINT_SERVICES, type InterfaceEndpointService } from "./endpoints";

export { INTERFACE_ENDPOINT_SERVICES, type InterfaceEndpointService };

/** Client ports the database's replies go back to (Linux and AWS NAT ephemeral range). */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

export interface NetworkProps {
  /** Prefix of every resource name, e.g. `pipeops-dev`. */
  readonly name: string;
  /** IPv4 range of the VPC, /16 to /20, e.g. `10.0.0.0/16`. Subnets are carved from it statically. */
  readonly vpcCidr: string;
  /** AZs to spread over, in order; one public, private and database subnet in each. */
  readonly availabilityZones: readonly string[];
  /** `single`: one NAT gateway in the first AZ shared by all; `one-per-az`: each AZ egresses through its own. */
  readonly natGateways: "single" | "one-per-az";
  /** AWS services reached through interface endpoints in the private subnets, with private DNS. */
  readonly interfaceEndpoints: readonly InterfaceEndpointService[];
  /** Days the VPC flow log group keeps events (a CloudWatch Logs retention value). */
  readonly flowLogRetentionDays: number;
  /** EKS cluster that shares these subnets: tags them `kubernetes.io/cluster/<name>=shared`. */
  readonly clusterName: string;
  /** Region of the VPC (endpoint service names, the flow-log key policy). */
  readonly region: string;
  /** The database's port: the only one the database subnets' network ACL admits from the private subnets. */
  readonly databasePort: number;
  /**
   * Zone IDs no subnet may use (EKS refuses some). AZ names map to different zone IDs in each
   * account, so the plan checks the given names against the account's own mapping and stops
   * before anything is created.
   * @default []
   */
  readonly excludedZoneIds?: readonly string[];
}

/**
 * A three-tier VPC in the spirit of terraform-aws-modules/vpc: public subnets behind an internet
 * gateway, private subnets egressing through NAT, isolated database subnets (no internet route,
 * a network ACL admitting PostgreSQL from the private subnets only), KMS-encrypted flow logs of
 * all traffic, the default security group stripped of every rule, an S3 gateway endpoint and
 * interface endpoints for the AWS APIs private workloads call.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  /** The static subnet plan, one entry per AZ in the order given. */
  readonly layout: AzSubnets[];
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly databaseSubnets: Subnet[];
  /** The EKS cluster's subnets: its control-plane ENIs and nothing else (no node is placed here). */
  readonly controlPlaneSubnets: Subnet[];
  readonly controlPlaneSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];
  readonly publicSubnetCidrs: string[];
  readonly privateSubnetCidrs: string[];
  readonly databaseSubnetCidrs: string[];
  readonly databaseSubnetGroupName: string;
  readonly internetGatewayId: string;
  readonly natGatewayIds: string[];
  readonly natPublicIps: string[];
  readonly publicRouteTableId: string;
  /** One per AZ, in AZ order. */
  readonly privateRouteTableIds: string[];
  readonly databaseRouteTableId: string;
  readonly databaseNetworkAclId: string;
  readonly defaultSecurityGroupId: string;
  readonly s3GatewayEndpointId: string;
  readonly interfaceEndpointIds: Partial<Record<InterfaceEndpointService, string>>;
  readonly interfaceEndpointSecurityGroupId: string;
  readonly flowLogId: string;
  readonly flowLogGroupName: string;
  readonly flowLogGroupArn: string;
  readonly flowLogKmsKeyArn: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { name } = props;
    this.layout = subnetLayout(props.vpcCidr, props.availabilityZones);
    this.availabilityZones = [...props.availabilityZones];
    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: "shared" };

    // Zones of this account that are available and usable: the configured names must be among them.
    const usable = new DataAwsAvailabilityZones(this, "usable-zones", {
      state: "available",
      excludeZoneIds: [...(props.excludedZoneIds ?? [])],
    });
    const usableNames = `data.aws_availability_zones.${usable.friendlyUniqueId}.names`;
    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: name },
      lifecycle: {
        precondition: [
          {
            condition: `\${length(setsubtract(${JSON.stringify(props.availabilityZones)}, ${usableNames})) == 0}`,
            errorMessage:
              `\${format("Availability Zones %s are not available in this account or map to a zone ID that is excluded (${(props.excludedZoneIds ?? []).join(", ") || "none"}). ` +
              `Fix: choose Availability Zones among %s.", join(", ", setsubtract(${JSON.stringify(props.availabilityZones)}, ${usableNames})), join(", ", ${usableNames}))}`,
          },
        ],
      },
    });
    const vpcId = this.vpc.id;
    this.vpcId = vpcId;
    this.vpcCidr = props.vpcCidr;

    // Adopting the default security group removes all its rules: nothing can use it by accident.
    const defaultSg = new DefaultSecurityGroup(this, "default-security-group", { vpcId, tags: { Name: `${name}-default` } });
    this.defaultSecurityGroupId = defaultSg.id;

    const subnet = (tier: "public" | "private" | "database" | "controlPlane", az: AzSubnets, i: number, tags: Record<string, string>, label: string = tier) =>
      new Subnet(this, `${label}-subnet-${i}`, {
        vpcId,
        cidrBlock: az[tier],
        availabilityZone: az.availabilityZone,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-${label}-${az.availabilityZone}`, Tier: label, ...tags },
      });
    this.publicSubnets = this.layout.map((az, i) => subnet("public", az, i, { "kubernetes.io/role/elb": "1", ...clusterTag }));
    this.privateSubnets = this.layout.map((az, i) => subnet("private", az, i, { "kubernetes.io/role/internal-elb": "1", ...clusterTag }));
    this.databaseSubnets = this.layout.map((az, i) => subnet("database", az, i, {}));
    this.controlPlaneSubnets = this.layout.map((az, i) => subnet("controlPlane", az, i, {}, "control-plane"));
    this.controlPlaneSubnetIds = this.controlPlaneSubnets.map((s) => s.id);
    this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.id);
    this.databaseSubnetIds = this.databaseSubnets.map((s) => s.id);
    this.publicSubnetCidrs = this.layout.map((az) => az.public);
    this.privateSubnetCidrs = this.layout.map((az) => az.private);
    this.databaseSubnetCidrs = this.layout.map((az) => az.database);

    // Public tier: one route table, default route to the internet gateway.
    const igw = new InternetGateway(this, "internet-gateway", { vpcId, tags: { Name: name } });
    this.internetGatewayId = igw.id;
    const publicRt = new RouteTable(this, "public-route-table", { vpcId, tags: { Name: `${name}-public` } });
    this.publicRouteTableId = publicRt.id;
    new Route(this, "public-internet-route", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    this.publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-route-table-association-${i}`, { subnetId: s.id, routeTableId: publicRt.id }));

    // NAT: one in the first AZ, or one per AZ, each with its own Elastic IP.
    const natCount = props.natGateways === "single" ? 1 : this.layout.length;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const az = this.layout[i]!.availabilityZone;
      const eip = new Eip(this, `nat-eip-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${az}` }, dependsOn: [igw] });
      const nat = new NatGateway(this, `nat-gateway-${i}`, {
        allocationId: eip.allocationId,
        subnetId: this.publicSubnets[i]!.id,
        tags: { Name: `${name}-${az}` },
        dependsOn: [igw],
      });
      return { eip, nat };
    });
    this.natGatewayIds = nats.map((n) => n.nat.id);
    this.natPublicIps = nats.map((n) => n.eip.publicIp);

    // Private tier: a route table per AZ (switching NAT modes never re-associates subnets).
    const privateRts = this.layout.map((az, i) => {
      const rt = new RouteTable(this, `private-route-table-${i}`, { vpcId, tags: { Name: `${name}-private-${az.availabilityZone}` } });
      const nat = nats[props.natGateways === "single" ? 0 : i]!.nat;
      new Route(this, `private-nat-route-${i}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      new RouteTableAssociation(this, `private-route-table-association-${i}`, { subnetId: this.privateSubnets[i]!.id, routeTableId: rt.id });
      new RouteTableAssociation(this, `control-plane-route-table-association-${i}`, { subnetId: this.controlPlaneSubnets[i]!.id, routeTableId: rt.id });
      return rt;
    });
    this.privateRouteTableIds = privateRts.map((rt) => rt.id);

    // Database tier: local routes only (plus the S3 gateway endpoint below); no path to the internet.
    const databaseRt = new RouteTable(this, "database-route-table", { vpcId, tags: { Name: `${name}-database` } });
    this.databaseRouteTableId = databaseRt.id;
    this.databaseSubnets.forEach((s, i) => new RouteTableAssociation(this, `database-route-table-association-${i}`, { subnetId: s.id, routeTableId: databaseRt.id }));

    const dbSubnetGroup = new DbSubnetGroup(this, "database-subnet-group", {
      name: `${name}-database`.toLowerCase(),
      description: `Database subnets of ${name}`,
      subnetIds: this.databaseSubnetIds,
      tags: { Name: `${name}-database` },
    });
    this.databaseSubnetGroupName = dbSubnetGroup.name;

    // Network ACLs are stateless: admit PostgreSQL from each private subnet and let the replies
    // (to the clients' ephemeral ports) back out to the same ranges. Everything else is denied.
    const ingress: NetworkAclIngress[] = this.privateSubnetCidrs.map((cidrBlock, i) => ({
      ruleNo: 100 + i,
      action: "allow",
      protocol: "tcp",
      cidrBlock,
      fromPort: props.databasePort,
      toPort: props.databasePort,
    }));
    const egress: NetworkAclEgress[] = this.privateSubnetCidrs.map((cidrBlock, i) => ({
      ruleNo: 100 + i,
      action: "allow",
      protocol: "tcp",
      cidrBlock,
      fromPort: EPHEMERAL_PORTS.from,
      toPort: EPHEMERAL_PORTS.to,
    }));
    const databaseAcl = new NetworkAcl(this, "database-network-acl", {
      vpcId,
      subnetIds: this.databaseSubnetIds,
      ingress,
      egress,
      tags: { Name: `${name}-database` },
    });
    this.databaseNetworkAclId = databaseAcl.id;

    // S3 without NAT (image layers, backups) from the private and database tiers.
    const s3 = new VpcEndpoint(this, "s3-gateway-endpoint", {
      vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...this.privateRouteTableIds, databaseRt.id],
      tags: { Name: `${name}-s3` },
    });
    this.s3GatewayEndpointId = s3.id;

    // Interface endpoints: HTTPS from inside the VPC only.
    const endpointSg = new SecurityGroup(this, "interface-endpoints-security-group", {
      name: `${name}-vpc-endpoints`,
      description: `HTTPS from ${props.vpcCidr} to the interface endpoints of ${name}`,
      vpcId,
      tags: { Name: `${name}-vpc-endpoints` },
    });
    this.interfaceEndpointSecurityGroupId = endpointSg.id;
    new VpcSecurityGroupIngressRule(this, "interface-endpoints-https-from-vpc", {
      securityGroupId: endpointSg.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    const interfaceEndpointIds: Partial<Record<InterfaceEndpointService, string>> = {};
    for (const service of new Set(props.interfaceEndpoints)) {
      const endpoint = new VpcEndpoint(this, `${service.replace(/\./g, "-")}-endpoint`, {
        vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: `${name}-${service}` },
      });
      interfaceEndpointIds[service] = endpoint.id;
    }
    this.interfaceEndpointIds = interfaceEndpointIds;

    const flowLogs = new VpcFlowLogs(this, "flow-logs", { name, vpcId, region: props.region, retentionDays: props.flowLogRetentionDays });
    this.flowLogId = flowLogs.flowLog.id;
    this.flowLogGroupName = flowLogs.logGroupName;
    this.flowLogGroupArn = flowLogs.logGroup.arn;
    this.flowLogKmsKeyArn = flowLogs.key.arn;
  }
}
