import { describe, expect, it } from "vitest";
import { TerraformOutput } from "cdktf";
import { moduleTestStack, synthModuleStack } from "../support/module-test-stack";
import type { SynthesizedStack } from "../support/synth";
import { EksCluster, type EksClusterProps } from "../../modules/eks/eks-cluster";
import { amiTypeFor } from "../../modules/eks/managed-node-group";
import { KUBERNETES } from "../../src/config/versions";

/** Synthesized module tests: the secure defaults and the wiring of modules/eks. */

const base: EksClusterProps = {
  name: "pipeops-test",
  kubernetesVersion: KUBERNETES.version,
  region: "us-west-2",
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  publicAccessCidrs: ["203.0.113.0/24"],
  clusterAdmins: { existingRoleNames: ["AWSReservedSSO_Admin_0123"], existingUserNames: ["alice"] },
  logRetentionDays: 90,
  computeMode: "managed-node-groups",
  nodeGroups: [
    { name: "general", instanceTypes: ["m5.large", "m5.xlarge"], minSize: 3, desiredSize: 4, maxSize: 10, diskSizeGib: 80, capacityType: "ON_DEMAND" },
    { name: "batch", instanceTypes: ["m6g.large"], minSize: 0, desiredSize: 1, maxSize: 5, diskSizeGib: 40, capacityType: "SPOT" },
  ],
};

function synthEks(overrides: Partial<EksClusterProps> = {}): { synth: SynthesizedStack; eks: EksCluster } {
  const { stack } = moduleTestStack();
  const eks = new EksCluster(stack, "eks", { ...base, ...overrides });
  return { synth: synthModuleStack(stack), eks };
}

type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const resources = (s: SynthesizedStack, type: string): [string, Block][] => Object.entries(s.json.resource?.[type] ?? {});
const bodies = (s: SynthesizedStack, type: string): Block[] => resources(s, type).map(([, body]) => body);
function only(s: SynthesizedStack, type: string): [string, Block] {
  const found = resources(s, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}
const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

/** The statements of the `aws_iam_policy_document` a `${data.aws_iam_policy_document.X.json}` reference points at. */
function statementsOf(s: SynthesizedStack, reference: string): Block[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference);
  if (!match) throw new Error(`not a policy document reference: ${reference}`);
  const doc = s.json.data?.aws_iam_policy_document?.[match[1]!];
  if (!doc) throw new Error(`no policy document ${match[1]}`);
  return doc.statement as Block[];
}

/** The aws_iam_role whose name is given, with its id. */
function role(s: SynthesizedStack, name: string): [string, Block] {
  const found = resources(s, "aws_iam_role").find(([, body]) => body.name === name);
  if (!found) throw new Error(`no IAM role named ${name}; roles: ${bodies(s, "aws_iam_role").map((b) => b.name).join(", ")}`);
  return found;
}

const attachedPolicies = (s: SynthesizedStack, roleId: string) =>
  bodies(s, "aws_iam_role_policy_attachment")
    .filter((a) => a.role === ref("aws_iam_role", roleId, "name"))
    .map((a) => a.policy_arn as string)
    .sort();

/** The KMS key a `${aws_kms_key.X.arn}` reference points at, with its alias. */
function keyBehind(s: SynthesizedStack, arnRef: string): { id: string; key: Block; alias: string } {
  const id = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(arnRef)?.[1];
  if (!id) throw new Error(`not a KMS key ARN reference: ${arnRef}`);
  const key = s.json.resource!.aws_kms_key![id]!;
  const alias = bodies(s, "aws_kms_alias").find((a) => a.target_key_id === ref("aws_kms_key", id, "key_id"))!.name as string;
  return { id, key, alias };
}

describe("modules/eks EksCluster (managed node groups)", () => {
  const { synth } = synthEks();
  const [clusterId, cluster] = only(synth, "aws_eks_cluster");
  const clusterRef = (attribute: string) => ref("aws_eks_cluster", clusterId, attribute);

  it("authenticates with EKS access entries only and gives the creator no implicit admin", () => {
    expect(cluster.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
  });

  it("creates one access entry and one cluster-scoped AmazonEKSClusterAdminPolicy association per admin principal, each one that exists", () => {
    // Every principal is created here or looked up by name: EKS refuses an entry for a principal that does not exist.
    const [adminRoleId, adminRole] = role(synth, "pipeops-test-cluster-admin");
    const lookedUpRole = Object.entries(synth.json.data!.aws_iam_role!).find(([, body]) => (body as Block).name === "AWSReservedSSO_Admin_0123")![0];
    const lookedUpUser = Object.entries(synth.json.data!.aws_iam_user!).find(([, body]) => (body as Block).user_name === "alice")![0];
    const admins = [ref("aws_iam_role", adminRoleId, "arn"), `\${data.aws_iam_role.${lookedUpRole}.arn}`, `\${data.aws_iam_user.${lookedUpUser}.arn}`].sort();

    const entries = bodies(synth, "aws_eks_access_entry");
    expect(entries.map((e) => e.principal_arn).sort()).toEqual(admins);
    for (const entry of entries) expect(entry).toMatchObject({ cluster_name: clusterRef("name"), type: "STANDARD" });

    const associations = resources(synth, "aws_eks_access_policy_association");
    expect(associations).toHaveLength(admins.length);
    const entryOf = Object.fromEntries(resources(synth, "aws_eks_access_entry").map(([id, e]) => [e.principal_arn, `aws_eks_access_entry.${id}`]));
    for (const [, association] of associations) {
      expect(association).toMatchObject({
        cluster_name: clusterRef("name"),
        policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        access_scope: { type: "cluster" },
      });
      // Created after (and destroyed before) the entry of the same principal.
      expect(association.depends_on).toEqual([entryOf[association.principal_arn]]);
    }
    expect(associations.map(([, a]) => a.principal_arn).sort()).toEqual(admins);

    // The admin role people assume: same account only, with MFA, and no AWS permission beyond finding the cluster.
    const [trust] = statementsOf(synth, adminRole.assume_role_policy);
    expect(trust).toMatchObject({
      principals: [{ type: "AWS", identifiers: [expect.stringMatching(/^arn:aws:iam::\$\{data\.aws_caller_identity\.[^.]+\.account_id\}:root$/)] }],
      condition: [{ test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] }],
    });
    const inline = bodies(synth, "aws_iam_role_policy").filter((p) => p.role === ref("aws_iam_role", adminRoleId, "id"));
    expect(inline.flatMap((p) => statementsOf(synth, p.policy))).toEqual([expect.objectContaining({ actions: ["eks:DescribeCluster"], resources: [clusterRef("arn")] })]);
    expect(attachedPolicies(synth, adminRoleId)).toEqual([]);
  });

  it("creates no admin role when told not to, and then only the looked-up principals get entries", () => {
    const { synth: without } = synthEks({ clusterAdmins: { createAdminRole: false, existingRoleNames: ["ci-deploy"] } });
    expect(bodies(without, "aws_iam_role").map((r) => r.name)).not.toContain("pipeops-test-cluster-admin");
    expect(bodies(without, "aws_eks_access_entry").map((e) => e.principal_arn)).toEqual([expect.stringMatching(/^\$\{data\.aws_iam_role\.[^.]+\.arn\}$/)]);
  });

  it("stays on standard support: EKS upgrades the cluster instead of billing extended support", () => {
    expect(cluster.version).toBe(KUBERNETES.version);
    expect(cluster.upgrade_policy).toEqual({ support_type: "STANDARD" });
  });

  it("creates the Container Insights log groups up front, with the logs key and the retention, before the observability add-on", () => {
    const groups = resources(synth, "aws_cloudwatch_log_group").filter(([, g]) => String(g.name).startsWith("/aws/containerinsights/"));
    expect(groups.map(([, g]) => g.name).sort()).toEqual(
      ["application", "dataplane", "host", "performance"].map((name) => `/aws/containerinsights/pipeops-test/${name}`),
    );
    const controlPlane = bodies(synth, "aws_cloudwatch_log_group").find((g) => g.name === "/aws/eks/pipeops-test/cluster")!;
    for (const [, group] of groups) expect(group).toMatchObject({ retention_in_days: 90, kms_key_id: controlPlane.kms_key_id });
    const { key } = keyBehind(synth, controlPlane.kms_key_id);
    const logsStatement = statementsOf(synth, key.policy).find((st) => st.principals?.[0]?.type === "Service")!;
    expect(logsStatement.principals[0].identifiers).toEqual(["logs.us-west-2.amazonaws.com"]);
    expect(logsStatement.condition[0].values).toHaveLength(5);
    const observability = bodies(synth, "aws_eks_addon").find((a) => a.addon_name === "amazon-cloudwatch-observability")!;
    for (const [id] of groups) expect(observability.depends_on).toContain(`aws_cloudwatch_log_group.${id}`);
  });

  it("keeps the private endpoint on and limits the public endpoint to the given CIDRs", () => {
    expect(cluster.vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ["203.0.113.0/24"],
      subnet_ids: base.subnetIds,
    });
  });

  it("turns the public endpoint off when no public CIDRs are given", () => {
    const { synth: privateOnly } = synthEks({ publicAccessCidrs: [] });
    const [, privateCluster] = only(privateOnly, "aws_eks_cluster");
    expect(privateCluster.vpc_config.endpoint_private_access).toBe(true);
    expect(privateCluster.vpc_config.endpoint_public_access).toBe(false);
    expect(privateCluster.vpc_config.public_access_cidrs).toBeUndefined();
  });

  it("encrypts Kubernetes secrets with a rotating customer managed key the cluster role may use", () => {
    expect(cluster.encryption_config.resources).toEqual(["secrets"]);
    const { id, key, alias } = keyBehind(synth, cluster.encryption_config.provider.key_arn);
    expect(alias).toBe("alias/pipeops-test-eks-secrets");
    expect(key.enable_key_rotation).toBe(true);

    const [clusterRoleId] = role(synth, "pipeops-test-cluster");
    expect(cluster.role_arn).toBe(ref("aws_iam_role", clusterRoleId, "arn"));
    const inline = bodies(synth, "aws_iam_role_policy").find((p) => p.role === ref("aws_iam_role", clusterRoleId, "id"))!;
    const statements = statementsOf(synth, inline.policy);
    expect(statements).toContainEqual(expect.objectContaining({ actions: expect.arrayContaining(["kms:Encrypt", "kms:Decrypt"]), resources: [ref("aws_kms_key", id, "arn")] }));
    expect(statements).toContainEqual(expect.objectContaining({ effect: "Deny", actions: ["logs:CreateLogGroup"] }));
  });

  it("sends all five control-plane log types to a KMS-encrypted log group with retention, created first", () => {
    expect([...cluster.enabled_cluster_log_types].sort()).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    const [logGroupId, logGroup] = resources(synth, "aws_cloudwatch_log_group").find(([, g]) => g.name === "/aws/eks/pipeops-test/cluster")!;
    expect(logGroup).toMatchObject({ name: "/aws/eks/pipeops-test/cluster", retention_in_days: 90 });
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${logGroupId}`);

    const { key, alias } = keyBehind(synth, logGroup.kms_key_id);
    expect(alias).toBe("alias/pipeops-test-eks-logs");
    expect(key.enable_key_rotation).toBe(true);
    const logsStatement = statementsOf(synth, key.policy).find((st) => st.principals?.[0]?.type === "Service")!;
    expect(logsStatement.principals).toEqual([{ type: "Service", identifiers: ["logs.us-west-2.amazonaws.com"] }]);
    expect(logsStatement.actions).toEqual(expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"]));
    expect(logsStatement.condition).toEqual([
      {
        test: "ArnLike",
        variable: "kms:EncryptionContext:aws:logs:arn",
        values: expect.arrayContaining([expect.stringMatching(/^arn:aws:logs:us-west-2:\$\{data\.aws_caller_identity\.[^}]+\}:log-group:\/aws\/eks\/pipeops-test\/cluster$/)]),
      },
    ]);
  });

  it("creates an IAM OIDC provider from the cluster's issuer, for the STS audience, without pinned thumbprints", () => {
    const [, provider] = only(synth, "aws_iam_openid_connect_provider");
    expect(provider.url).toBe(`\${aws_eks_cluster.${clusterId}.identity[0].oidc[0].issuer}`);
    expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(provider.thumbprint_list).toBeUndefined();
  });

  it("adds its own security group to the control plane, open to nothing unless asked", () => {
    const [sgId, sg] = only(synth, "aws_security_group");
    expect(sg.vpc_id).toBe(base.vpcId);
    expect(cluster.vpc_config.security_group_ids).toEqual([ref("aws_security_group", sgId, "id")]);
    expect(sg.ingress).toBeUndefined();
    expect(resources(synth, "aws_vpc_security_group_ingress_rule")).toHaveLength(0);

    const { synth: withVpn } = synthEks({ privateAccessCidrs: ["10.8.0.0/16"] });
    expect(bodies(withVpn, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ cidr_ipv4: "10.8.0.0/16", from_port: 443, to_port: 443, ip_protocol: "tcp" }),
    ]);
  });

  it("gives the cluster role only AmazonEKSClusterPolicy and a plain sts:AssumeRole trust", () => {
    const [clusterRoleId, clusterRole] = role(synth, "pipeops-test-cluster");
    expect(attachedPolicies(synth, clusterRoleId)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    expect(statementsOf(synth, clusterRole.assume_role_policy)).toEqual([
      expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }] }),
    ]);
  });

  it("keeps the CNI policy off the node role (the vpc-cni add-on has its own IRSA role)", () => {
    const [nodeRoleId] = role(synth, "pipeops-test-node");
    expect(attachedPolicies(synth, nodeRoleId)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    const [cniRoleId, cniRole] = role(synth, "pipeops-test-vpc-cni");
    expect(attachedPolicies(synth, cniRoleId)).toEqual(["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]);
    expect(statementsOf(synth, cniRole.assume_role_policy)[0]!.condition[0].values).toEqual(["system:serviceaccount:kube-system:aws-node"]);
  });

  describe("launch templates", () => {
    const templates = resources(synth, "aws_launch_template");

    it("one per node group", () => {
      expect(templates.map(([, t]) => t.name_prefix).sort()).toEqual(["pipeops-test-batch-", "pipeops-test-general-"]);
    });

    it("require IMDSv2 with a hop limit of 2", () => {
      for (const [, template] of templates) {
        expect(template.metadata_options).toMatchObject({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 2 });
      }
    });

    it("give each node an encrypted gp3 root volume of the group's size on the EBS customer managed key", () => {
      const sizes: Record<string, number> = { "pipeops-test-general-": 80, "pipeops-test-batch-": 40 };
      for (const [, template] of templates) {
        expect(template.block_device_mappings).toHaveLength(1);
        const [root] = template.block_device_mappings;
        expect(root.device_name).toBe("/dev/xvda");
        expect(root.ebs).toMatchObject({ volume_type: "gp3", encrypted: "true", volume_size: sizes[template.name_prefix] });
        const { key, alias } = keyBehind(synth, root.ebs.kms_key_id);
        expect(alias).toBe("alias/pipeops-test-eks-ebs");
        expect(key.enable_key_rotation).toBe(true);
      }
    });

    it("let EKS attach the cluster's primary security group (no security groups of their own)", () => {
      for (const [, template] of templates) expect(template.vpc_security_group_ids).toBeUndefined();
    });
  });

  describe("node groups", () => {
    const groups = bodies(synth, "aws_eks_node_group");
    const group = (prefix: string) => groups.find((g) => g.node_group_name_prefix === prefix)!;

    it("take instance types, capacity type and sizes from the props", () => {
      expect(groups).toHaveLength(2);
      expect(group("general-")).toMatchObject({
        instance_types: ["m5.large", "m5.xlarge"],
        capacity_type: "ON_DEMAND",
        ami_type: "AL2023_x86_64_STANDARD",
        scaling_config: { min_size: 3, desired_size: 4, max_size: 10 },
      });
      expect(group("batch-")).toMatchObject({
        instance_types: ["m6g.large"],
        capacity_type: "SPOT",
        ami_type: "AL2023_ARM_64_STANDARD",
        scaling_config: { min_size: 0, desired_size: 1, max_size: 5 },
      });
    });

    it("run in the private subnets with the node role, the cluster's version and their launch template", () => {
      const [nodeRoleId] = role(synth, "pipeops-test-node");
      const [templateId] = resources(synth, "aws_launch_template").find(([, t]) => t.name_prefix === "pipeops-test-general-")!;
      expect(group("general-")).toMatchObject({
        cluster_name: clusterRef("name"),
        version: clusterRef("version"),
        subnet_ids: base.subnetIds,
        node_role_arn: ref("aws_iam_role", nodeRoleId, "arn"),
        launch_template: { id: ref("aws_launch_template", templateId, "id"), version: ref("aws_launch_template", templateId, "latest_version") },
      });
    });

    it("roll a third at a time and leave desired_size to the autoscaler", () => {
      for (const g of groups) {
        expect(g.update_config).toEqual({ max_unavailable_percentage: 33 });
        expect(g.lifecycle.ignore_changes).toEqual(["scaling_config[0].desired_size"]);
      }
    });
  });

  describe("add-ons", () => {
    const addons = resources(synth, "aws_eks_addon");
    const addon = (name: string) => addons.find(([, a]) => a.addon_name === name)?.[1];
    const groupRefs = resources(synth, "aws_eks_node_group").map(([id]) => `aws_eks_node_group.${id}`);

    it("installs the six managed add-ons, overwriting self-managed versions", () => {
      expect(addons.map(([, a]) => a.addon_name).sort()).toEqual([
        "amazon-cloudwatch-observability",
        "aws-ebs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
        "kube-proxy",
        "vpc-cni",
      ]);
      for (const [, a] of addons) expect(a).toMatchObject({ cluster_name: clusterRef("name"), resolve_conflicts_on_create: "OVERWRITE" });
    });

    it("installs networking before the nodes and the workloads that need nodes after them", () => {
      for (const name of ["coredns", "aws-ebs-csi-driver", "amazon-cloudwatch-observability"]) {
        expect(addon(name)!.depends_on).toEqual(expect.arrayContaining(groupRefs));
      }
      const addonIds = Object.fromEntries(addons.map(([id, a]) => [a.addon_name, `aws_eks_addon.${id}`]));
      for (const g of bodies(synth, "aws_eks_node_group")) {
        expect(g.depends_on).toEqual(expect.arrayContaining([addonIds["vpc-cni"], addonIds["kube-proxy"], addonIds["eks-pod-identity-agent"]]));
      }
    });

    it("gives vpc-cni, ebs-csi and cloudwatch-observability their IRSA roles", () => {
      expect(addon("vpc-cni")!.service_account_role_arn).toBe(ref("aws_iam_role", role(synth, "pipeops-test-vpc-cni")[0], "arn"));
      expect(addon("aws-ebs-csi-driver")!.service_account_role_arn).toBe(ref("aws_iam_role", role(synth, "pipeops-test-ebs-csi-driver")[0], "arn"));
      expect(addon("amazon-cloudwatch-observability")!.service_account_role_arn).toBe(ref("aws_iam_role", role(synth, "pipeops-test-cloudwatch-agent")[0], "arn"));
      expect(addon("coredns")!.service_account_role_arn).toBeUndefined();
    });

    it("resolves each add-on to the newest version EKS publishes for the cluster's Kubernetes version, unless pinned", () => {
      const lookups = synth.json.data!.aws_eks_addon_version as Record<string, Block>;
      for (const [, a] of addons) {
        const id = /^\$\{one\(data\.aws_eks_addon_version\.([^[]+)\[\*\]\.version\)\}$/.exec(a.addon_version)?.[1];
        expect(id, a.addon_name).toBeDefined();
        expect(lookups[id!]).toEqual(expect.objectContaining({ addon_name: a.addon_name, kubernetes_version: clusterRef("version"), most_recent: true }));
      }
      const { synth: pinned } = synthEks({ addonVersions: { coredns: "v1.12.1-eksbuild.2" } });
      expect(bodies(pinned, "aws_eks_addon").find((a) => a.addon_name === "coredns")!.addon_version).toBe("v1.12.1-eksbuild.2");
      expect(Object.values(pinned.json.data!.aws_eks_addon_version!).map((d) => (d as Block).addon_name)).not.toContain("coredns");
    });
  });

  it("gives the EBS CSI driver an IRSA role with AmazonEBSCSIDriverPolicy and the EBS key, and nothing more", () => {
    const [roleId, ebsRole] = role(synth, "pipeops-test-ebs-csi-driver");
    const [providerId] = only(synth, "aws_iam_openid_connect_provider");
    const [trust] = statementsOf(synth, ebsRole.assume_role_policy);
    expect(trust!.principals).toEqual([{ type: "Federated", identifiers: [ref("aws_iam_openid_connect_provider", providerId, "arn")] }]);
    // Condition keys come from the IAM OIDC provider, so trust policies do not change with cluster updates.
    const issuer = `\${replace(aws_iam_openid_connect_provider.${providerId}.url, "https://", "")}`;
    expect(trust!.condition).toEqual([
      { test: "StringEquals", variable: `${issuer}:sub`, values: ["system:serviceaccount:kube-system:ebs-csi-controller-sa"] },
      { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
    ]);
    expect(attachedPolicies(synth, roleId)).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);

    const ebsKeyArn = bodies(synth, "aws_launch_template")[0]!.block_device_mappings[0].ebs.kms_key_id as string;
    const inline = bodies(synth, "aws_iam_role_policy").filter((p) => p.role === ref("aws_iam_role", roleId, "id"));
    expect(inline).toHaveLength(1);
    const statements = statementsOf(synth, inline[0]!.policy);
    for (const statement of statements) expect(statement.resources).toEqual([ebsKeyArn]);
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(
      ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ListGrants", "kms:ReEncrypt*", "kms:RevokeGrant"].sort(),
    );
  });

  it("gives the CloudWatch agent an IRSA role with CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess", () => {
    const [roleId, cwRole] = role(synth, "pipeops-test-cloudwatch-agent");
    expect(attachedPolicies(synth, roleId)).toEqual(["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]);
    expect(statementsOf(synth, cwRole.assume_role_policy)[0]!.condition[0].values).toEqual(["system:serviceaccount:amazon-cloudwatch:cloudwatch-agent"]);
  });
});

describe("modules/eks EksCluster public attributes", () => {
  it("expose what the platform stack and other modules need", () => {
    const { eks } = synthEks();
    expect(eks.clusterName).toMatch(/^\$\{TfToken\[/);
    for (const value of [
      eks.clusterName,
      eks.clusterEndpoint,
      eks.clusterCertificateAuthorityData,
      eks.oidcIssuerUrl,
      eks.oidcProvider,
      eks.oidcProviderArn,
      eks.clusterSecurityGroupId,
      eks.nodeSecurityGroupId,
      eks.secretsKmsKeyArn,
      eks.cloudwatchAgentRoleArn,
      eks.ebsCsiDriverRoleArn,
      eks.vpcCniRoleArn,
    ]) {
      expect(typeof value).toBe("string");
    }
    expect(eks.nodeGroups).toHaveLength(2);
    expect(Object.keys(eks.addons)).toHaveLength(6);
  });

  it("wire nodeSecurityGroupId to the cluster's primary security group and oidcProvider to the OIDC provider's issuer without https://", () => {
    const { stack } = moduleTestStack();
    const eks = new EksCluster(stack, "eks", base);
    new TerraformOutput(stack, "node_sg", { value: eks.nodeSecurityGroupId });
    new TerraformOutput(stack, "oidc_provider", { value: eks.oidcProvider });
    new TerraformOutput(stack, "ca", { value: eks.clusterCertificateAuthorityData });
    const outputs = synthModuleStack(stack).json.output!;
    expect(outputs.node_sg!.value).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.vpc_config\[0\]\.cluster_security_group_id\}$/);
    expect(outputs.oidc_provider!.value).toMatch(/^\$\{replace\(aws_iam_openid_connect_provider\.[^.]+\.url, "https:\/\/", ""\)\}$/);
    expect(outputs.ca!.value).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.certificate_authority\[0\]\.data\}$/);
  });
});

describe("modules/eks EksCluster (auto mode)", () => {
  const { synth, eks } = synthEks({ computeMode: "auto-mode", nodeGroups: [] });
  const [, cluster] = only(synth, "aws_eks_cluster");

  it("enables Auto Mode compute without the built-in node pools (which cannot be bounded) and without a node role, which EKS then refuses", () => {
    const [nodeRoleId, nodeRole] = role(synth, "pipeops-test-node");
    expect(cluster.compute_config).toEqual({ enabled: true, node_pools: [] });
    expect(eks.nodeRoleName).toEqual(expect.any(String));
    expect(statementsOf(synth, nodeRole.assume_role_policy)[0]!.actions).toEqual(["sts:AssumeRole", "sts:TagSession"]);
    expect(cluster.kubernetes_network_config).toEqual({ elastic_load_balancing: { enabled: true } });
    expect(cluster.storage_config).toEqual({ block_storage: { enabled: true } });
    expect(cluster.bootstrap_self_managed_addons).toBe(false);
    expect(attachedPolicies(synth, nodeRoleId)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
    ]);
  });

  it("gives the node role, which the custom NodeClasses name, the EC2 access entry with AmazonEKSAutoNodePolicy that its nodes need to join", () => {
    const [nodeRoleId] = role(synth, "pipeops-test-node");
    const nodeRoleArn = ref("aws_iam_role", nodeRoleId, "arn");
    const entries = bodies(synth, "aws_eks_access_entry").filter((e) => e.principal_arn === nodeRoleArn);
    expect(entries).toEqual([expect.objectContaining({ type: "EC2" })]);
    const associations = bodies(synth, "aws_eks_access_policy_association").filter((a) => a.principal_arn === nodeRoleArn);
    expect(associations).toEqual([expect.objectContaining({ policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy", access_scope: { type: "cluster" } })]);
  });

  it("keeps the secure defaults of the cluster", () => {
    expect(cluster.access_config.authentication_mode).toBe("API");
    expect(cluster.encryption_config.resources).toEqual(["secrets"]);
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.enabled_cluster_log_types).toHaveLength(5);
    expect(resources(synth, "aws_iam_openid_connect_provider")).toHaveLength(1);
  });

  it("gives the cluster role the four Auto Mode policies and sts:TagSession", () => {
    const [clusterRoleId, clusterRole] = role(synth, "pipeops-test-cluster");
    expect(attachedPolicies(synth, clusterRoleId)).toEqual(
      [
        "arn:aws:iam::aws:policy/AmazonEKSBlockStoragePolicy",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/AmazonEKSComputePolicy",
        "arn:aws:iam::aws:policy/AmazonEKSLoadBalancingPolicy",
        "arn:aws:iam::aws:policy/AmazonEKSNetworkingPolicy",
      ],
    );
    expect(statementsOf(synth, clusterRole.assume_role_policy)[0]!.actions).toEqual(["sts:AssumeRole", "sts:TagSession"]);
  });

  it("creates no node groups, launch templates, or the add-ons Auto Mode runs itself", () => {
    expect(resources(synth, "aws_eks_node_group")).toHaveLength(0);
    expect(resources(synth, "aws_launch_template")).toHaveLength(0);
    expect(bodies(synth, "aws_eks_addon").map((a) => a.addon_name)).toEqual(["amazon-cloudwatch-observability"]);
    expect(bodies(synth, "aws_iam_role").map((r) => r.name)).not.toContain("pipeops-test-ebs-csi-driver");
    expect(eks.ebsCsiDriverRoleArn).toBeUndefined();
    expect(eks.cloudwatchAgentRoleArn).toEqual(expect.any(String));
  });

  it("has an EBS key for persistent volumes that the cluster role (which creates Auto Mode's volumes) may use", () => {
    const { stack } = moduleTestStack();
    const autoEks = new EksCluster(stack, "eks", { ...base, computeMode: "auto-mode", nodeGroups: [] });
    new TerraformOutput(stack, "ebs_key", { value: autoEks.ebsKmsKeyArn });
    const autoSynth = synthModuleStack(stack);
    const ebsKeyArn = autoSynth.json.output!.ebs_key!.value as string;
    expect(ebsKeyArn).toMatch(/^\$\{aws_kms_key\./);
    const synth = autoSynth;
    const { key, alias } = keyBehind(synth, ebsKeyArn);
    expect(alias).toBe("alias/pipeops-test-eks-ebs");
    expect(key.enable_key_rotation).toBe(true);
    const [clusterRoleId] = role(synth, "pipeops-test-cluster");
    const inline = bodies(synth, "aws_iam_role_policy").filter((p) => p.role === ref("aws_iam_role", clusterRoleId, "id"));
    const ebsUse = inline.flatMap((p) => statementsOf(synth, p.policy)).filter((st) => st.sid === "UseVolumeKey" || st.sid === "GrantsForEncryptedVolumes");
    expect(ebsUse).toHaveLength(2);
    for (const statement of ebsUse) expect(statement.resources).toEqual([ebsKeyArn]);
  });
});

describe("modules/eks props that cannot work", () => {
  it("refuses node groups in auto mode", () => {
    expect(() => synthEks({ computeMode: "auto-mode" })).toThrow(/auto-mode.*2 managed node group\(s\).*Fix: remove the node groups/);
  });

  it("refuses managed-node-groups mode without node groups", () => {
    expect(() => synthEks({ nodeGroups: [] })).toThrow(/needs at least one node group/);
  });

  it("picks the AMI type by CPU architecture and refuses a mix", () => {
    expect(amiTypeFor(["t3.medium", "t3.large"])).toBe("AL2023_x86_64_STANDARD");
    expect(amiTypeFor(["t4g.medium", "c7gn.large", "r6gd.xlarge"])).toBe("AL2023_ARM_64_STANDARD");
    expect(amiTypeFor(["g5.xlarge"])).toBe("AL2023_x86_64_STANDARD");
    expect(() => amiTypeFor(["m5.large", "m6g.large"])).toThrow(/mix Graviton/);
  });
});
