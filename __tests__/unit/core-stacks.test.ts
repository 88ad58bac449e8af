import { describe, expect, it } from "vitest";
import { AWS, buildTestApp, manifestsOf, resourcesOf, synthStack, type SynthesizedStack, sharedTestApp } from "../support/synth";
import { CORE_OUTPUT } from "../../src/stacks/core-outputs";
import { ENVIRONMENTS } from "../../main";

/** Each environment's core stack at exactly the sizes of the design table. */
const built = sharedTestApp(AWS);

/**
 * Node pools (EKS Auto Mode): the table's instance types, and CPU/memory limits of its maximum node
 * count of the largest type (t3.medium 2 vCPU/4 GiB, t3.large 2/8, m5.large 2/8, m5.xlarge 4/16,
 * as EC2 DescribeInstanceTypes reports them). DR's failover pool is prod's capacity.
 */
const expected = {
  dev: { region: "us-west-2", cidr: "10.0.0.0/16", pools: [{ name: "general", types: ["t3.medium"], cpu: "8000m", memory: "16384Mi", capacity: ["spot", "on-demand"] }], dbClass: "db.t3.medium", multiAz: false, replicas: 0, backups: 7, nat: 1 },
  staging: {
    region: "us-west-2",
    cidr: "10.0.0.0/16",
    pools: [
      { name: "general", types: ["t3.large"], cpu: "12000m", memory: "49152Mi", capacity: ["on-demand"] },
      { name: "spot", types: ["t3.large"], cpu: "8000m", memory: "32768Mi", capacity: ["spot", "on-demand"] },
    ], dbClass: "db.r6g.large", multiAz: true, replicas: 0, backups: 7, nat: 1 },
  prod: { region: "us-west-2", cidr: "10.0.0.0/16", pools: [{ name: "general", types: ["m5.large", "m5.xlarge"], cpu: "40000m", memory: "163840Mi", capacity: ["on-demand"] }], dbClass: "db.r6g.xlarge", multiAz: true, replicas: 2, backups: 30, nat: 3 },
  dr: {
    region: "us-east-1",
    cidr: "10.1.0.0/16",
    pools: [
      { name: "standby", types: ["t3.medium", "t3.large"], cpu: "12000m", memory: "49152Mi", capacity: ["on-demand"] },
      { name: "failover", types: ["m5.large", "m5.xlarge"], cpu: "40000m", memory: "163840Mi", capacity: ["on-demand"] },
    ],
    dbClass: "db.r6g.xlarge",
    multiAz: true,
    replicas: 0,
    backups: 30,
    nat: 3,
  },
} as const;

function dbInstances(stack: SynthesizedStack) {
  const all = resourcesOf(stack, "aws_db_instance").map(([, body]) => body);
  const primary = all.filter((db) => !String(db.replicate_source_db ?? "").includes("aws_db_instance."));
  const replicas = all.filter((db) => String(db.replicate_source_db ?? "").includes("aws_db_instance."));
  return { primary, replicas };
}

describe.each(Object.entries(expected))("%s core stack", (name, want) => {
  const stack = synthStack(built, name);

  it("runs in its region with its VPC range", () => {
    expect(stack.json.provider!.aws![0]!.region).toBe(want.region);
    const [[, vpc]] = resourcesOf(stack, "aws_vpc");
    expect(vpc.cidr_block).toBe(want.cidr);
  });

  it("runs EKS Auto Mode with no built-in node pool and no managed node group: its platform's NodePools are the capacity", () => {
    expect(resourcesOf(stack, "aws_eks_node_group")).toEqual([]);
    const [[, cluster]] = resourcesOf(stack, "aws_eks_cluster");
    expect(cluster.compute_config).toEqual({ enabled: true, node_pools: [] });
  });

  it("has the table's instance types and maximum node count as NodePool limits, in every AZ of the environment", () => {
    // Most preferred first: the order of the config.
    const pools = manifestsOf(synthStack(built, `${name}-platform`), "NodePool").sort((a, b) => b.spec.weight - a.spec.weight);
    const env = built.environments.find((e) => e.name === name)!;
    expect(pools.map((pool) => ({
      name: pool.metadata.name,
      types: pool.spec.template.spec.requirements.find((r: { key: string }) => r.key === "node.kubernetes.io/instance-type").values,
      cpu: pool.spec.limits.cpu,
      memory: pool.spec.limits.memory,
      capacity: pool.spec.template.spec.requirements.find((r: { key: string }) => r.key === "karpenter.sh/capacity-type").values,
    }))).toEqual(want.pools);
    for (const pool of pools) {
      expect(pool.spec.template.spec.requirements).toContainEqual({ key: "topology.kubernetes.io/zone", operator: "In", values: env.network.availabilityZones });
    }
    expect(env.network.availabilityZones).toHaveLength(name === "prod" || name === "dr" ? 3 : env.network.availabilityZones.length);
  });

  it("has the database class, Multi-AZ setting and backup retention of the table", () => {
    const { primary } = dbInstances(stack);
    expect(primary).toHaveLength(1);
    expect(primary[0]).toMatchObject({ instance_class: want.dbClass, multi_az: want.multiAz, backup_retention_period: want.backups, storage_encrypted: true, publicly_accessible: false });
  });

  it("has the read replicas of the table, each in its own AZ", () => {
    const { replicas } = dbInstances(stack);
    expect(replicas).toHaveLength(want.replicas);
    const azs = replicas.map((r) => r.availability_zone);
    expect(new Set(azs).size).toBe(want.replicas);
    for (const replica of replicas) expect(replica.instance_class).toBe(want.dbClass);
  });

  it("has the NAT gateway count of the table", () => {
    expect(resourcesOf(stack, "aws_nat_gateway")).toHaveLength(want.nat);
  });

  it("publishes every contract output under its stable name", () => {
    expect(Object.keys(stack.json.output ?? {}).sort()).toEqual(Object.values(CORE_OUTPUT).sort());
  });
});

describe("prod specifics", () => {
  const prod = synthStack(built, "prod");

  it("replicates automated backups to us-east-1 with a key of that region", () => {
    const [[, replication]] = resourcesOf(prod, "aws_db_instance_automated_backups_replication");
    expect(replication.provider).toBe("aws.backup_region");
    expect(prod.json.provider!.aws!.find((p) => p.alias === "backup_region")!.region).toBe("us-east-1");
    expect(String(replication.kms_key_id)).toMatch(/^\$\{aws_kms_key\./);
  });

  it("keeps the database from being deleted and takes a final snapshot", () => {
    const { primary } = dbInstances(prod);
    expect(primary[0]).toMatchObject({ deletion_protection: true, skip_final_snapshot: false });
  });

  it("places the two replicas outside the primary's AZ", () => {
    const { replicas } = dbInstances(prod);
    expect(replicas.map((r) => r.availability_zone).sort()).toEqual(["us-west-2b", "us-west-2c"]);
  });
});

describe("dev specifics", () => {
  it("skips the final snapshot so a dev database can be torn down", () => {
    const { primary } = dbInstances(synthStack(built, "dev"));
    expect(primary[0]).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
  });
});

describe("secrets the platform reads", () => {
  it("keeps Grafana's admin login in a KMS-encrypted secret under the environment's prefix", () => {
    const stack = synthStack(built, "staging");
    const [[, secret]] = resourcesOf(stack, "aws_secretsmanager_secret").filter(([, s]) => s.name === "pipeops/staging/grafana-admin");
    expect(String(secret.kms_key_id)).toMatch(/^\$\{aws_kms_key\./);
  });

  it("lets the monitoring namespace's store read Grafana's login and each application namespace's its own path; no store reads the database's master secret", () => {
    const stack = synthStack(built, "dev");
    const docs = Object.values(stack.json.data?.aws_iam_policy_document ?? {});
    const read = docs.flatMap((d) => (d.statement as { sid?: string; resources?: string[] }[]).filter((s) => s.sid === "ReadNamespaceSecrets"));
    const arn = (name: string) => `arn:aws:secretsmanager:us-west-2:111111111111:secret:${name}`;
    expect(read.map((s) => s.resources).sort()).toEqual(
      [[arn("pipeops/dev/grafana-admin-??????")], ...["sample-app", "api-services", "web-frontend", "batch-jobs"].map((n) => [arn(`pipeops/dev/apps/${n}/*`)])].sort(),
    );
    expect(JSON.stringify(read)).not.toMatch(/master_user_secret|rds!/);
  });
});

describe("every role a core stack creates carries the CI deploy role's permissions boundary", () => {
  it.each(ENVIRONMENTS.map((env) => [env.name] as const))("%s", (name) => {
    const stack = synthStack(sharedTestApp(AWS), name);
    const lookups = Object.entries(stack.json.data?.aws_iam_policy ?? {});
    expect(lookups.map(([, body]) => body.name)).toEqual([`pipeops-${name}-github-deploy-boundary`]);
    const roles = Object.values(stack.json.resource?.aws_iam_role ?? {});
    expect(roles.length).toBeGreaterThan(5);
    for (const role of roles) expect(role.permissions_boundary, String(role.name)).toBe(`\${data.aws_iam_policy.${lookups[0]![0]}.arn}`);
  });
});

describe("what a mistaken destroy of a core stack must not take", () => {
  const protectedTypes = ["aws_db_instance", "aws_kms_key", "aws_eks_cluster", "aws_cloudwatch_log_group"];
  it.each(ENVIRONMENTS.map((env) => [env.name] as const))("%s", (name) => {
    const stack = synthStack(sharedTestApp(AWS), name);
    const productionLike = name === "prod" || name === "dr";
    for (const type of protectedTypes) {
      const resources = resourcesOf(stack, type);
      expect(resources.length, type).toBeGreaterThan(0);
      for (const [id, body] of resources) {
        const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
        expect(lifecycle?.prevent_destroy === true, `${type}.${id}`).toBe(productionLike);
        if (type === "aws_cloudwatch_log_group") expect(body.skip_destroy === true, `${type}.${id} skip_destroy`).toBe(productionLike);
      }
    }
  });
});

describe("the platform stack's runner reaches the private API endpoint", () => {
  it("opens 443 on the cluster's extra security group to each eks.privateAccessCidrs range (the PRIVATE_API_RUNNER runner's), and to nothing without one", () => {
    const runnerRange = "10.50.0.0/24";
    const prod = ENVIRONMENTS.find((env) => env.name === "prod")!;
    const withRunner = buildTestApp(AWS, [{ ...structuredClone(prod), eks: { ...structuredClone(prod.eks), privateAccessCidrs: [runnerRange] } }]);
    const stack = synthStack(withRunner, "prod");
    const [[sgId]] = resourcesOf(stack, "aws_security_group").filter(([, sg]) => sg.name === "pipeops-prod-cluster");
    const rules = resourcesOf(stack, "aws_vpc_security_group_ingress_rule").map(([, rule]) => rule).filter((rule) => rule.security_group_id === `\${aws_security_group.${sgId}.id}`);
    expect(rules).toEqual([expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: runnerRange })]);
    const cluster = Object.values(stack.json.resource!.aws_eks_cluster!)[0] as { vpc_config: { security_group_ids: string[]; endpoint_private_access: boolean } };
    expect(cluster.vpc_config.security_group_ids).toEqual([`\${aws_security_group.${sgId}.id}`]);
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);

    const shipped = synthStack(sharedTestApp(AWS), "prod");
    const [[shippedSg]] = resourcesOf(shipped, "aws_security_group").filter(([, sg]) => sg.name === "pipeops-prod-cluster");
    expect(resourcesOf(shipped, "aws_vpc_security_group_ingress_rule").filter(([, rule]) => rule.security_group_id === `\${aws_security_group.${shippedSg}.id}`)).toEqual([]);
  });
});
