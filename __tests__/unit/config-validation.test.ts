import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../../src/app";
import { ConfigError, validateEnvironments } from "../../src/config/validate";
import { TIER_SETTINGS } from "../../src/config/schema";
import { instanceTypeCatalog } from "../../src/config/instance-types";
import { KNOWN_REGIONS } from "../../src/config/regions";
import { environmentReference, withReference } from "../../src/config/reference";
import { readFileSync } from "node:fs";
import { INTERFACE_ENDPOINT_SERVICES } from "../../modules/network/endpoints";
import type { EnvironmentInput } from "../../src/config/types";
import { dev, prod, staging } from "../../environments";
import { dr } from "../../dr/config";
import { AWS, tempDir } from "../support/synth";
import { expectRefused, synthWith, withDev } from "../support/config";

describe("environment config validation", () => {
  it("documents every field in environments/README.md exactly as the schema describes it (npm run docs:environments)", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "environments", "README.md"), "utf8");
    expect(readme).toBe(withReference(readme));
    const table = environmentReference();
    for (const field of ["`tier`", "`network.availabilityZones`", "`eks.nodeGroups[].maxSize`", "`database.backupWindow`", "`replication`"]) expect(table).toContain(field);
    expect(table).toContain('| `database.backupWindow` | Daily backup window (UTC). | `"03:00-04:00"` | string |');
  });

  it("accepts the shipped environments", () => {
    // Writing every stack is proven once, with the guardrails, in guardrails-app.test.ts.
    expect(validateEnvironments([dev, staging, prod], () => []).map((env) => env.name)).toEqual(["dev", "staging", "prod"]);
  });

  it("fills what an environment file leaves out from its tier, and lets the file override it", () => {
    const [devConfig, prodConfig] = validateEnvironments([dev, prod], () => []);
    expect(devConfig!.stateBackend).toMatchObject({ protectFromDestroy: TIER_SETTINGS.development.protectFromDestroy, noncurrentVersionRetentionDays: 30, bootstrapStateInBucket: false });
    expect(prodConfig!.stateBackend).toMatchObject({ protectFromDestroy: true, noncurrentVersionRetentionDays: 365 });
    for (const [config, tier] of [[devConfig!, "development"], [prodConfig!, "production"]] as const) {
      const retention = TIER_SETTINGS[tier].logRetentionDays;
      expect([config.network.flowLogRetentionDays, config.eks.logRetentionDays, config.database.logRetentionDays]).toEqual([retention, retention, retention]);
      expect(config.database.deletionProtection).toBe(TIER_SETTINGS[tier].databaseDeletionProtection);
      expect(config.network.interfaceEndpoints).toEqual([...INTERFACE_ENDPOINT_SERVICES]);
    }
    const [overridden] = validateEnvironments([{ ...dev, eks: { ...dev.eks, logRetentionDays: 7 } }], () => []);
    expect(overridden!.eks.logRetentionDays).toBe(7);
    // The tier's rules still hold for what the defaults fill in: production may not turn deletion protection off.
    expectRefused([dev, staging, { ...prod, database: { ...prod.database, deletionProtection: false } }], /prod: database\.deletionProtection: false: a production database must have deletion protection/);
  });

  it("refuses a cluster-admin principal of another account (EKS refuses it, and the lookup would miss it)", () => {
    expectRefused(
      withDev((e) => ({ ...e, eks: { ...e.eks, adminPrincipalArns: ["arn:aws:iam::999999999999:role/platform-admin"] } })),
      /dev: eks\.adminPrincipalArns\[0\]: arn:aws:iam::999999999999:role\/platform-admin is in account 999999999999, not this environment's account 111111111111\. Fix: use a role or user of account 111111111111/,
    );
  });

  it("looks every cluster principal up by name in the environment's account: admins with the CI deploy role, the CI plan role as viewer", () => {
    const sso = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123";
    const built = buildApp({ environments: withDev((e) => ({ ...e, eks: { ...e.eks, adminPrincipalArns: [sso, "arn:aws:iam::111111111111:user/alice"] } })), target: AWS, localStateDir: "/project/state", outdir: tempDir("admins") });
    const json = JSON.parse(Testing.synth(built.app.node.findChild("dev") as TerraformStack)) as { data: Record<string, Record<string, Record<string, unknown>>>; resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.values(json.data.aws_iam_role!).map((r) => r.name).sort()).toEqual(["AWSReservedSSO_Admin_0123", "pipeops-dev-github-deploy", "pipeops-dev-github-plan"]);
    expect(Object.values(json.data.aws_iam_user!).map((u) => u.user_name)).toEqual(["alice"]);
    // Four admins, the viewer, and Auto Mode's nodes (their role is made in the same stack).
    expect(Object.values(json.resource.aws_eks_access_entry!)).toHaveLength(6);
    const policies = Object.values(json.resource.aws_eks_access_policy_association!).map((a) => String(a.policy_arn).split("/").pop());
    expect(policies.sort()).toEqual([...Array(4).fill("AmazonEKSClusterAdminPolicy"), "AmazonEKSAdminViewPolicy", "AmazonEKSAutoNodePolicy"].sort());
    expect(JSON.stringify(json.resource.aws_eks_access_entry)).not.toMatch(/arn:aws:iam::/);
  });

  it("refuses an unknown or misspelt field, naming it and the field it should be, with nothing written", () => {
    expectRefused(
      withDev((e) => ({ ...e, database: { ...e.database, backupRetentionDay: 40 } }) as EnvironmentInput),
      /dev: database\.backupRetentionDay: unknown field "backupRetentionDay": it would be ignored\. Fix: rename it to backupRetentionDays\./,
    );
    expectRefused(
      [dev, staging, { ...structuredClone(prod), database: { ...prod.database, backupReplicationRegon: "us-east-1" } } as EnvironmentInput],
      /prod: database\.backupReplicationRegon: unknown field .*Fix: rename it to backupReplicationRegion\./,
    );
    expectRefused(
      withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [{ ...e.eks.nodeGroups[0]!, minSzie: 1 } as never] } }) as EnvironmentInput),
      /dev: eks\.nodeGroups\[0\]\.minSzie: unknown field .*Fix: rename it to minSize\./,
    );
    expectRefused(withDev((e) => ({ ...e, colour: "blue" }) as EnvironmentInput), /dev: colour: unknown field "colour".*Fix: remove it; the fields here are name, project, tier/);
  });

  it("refuses RDS windows that are not clock times, shorter than 30 minutes, or overlapping", () => {
    const withWindows = (database: Partial<EnvironmentInput["database"]>) => withDev((e) => ({ ...e, database: { ...e.database, ...database } }));
    expectRefused(withWindows({ backupWindow: "25:00-26:00" }), /dev: database\.backupWindow: "25:00-26:00" is not a time range of one day/);
    expectRefused(withWindows({ backupWindow: "03:00-03:10" }), /dev: database\.backupWindow: "03:00-03:10" lasts 10 minutes; RDS needs at least 30/);
    expectRefused(withWindows({ maintenanceWindow: "sun:04:30-sun:04:40" }), /database\.maintenanceWindow: "sun:04:30-sun:04:40" lasts 10 minutes/);
    expectRefused(withWindows({ backupWindow: "04:00-05:00", maintenanceWindow: "sun:04:30-sun:05:30" }), /dev: database\.maintenanceWindow: "sun:04:30-sun:05:30" overlaps the daily backup window "04:00-05:00"/);
    // Across midnight (and Sunday into Monday) too.
    expectRefused(withWindows({ backupWindow: "23:30-00:30", maintenanceWindow: "mon:00:00-mon:01:00" }), /overlaps the daily backup window "23:30-00:30"/);
    expect(validateEnvironments(withWindows({ backupWindow: "03:00-04:00", maintenanceWindow: "sun:23:45-mon:00:30" }), () => [])[0]!.database.maintenanceWindow).toBe("sun:23:45-mon:00:30");
  });

  it("refuses turning off prod's state-backend protection without a recorded, unexpired decision", () => {
    const withProdState = (stateBackend: Record<string, unknown>) => [dev, staging, { ...structuredClone(prod), stateBackend: { ...prod.stateBackend, ...stateBackend } } as EnvironmentInput];
    expectRefused(withProdState({ protectFromDestroy: false }), /prod: stateBackend\.protectFromDestroy: false would let a destroy delete the production state bucket.*Fix: remove protectFromDestroy: false, or record the decision/);
    const decision = { approvedBy: "ops-lead", reason: "Migrating the state bucket to a new account this week.", expires: "2000-01-31" };
    expectRefused(withProdState({ protectFromDestroy: false, protectionOverride: decision }), /prod: stateBackend\.protectionOverride\.expires: 2000-01-31 has passed/);
    expectRefused(withProdState({ protectionOverride: { ...decision, expires: "2999-01-31" } }), /prod: stateBackend\.protectionOverride: .*is recorded but protectFromDestroy is on/);
    const accepted = validateEnvironments(withProdState({ protectFromDestroy: false, protectionOverride: { ...decision, expires: "2999-01-31" } }), () => []);
    expect(accepted[2]!.stateBackend.protectFromDestroy).toBe(false);
    // dev may switch it off freely.
    expect(validateEnvironments([{ ...dev, stateBackend: { ...dev.stateBackend, protectFromDestroy: false } }], () => [])[0]!.stateBackend.protectFromDestroy).toBe(false);
  });

  it("refuses an RDS class of unknown memory and a node group mixing CPU architectures as config errors, not stack traces", () => {
    expectRefused(withDev((e) => ({ ...e, database: { ...e.database, instanceClass: "db.t3.banana" } })), /dev: database\.instanceClass: db\.t3\.banana is not a DB instance class RDS offers for PostgreSQL \(db\.t3 sizes for PostgreSQL: 2xlarge, large, medium, micro, small, xlarge\).*Fix: use an offered class/);
    // Offered for PostgreSQL, but of a memory the connections alarm does not know.
    expectRefused(withDev((e) => ({ ...e, database: { ...e.database, instanceClass: "db.x2g.large" } })), /dev: database\.instanceClass: db\.x2g\.large is not an RDS class this project knows the memory of.*Fix: pick one of those classes/);
    expectRefused(
      withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [{ ...e.eks.nodeGroups[0]!, instanceTypes: ["t4g.medium", "m5.large"] }] } })),
      /dev: eks\.nodeGroups\[0\]\.instanceTypes: \["t4g\.medium","m5\.large"\] mix Graviton \(arm64: t4g\.medium\) and x86_64 types.*Fix: use one architecture per node group/,
    );
  });

  it("refuses node instance types the environment's region does not offer (the recorded per-region list)", () => {
    const withTypes = (...instanceTypes: string[]) => withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [{ ...e.eks.nodeGroups[0]!, instanceTypes }] } }));
    expectRefused(withTypes("t3.banana"), /dev: eks\.nodeGroups\[0\]\.instanceTypes\[0\]: t3\.banana is not an EC2 instance type offered in us-west-2 \(t3 sizes offered in us-west-2: 2xlarge, large, medium, micro, nano, small, xlarge\).*Fix: use a type us-west-2 offers/);
    // Offered in us-east-1 only (a real type, the wrong region).
    expectRefused(withTypes("t3.medium", "hpc7g.4xlarge"), /dev: eks\.nodeGroups\[0\]\.instanceTypes\[1\]: hpc7g\.4xlarge is not an EC2 instance type offered in us-west-2 \(us-west-2 offers no hpc7g family\)/);
    expect(() => validateEnvironments(withTypes("m6i.large", "m5.large"), () => [])).not.toThrow();
    // The list covers every region the config accepts, and says where it comes from.
    expect(Object.keys(instanceTypeCatalog().regions).sort()).toEqual([...KNOWN_REGIONS].sort());
    expect(instanceTypeCatalog().source).toMatch(/DescribeInstanceTypeOfferings/);
  });

  it("refuses a single NAT gateway in production and DR (one AZ's loss would cut all egress)", () => {
    expectRefused([dev, staging, { ...structuredClone(prod), network: { ...prod.network, natGateways: "single" } }], /prod: network\.natGateways: "single": a production or DR VPC needs a NAT gateway in every AZ.*Fix: set network\.natGateways to "one-per-az"/);
    expect(validateEnvironments([{ ...dev, network: { ...dev.network, natGateways: "single" } }], () => [])[0]!.network.natGateways).toBe("single");
  });

  it("keeps prod's and DR's core protected from destroy, and lets dev opt in", () => {
    expectRefused([dev, staging, { ...structuredClone(prod), protectCoreFromDestroy: false }], /prod: protectCoreFromDestroy: false would let a destroy delete the production database.*Fix: remove protectCoreFromDestroy: false/);
    expect(validateEnvironments([{ ...dev, protectCoreFromDestroy: true }], () => [])[0]!.protectCoreFromDestroy).toBe(true);
    expect(validateEnvironments([dev], () => [])[0]!.protectCoreFromDestroy).toBe(false);
  });

  it("reports a bad prod config once, without follow-on errors in DR, which replicates it", () => {
    const badProd = { ...structuredClone(prod), database: { ...prod.database, backupRetentionDays: 0 } };
    const { error } = synthWith([dev, staging, badProd, dr]);
    expect((error as ConfigError).issues.map((i) => `${i.environment}: ${i.path}`)).toEqual(["prod: database.backupRetentionDays"]);
  });

  it("refuses public API ranges that together cover the whole internet, like 0.0.0.0/0", () => {
    expectRefused(
      withDev((e) => ({ ...e, eks: { ...e.eks, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } })),
      /dev: eks\.publicAccessCidrs: \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\] together cover every IPv4 address/,
    );
  });

  it("on AWS, refuses public API ranges no VPN or runner can come from (documentation, private-use, other special-purpose), naming the field", () => {
    const withApiRanges = (publicAccessCidrs: string[]) => withDev((e) => ({ ...e, eks: { ...e.eks, publicAccessCidrs } }));
    expectRefused(withApiRanges(["203.0.113.0/24"]), /dev: eks\.publicAccessCidrs\[0\]: 203\.0\.113\.0\/24 overlaps the documentation, TEST-NET-3 \(RFC 5737\) range/);
    expectRefused(withApiRanges(["52.94.76.0/22", "10.20.0.0/16"]), /dev: eks\.publicAccessCidrs\[1\]: 10\.20\.0\.0\/16 overlaps the private-use \(RFC 1918\) range/);
    expectRefused(withApiRanges(["198.51.100.7/32"]), /TEST-NET-2 \(RFC 5737\).*Fix: list your VPN's or runners' public egress ranges/);
    expectRefused(withApiRanges(["100.64.0.0/16"]), /shared address space \(RFC 6598\)/);
    // A public range passes; the local target (the emulator) accepts any.
    expect(validateEnvironments(withApiRanges(["52.94.76.0/22"]), () => [])[0]!.eks.publicAccessCidrs).toEqual(["52.94.76.0/22"]);
    expect(validateEnvironments(withApiRanges(["203.0.113.0/24"]), () => [], { kind: "local" })[0]!.eks.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });

  it("refuses a malformed VPC CIDR", () => {
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, vpcCidr: "10.0.0.0/33" } })), /dev: network\.vpcCidr: "10\.0\.0\.0\/33" is not a valid IPv4 CIDR block/);
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, vpcCidr: "10.0.0.1/16" } })), /network\.vpcCidr: "10\.0\.0\.1\/16" is not a valid IPv4 CIDR/);
  });

  it("refuses a public (non-RFC 1918) VPC range and one too small for the subnet layout", () => {
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, vpcCidr: "8.8.0.0/16" } })), /network\.vpcCidr: 8\.8\.0\.0\/16 is not inside an RFC 1918 private range/);
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, vpcCidr: "10.0.0.0/24" } })), /network\.vpcCidr: 10\.0\.0\.0\/24 has prefix \/24/);
  });

  it("refuses overlapping CIDRs between environments that must stay disjoint", () => {
    const peered = { ...structuredClone(staging), network: { ...staging.network, vpcCidr: "10.0.128.0/17", mustNotOverlapWith: ["prod"] } };
    expectRefused([dev, peered, prod], /staging: network\.vpcCidr: 10\.0\.128\.0\/17 overlaps prod's VPC 10\.0\.0\.0\/16, and the two must stay disjoint\. Fix: pick a range outside 10\.0\.0\.0\/16/);
  });

  it("refuses a disjointness rule naming an environment that does not exist", () => {
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, mustNotOverlapWith: ["qa"] } })), /network\.mustNotOverlapWith\[0\]: names environment "qa", which is not configured/);
  });

  it("refuses min > desired and desired > max nodes", () => {
    const group = dev.eks.nodeGroups[0]!;
    // desiredSize exists on managed node groups only (Auto Mode refuses it: config-rules.test.ts).
    const managed = (sizes: { minSize: number; desiredSize: number; maxSize: number }) =>
      withDev((e) => ({ ...e, eks: { ...e.eks, computeMode: "managed-node-groups", nodeGroups: [{ ...group, capacityType: "ON_DEMAND", ...sizes }] }, platform: { ...e.platform, loadBalancerController: { enabled: true } } }));
    expectRefused(managed({ minSize: 3, desiredSize: 2, maxSize: 4 }), /eks\.nodeGroups\[0\]\.minSize: minSize 3 is greater than desiredSize 2 in node group "general"\. Fix: make minSize <= desiredSize <= maxSize/);
    expectRefused(managed({ minSize: 2, desiredSize: 5, maxSize: 4 }), /eks\.nodeGroups\[0\]\.desiredSize: desiredSize 5 is greater than maxSize 4/);
 
    // Auto Mode has no desired size: the bounds alone.
    expectRefused(withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [{ ...group, minSize: 5, maxSize: 4 }] } })), /eks\.nodeGroups\[0\]\.minSize: minSize 5 is greater than maxSize 4 in node group "general"\. Fix: make minSize <= maxSize\./);
  });

  it("refuses instance types EKS Auto Mode does not start (1 vCPU, nano, micro, small), and accepts them on managed node groups", () => {
    const group = dev.eks.nodeGroups[0]!;
    const small = (computeMode?: "managed-node-groups") => withDev((e) => ({ ...e, eks: { ...e.eks, ...(computeMode ? { computeMode } : {}), nodeGroups: [{ ...group, instanceTypes: ["t3.small"] }] }, platform: { ...e.platform, applicationNamespaces: [] } }));
    expectRefused(small(), /dev: eks\.nodeGroups\[0\]\.instanceTypes\[0\]: t3\.small is too small for EKS Auto Mode.*Fix: use a medium or larger type/);
    expect(() => buildApp({ environments: small("managed-node-groups"), target: AWS, localStateDir: "/project/state", outdir: tempDir("small") })).not.toThrow();
  });

  it("refuses an environment without capacity", () => {
    expectRefused(withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [] } })), /dev: eks\.nodeGroups: auto-mode mode has no capacity: no node groups are listed\. Fix: add one/);
  });

  it("refuses fewer AZs than the tier needs", () => {
    const twoAzProd = { ...structuredClone(prod), network: { ...prod.network, availabilityZones: ["us-west-2a", "us-west-2b"] }, database: { ...prod.database, readReplicas: 1 } };
    expectRefused([dev, staging, twoAzProd], /prod: network\.availabilityZones: 2 AZ\(s\) \["us-west-2a","us-west-2b"\], but the production tier needs at least 3/);
  });

  it("refuses AZs that are not in the region", () => {
    expectRefused(withDev((e) => ({ ...e, network: { ...e.network, availabilityZones: ["us-west-2a", "us-east-1b", "us-west-2c"] } })), /network\.availabilityZones\[1\]: "us-east-1b" is not an Availability Zone of us-west-2/);
  });

  it("refuses an unknown region", () => {
    expectRefused(withDev((e) => ({ ...e, region: "us-west-9" })), /dev: region: unknown AWS region "us-west-9"\. Fix: use one of us-east-1/);
  });

  it("refuses backup retention out of range", () => {
    expectRefused(withDev((e) => ({ ...e, database: { ...e.database, backupRetentionDays: 0 } })), /database\.backupRetentionDays: 0: turning backups off/);
    expectRefused(withDev((e) => ({ ...e, database: { ...e.database, backupRetentionDays: 40 } })), /database\.backupRetentionDays: 40: RDS keeps automated backups for at most 35 days/);
    expectRefused([dev, staging, { ...structuredClone(prod), database: { ...prod.database, backupRetentionDays: 3 } }], /prod: database\.backupRetentionDays: 3 day\(s\) is too short for production/);
  });

  it("refuses a log retention CloudWatch does not offer", () => {
    expectRefused(withDev((e) => ({ ...e, eks: { ...e.eks, logRetentionDays: 45 } })), /eks\.logRetentionDays: 45 is not a CloudWatch Logs retention period\. Fix: use one of 1, 3, 5, 7, 14, 30/);
  });

  it("refuses read replicas on a single-AZ database", () => {
    expectRefused(withDev((e) => ({ ...e, database: { ...e.database, readReplicas: 1 } })), /dev: database\.readReplicas: 1 read replica\(s\) on a single-AZ database\. Fix: set database\.multiAz to true, or readReplicas to 0/);
  });

  it("refuses duplicate stack names", () => {
    expectRefused([dev, staging, prod, { ...structuredClone(staging), accountId: "999999999999" }], /staging: name: stack name "staging-bootstrap" is already produced by environment "staging"/);
  });

  it("refuses a bucket prefix S3 would reject", () => {
    expectRefused(withDev((e) => ({ ...e, stateBackend: { ...e.stateBackend, bucketPrefix: "Pipeops_State" } })), /stateBackend\.bucketPrefix: "Pipeops_State": must be 3-32 lowercase letters/);
  });

  it("reports every problem of every environment in one pass", () => {
    const { error } = synthWith([{ ...structuredClone(dev), region: "mars-1" }, { ...structuredClone(staging), accountId: "12" }, prod]);
    expect((error as ConfigError).issues.map((i) => `${i.environment}:${i.path}`)).toEqual(expect.arrayContaining(["dev:region", "staging:accountId"]));
  });
});
