import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { DataAwsIamUser } from "@cdktf/provider-aws/lib/data-aws-iam-user";
import { CustomerManagedKey } from "../kms/customer-managed-key";
import { literalTemplate } from "../terraform/terraform-data";
import { IrsaRole, IRSA_AUDIENCE, stripHttps } from "../iam/irsa-role";
import { AWS_MANAGED_POLICY, EKS_AUTO_NODE_ACCESS_POLICY, EKS_CLUSTER_ADMIN_ACCESS_POLICY, EKS_ADMIN_VIEW_ACCESS_POLICY } from "../iam/managed-policies";
import { EksManagedNodeGroup, type EksNodeGroupSpec } from "./managed-node-group";
import { ADDON_CONFIGURATION, ADDONS_BEFORE_NODES, AUTO_MODE_ADDONS, CONTAINER_INSIGHTS_LOG_GROUPS, EKS_ADDONS, EKS_CONTROL_PLANE_LOG_TYPES, type EksAddonName } from "./addons";

export type EksComputeMode = "managed-node-groups" | "auto-mode";

/** EKS tags the cluster role's session with the cluster's name; Auto Mode's requests carry it as a request tag. */
const SAME_CLUSTER = { test: "StringEquals", variable: "aws:RequestTag/eks:eks-cluster-name", values: [literalTemplate("${aws:PrincipalTag/eks:eks-cluster-name}")] };

/**
 * What lets Auto Mode put a NodeClass's own tags (`spec.tags`: the cost-allocation tags) on the
 * instances, launch templates, volumes and network interfaces it creates: the managed policies do
 * not allow user-defined tags, and without this Auto Mode cannot launch the nodes. The statements
 * "Compute", "Storage" and "Networking" of the EKS user guide's custom tag policy (Auto Mode
 * cluster IAM role, "Custom AWS tags for EKS Auto resources": awsdocs/amazon-eks-user-guide
 * latest/ug/automode/auto-learn-iam.adoc, f6004140, 2024-12-18, and docs.aws.amazon.com
 * auto-cluster-iam-role, read 2026-12-07), as terraform-aws-modules/terraform-aws-eks v21.19.0
 * (bef29c4d, 2026-04-27) main.tf grants them with `enable_auto_mode_custom_tags` (default true;
 * its Networking statement tests the CNI node-name tag with StringEquals "*", the guide with
 * StringLike, which is what matches any name). The load balancer and Shield statements are left
 * out (no IngressClassParams sets tags). The guardrail PIPEOPS-0010
 * evaluates them against each NodeClass's tags.
 */
export const AUTO_MODE_CUSTOM_TAG_STATEMENTS = [
  {
    sid: "AutoModeCustomTagsCompute",
    actions: ["ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateLaunchTemplate"],
    resources: ["*"],
    condition: [
      SAME_CLUSTER,
      { test: "StringLike", variable: "aws:RequestTag/eks:kubernetes-node-class-name", values: ["*"] },
      { test: "StringLike", variable: "aws:RequestTag/eks:kubernetes-node-pool-name", values: ["*"] },
    ],
  },
  {
    sid: "AutoModeCustomTagsStorage",
    actions: ["ec2:CreateVolume", "ec2:CreateSnapshot"],
    resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:*:*:snapshot/*"],
    condition: [SAME_CLUSTER],
  },
  {
    sid: "AutoModeCustomTagsNetworking",
    actions: ["ec2:CreateNetworkInterface"],
    resources: ["*"],
    condition: [SAME_CLUSTER, { test: "StringLike", variable: "aws:RequestTag/eks:kubernetes-cni-node-name", values: ["*"] }],
  },
];

export interface ClusterAdminsProps {
  /**
   * Create `<name>-cluster-admin`, a role people of this account assume (with MFA, when their own
   * IAM policy allows it) to administer the cluster.
   * @default true
   */
  readonly createAdminRole?: boolean;
  /** Existing IAM roles of the account, by name (e.g. SSO permission-set roles, the CI deploy role). */
  readonly existingRoleNames?: readonly string[];
  /** Existing IAM users of the account, by name. */
  readonly existingUserNames?: readonly string[];
  /** Existing IAM roles, by name, that get read-only cluster access (AmazonEKSAdminViewPolicy), e.g. the CI plan role. */
  readonly viewerRoleNames?: readonly string[];
}

export interface EksClusterProps {
  /** Cluster name; also the prefix of every IAM role, key alias and log group of the cluster. */
  readonly name: string;
  /** Kubernetes version of the control plane and the managed nodes (from the versions catalog). */
  readonly kubernetesVersion: string;
  /**
   * `upgrade_policy.support_type`: STANDARD upgrades the cluster when standard support ends;
   * EXTENDED (EKS' own default) keeps it on the old version at extended-support prices.
   * @default "STANDARD"
   */
  readonly supportType?: "STANDARD" | "EXTENDED";
  /** Region the cluster runs in (CloudWatch Logs key policy, ARNs). */
  readonly region: string;
  readonly vpcId: string;
  /**
   * The cluster's subnets (at least two AZs): EKS places its control-plane ENIs here and only here
   * (EKS user guide, networking/network-reqs.adoc: "If you deploy nodes to different subnets,
   * Amazon EKS doesn't create cluster network interfaces in those subnets").
   */
  readonly subnetIds: readonly string[];
  /** Private subnets of the managed node groups (Auto Mode's nodes: the NodeClass's subnets). @default subnetIds */
  readonly nodeSubnetIds?: readonly string[];
  /**
   * CIDR ranges allowed to reach the public API endpoint. Empty: the public endpoint is off and
   * the API is reachable only from inside the VPC (the private endpoint is always on).
   */
  readonly publicAccessCidrs: readonly string[];
  /**
   * CIDR ranges inside the network (VPN, CI runners) that may reach the private API endpoint on
   * port 443. Nodes reach it through the cluster security group without this. Default: none.
   */
  readonly privateAccessCidrs?: readonly string[];
  /**
   * Who becomes cluster admin through EKS access entries. EKS refuses an entry whose principal does
   * not exist, so every principal is either created here or looked up (a missing one stops the plan).
   */
  readonly clusterAdmins: ClusterAdminsProps;
  /** Days the control-plane logs are kept in CloudWatch Logs. */
  readonly logRetentionDays: number;
  /**
   * `managed-node-groups`: EKS managed node groups from `nodeGroups`, plus the core add-ons.
   * `auto-mode`: EKS Auto Mode runs compute, networking, DNS and block storage itself, with none of
   * its built-in node pools: the nodes come from NodePools of a custom NodeClass (Kubernetes
   * objects, made where the cluster's other Kubernetes objects are) that use `nodeRoleName`, which
   * gets the EC2 access entry they need here. `nodeGroups` must then be empty.
   */
  readonly computeMode: EksComputeMode;
  readonly nodeGroups: readonly EksNodeGroupSpec[];
  /**
   * Add-on versions to pin. An add-on left out resolves, at plan time, to the most recent version
   * EKS publishes for the cluster's Kubernetes version (`data.aws_eks_addon_version`).
   */
  readonly addonVersions?: Readonly<Partial<Record<EksAddonName, string>>>;
}

/**
 * An EKS cluster with the secure defaults of terraform-aws-modules/terraform-aws-eks:
 *
 * - access through EKS access entries only (`API` mode), no implicit admin for whoever created it;
 * - private API endpoint always on, public endpoint only for the listed CIDRs;
 * - Kubernetes secrets envelope-encrypted with a customer managed KMS key;
 * - all five control-plane log types, in a KMS-encrypted log group with a retention;
 * - an IAM OIDC provider for IRSA, and IRSA roles for the add-ons that call AWS
 *   (VPC CNI, EBS CSI driver, CloudWatch agent), so nodes carry no add-on permissions;
 * - managed node groups with IMDSv2 and encrypted gp3 root volumes, or EKS Auto Mode.
 *
 * The IAM OIDC provider is created without `thumbprint_list` (optional and computed in the AWS
 * provider 5.100 schema): when the list is omitted, IAM fetches the thumbprint of the issuer's
 * top intermediate CA itself (CreateOpenIDConnectProvider), so no `tls` provider is needed and no
 * thumbprint has to be kept up to date here.
 */
export class EksCluster extends Construct {
  readonly cluster: EksClusterResource;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly clusterEndpoint: string;
  /** Base64 PEM of the cluster CA, for Kubernetes / Helm provider configuration. */
  readonly clusterCertificateAuthorityData: string;
  /** Issuer URL as EKS reports it: `https://oidc.eks.<region>.amazonaws.com/id/<id>`. */
  readonly oidcIssuerUrl: string;
  /**
   * The issuer without `https://` (from the IAM OIDC provider): the prefix of IRSA trust-policy
   * condition keys. Pass this, with `oidcProviderArn`, to IRSA roles made outside the module.
   */
  readonly oidcProvider: string;
  readonly oidcProviderArn: string;
  /** The security group this module adds to the control-plane ENIs (API access rules). */
  readonly clusterSecurityGroupId: string;
  /**
   * The cluster's primary security group, created by EKS. Managed nodes (and Auto Mode nodes) use
   * it; allow database or other access from this group to reach the nodes' pods.
   */
  readonly nodeSecurityGroupId: string;
  readonly clusterRoleArn: string;
  /** Role of the EC2 nodes (managed node groups, or Auto Mode's node pools). */
  readonly nodeRoleArn: string;
  /** Its name: what an Auto Mode NodeClass's `spec.role` takes. */
  readonly nodeRoleName: string;
  readonly secretsKmsKeyArn: string;
  readonly logsKmsKeyArn: string;
  /** Key of the node root volumes and of persistent volumes (name it in the StorageClass). */
  readonly ebsKmsKeyArn: string;
  readonly logGroupName: string;
  readonly cloudwatchAgentRoleArn: string;
  /** IRSA role of the aws-ebs-csi-driver add-on; managed-node-groups mode only. */
  readonly ebsCsiDriverRoleArn?: string;
  /** IRSA role of the vpc-cni add-on; managed-node-groups mode only. */
  readonly vpcCniRoleArn?: string;
  /** The role this module created for people to administer the cluster, if any. */
  readonly adminRoleArn?: string;
  readonly nodeGroups: readonly EksManagedNodeGroup[];
  readonly addons: Readonly<Partial<Record<EksAddonName, EksAddon>>>;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const autoMode = props.computeMode === "auto-mode";
    if (autoMode && props.nodeGroups.length > 0) {
      throw new Error(
        `EKS cluster ${props.name}: computeMode "auto-mode" takes its nodes from Auto Mode NodePools, but ${props.nodeGroups.length} managed node group(s) are configured. Fix: remove the node groups (describe the capacity as NodePools), or use computeMode "managed-node-groups".`,
      );
    }
    if (!autoMode && props.nodeGroups.length === 0) {
      throw new Error(`EKS cluster ${props.name}: computeMode "managed-node-groups" needs at least one node group. Fix: add a node group, or use "auto-mode".`);
    }
    const { name, region } = props;
    const account = new DataAwsCallerIdentity(this, "caller").accountId;
    const logGroupName = `/aws/eks/${name}/cluster`;
    // Container Insights (the amazon-cloudwatch-observability add-on) writes here; created up front
    // with this module's key and retention, so the agents do not create them unencrypted and kept forever.
    const insightsLogGroupNames = CONTAINER_INSIGHTS_LOG_GROUPS.map((group) => `/aws/containerinsights/${name}/${group}`);

    // ---- Keys -------------------------------------------------------------------------------
    const secretsKey = new CustomerManagedKey(this, "secrets-key", {
      alias: `${name}-eks-secrets`,
      description: `EKS ${name}: envelope encryption of Kubernetes secrets`,
    });
    const logsKey = new CustomerManagedKey(this, "logs-key", {
      alias: `${name}-eks-logs`,
      description: `EKS ${name}: control-plane and Container Insights log groups`,
      serviceStatements: [
        {
          sid: "CloudWatchLogsEncryptsTheClusterLogGroups",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [logGroupName, ...insightsLogGroupNames].map((group) => `arn:aws:logs:${region}:${account}:log-group:${group}`),
            },
          ],
        },
      ],
    });
    this.secretsKmsKeyArn = secretsKey.arn;
    this.logsKmsKeyArn = logsKey.arn;

    // ---- Control-plane log group (exists before the cluster, so EKS does not create it) ------
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: logsKey.arn,
      tags: { Name: logGroupName },
    });
    this.logGroupName = logGroup.name;
    const insightsLogGroups = insightsLogGroupNames.map(
      (groupName, i) =>
        new CloudwatchLogGroup(this, `container-insights-${CONTAINER_INSIGHTS_LOG_GROUPS[i]}`, {
          name: groupName,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: logsKey.arn,
          tags: { Name: groupName },
        }),
    );

    // ---- Cluster IAM role -------------------------------------------------------------------
    const clusterTrust = new DataAwsIamPolicyDocument(this, "cluster-trust", {
      statement: [
        {
          sid: "EksAssumesClusterRole",
          actions: autoMode ? ["sts:AssumeRole", "sts:TagSession"] : ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["eks.amazonaws.com"] }],
        },
      ],
    });
    const clusterRole = new IamRole(this, "cluster-role", {
      name: `${name}-cluster`,
      description: `EKS ${name} control plane`,
      assumeRolePolicy: clusterTrust.json,
      forceDetachPolicies: true,
    });
    this.clusterRoleArn = clusterRole.arn;
    const clusterPolicies = autoMode
      ? [AWS_MANAGED_POLICY.eksCluster, AWS_MANAGED_POLICY.eksCompute, AWS_MANAGED_POLICY.eksBlockStorage, AWS_MANAGED_POLICY.eksLoadBalancing, AWS_MANAGED_POLICY.eksNetworking]
      : [AWS_MANAGED_POLICY.eksCluster];
    const clusterRoleReady: ITerraformDependable[] = clusterPolicies.map(
      (policyArn) => new IamRolePolicyAttachment(this, `cluster-role-${policyArn.split("/").pop()}`, { role: clusterRole.name, policyArn }),
    );
    const clusterRoleInline = new DataAwsIamPolicyDocument(this, "cluster-role-inline", {
      statement: [
        {
          sid: "UseSecretsEncryptionKey",
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
          resources: [secretsKey.arn],
        },
        {
          // A cluster still logging during destroy would otherwise re-create the log group,
          // unencrypted and unmanaged (terraform-aws-eks issue #920).
          sid: "DenyCreatingLogGroups",
          effect: "Deny",
          actions: ["logs:CreateLogGroup"],
          resources: ["*"],
        },
        ...(autoMode ? AUTO_MODE_CUSTOM_TAG_STATEMENTS : []),
      ],
    });
    clusterRoleReady.push(new IamRolePolicy(this, "cluster-role-policy", { name: "encryption-and-logs", role: clusterRole.id, policy: clusterRoleInline.json }));

    // ---- Node IAM role ----------------------------------------------------------------------
    const nodeTrust = new DataAwsIamPolicyDocument(this, "node-trust", {
      // Auto Mode's node role also lets EC2 tag the session (terraform-aws-eks v20.37.2 main.tf, eks_auto role).
      statement: [{ sid: "Ec2AssumesNodeRole", actions: autoMode ? ["sts:AssumeRole", "sts:TagSession"] : ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    });
    const nodeRole = new IamRole(this, "node-role", {
      name: `${name}-node`,
      description: `EKS ${name} nodes`,
      assumeRolePolicy: nodeTrust.json,
      forceDetachPolicies: true,
    });
    this.nodeRoleArn = nodeRole.arn;
    this.nodeRoleName = nodeRole.name;
    // The CNI policy is not on the nodes: the vpc-cni add-on gets it through its own IRSA role.
    const nodePolicies = autoMode
      ? [AWS_MANAGED_POLICY.eksWorkerNodeMinimal, AWS_MANAGED_POLICY.ecrPullOnly]
      : [AWS_MANAGED_POLICY.eksWorkerNode, AWS_MANAGED_POLICY.ecrReadOnly];
    const nodeRoleReady: ITerraformDependable[] = nodePolicies.map(
      (policyArn) => new IamRolePolicyAttachment(this, `node-role-${policyArn.split("/").pop()}`, { role: nodeRole.name, policyArn }),
    );

    // ---- Additional cluster security group ---------------------------------------------------
    const clusterSg = new SecurityGroup(this, "cluster-sg", {
      name: `${name}-cluster`,
      description: `EKS ${name}: API endpoint access from inside the network`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${name}-cluster` },
    });
    this.clusterSecurityGroupId = clusterSg.id;
    (props.privateAccessCidrs ?? []).forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `api-from-${Token.isUnresolved(cidr) ? i : cidr.replace(/[./]/g, "-")}`, {
        securityGroupId: clusterSg.id,
        description: `Kubernetes API from ${cidr}`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    });

    // ---- Cluster ----------------------------------------------------------------------------
    const publicEndpoint = props.publicAccessCidrs.length > 0;
    this.cluster = new EksClusterResource(this, "cluster", {
      name,
      version: props.kubernetesVersion,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: [...EKS_CONTROL_PLANE_LOG_TYPES],
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        securityGroupIds: [clusterSg.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        publicAccessCidrs: publicEndpoint ? [...props.publicAccessCidrs] : undefined,
      },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
      upgradePolicy: { supportType: props.supportType ?? "STANDARD" },
      ...(autoMode
        ? {
            bootstrapSelfManagedAddons: false,
            // No built-in node pools (they cannot be bounded): EKS then refuses a node role here,
            // which goes into the custom NodeClass instead (EKS user guide, automode/create-node-pool.adoc,
            // "Cluster without built-in node pools"; CreateCluster: "When Compute Config nodeRoleArn is
            // not null or empty, nodePool value(s) must be provided").
            computeConfig: { enabled: true, nodePools: [] },
            kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
            storageConfig: { blockStorage: { enabled: true } },
          }
        : {}),
      tags: { Name: name },
      dependsOn: [logGroup, ...clusterRoleReady, ...(autoMode ? nodeRoleReady : [])],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.clusterEndpoint = this.cluster.endpoint;
    this.clusterCertificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.nodeSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;

    // ---- Access entries: cluster admins, and Auto Mode's nodes ---------------------------------
    this.adminRoleArn = this.clusterAdminAccess(name, account, props.clusterAdmins);
    if (autoMode) {
      // EKS creates this entry itself only for its built-in NodeClass.
      const entry = new EksAccessEntry(this, "auto-mode-nodes", { clusterName: this.cluster.name, principalArn: nodeRole.arn, type: "EC2", dependsOn: nodeRoleReady });
      new EksAccessPolicyAssociation(this, "auto-mode-nodes-policy", {
        clusterName: this.cluster.name,
        principalArn: nodeRole.arn,
        policyArn: EKS_AUTO_NODE_ACCESS_POLICY,
        accessScope: { type: "cluster" },
        dependsOn: [entry],
      });
    }

    // ---- IRSA: OIDC provider and add-on roles -----------------------------------------------
    const oidc = new IamOpenidConnectProvider(this, "oidc-provider", {
      url: this.oidcIssuerUrl,
      clientIdList: [IRSA_AUDIENCE],
      tags: { Name: `${name}-eks-irsa` },
    });
    this.oidcProviderArn = oidc.arn;
    // Taken from the provider rather than the cluster: trust policies then depend only on the
    // provider, and do not show as changing whenever the cluster has an update pending.
    this.oidcProvider = stripHttps(oidc.url);
    const irsa = (id: string, namespace: string, serviceAccount: string, managedPolicyArns: string[], inlinePolicies?: Record<string, string>) =>
      new IrsaRole(this, id, {
        name: `${name}-${id}`,
        oidcProviderArn: oidc.arn,
        oidcIssuerUrl: oidc.url,
        namespace,
        serviceAccount,
        managedPolicyArns,
        inlinePolicies,
      });

    const cloudwatchAgent = irsa("cloudwatch-agent", "amazon-cloudwatch", "cloudwatch-agent", [
      AWS_MANAGED_POLICY.cloudWatchAgentServer,
      AWS_MANAGED_POLICY.xrayWriteOnly,
    ]);
    this.cloudwatchAgentRoleArn = cloudwatchAgent.arn;

    const serviceAccountRoles: Partial<Record<EksAddonName, string>> = { "amazon-cloudwatch-observability": cloudwatchAgent.arn };
    const nodeGroups: EksManagedNodeGroup[] = [];
    const addons: Partial<Record<EksAddonName, EksAddon>> = {};
    const addon = (addonName: EksAddonName, dependsOn: ITerraformDependable[]) => {
      addons[addonName] = new EksAddon(this, `addon-${addonName}`, {
        clusterName: this.cluster.name,
        addonName,
        addonVersion: props.addonVersions?.[addonName] ?? this.mostRecentAddonVersion(addonName),
        serviceAccountRoleArn: serviceAccountRoles[addonName],
        configurationValues: ADDON_CONFIGURATION[addonName],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
      });
    };

    // ---- EBS: one key for node root volumes and persistent volumes (gp3 StorageClass) -------
    const ebsKey = new CustomerManagedKey(this, "ebs-key", {
      alias: `${name}-eks-ebs`,
      description: `EKS ${name}: node root volumes and persistent volumes`,
      serviceStatements: [
        {
          // As in the AWS managed aws/ebs key (and the EKS Auto Mode storage-class guide): principals
          // of this account may use the key through EC2 only. EC2 Auto Scaling's service-linked role
          // needs this to launch nodes with volumes encrypted by a customer managed key.
          sid: "AccountPrincipalsUseKeyThroughEc2",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: ["*"] }],
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
          resources: ["*"],
          condition: [
            { test: "StringEquals", variable: "kms:CallerAccount", values: [account] },
            { test: "StringEquals", variable: "kms:ViaService", values: [`ec2.${region}.amazonaws.com`] },
          ],
        },
      ],
    });
    this.ebsKmsKeyArn = ebsKey.arn;
    // What creates volumes needs the key: the EBS CSI driver (terraform-aws-iam
    // iam-role-for-service-accounts-eks, ebs_csi_kms_cmk_ids), or in Auto Mode the cluster role
    // (Amazon EKS user guide, automode/create-storage-class.adoc).
    const ebsKeyUse = new DataAwsIamPolicyDocument(this, "ebs-key-use", {
      statement: [
        {
          sid: "GrantsForEncryptedVolumes",
          actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
          resources: [ebsKey.arn],
          condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
        },
        {
          sid: "UseVolumeKey",
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          resources: [ebsKey.arn],
        },
      ],
    });

    if (autoMode) {
      new IamRolePolicy(this, "cluster-role-ebs-key", { name: "ebs-volume-key", role: clusterRole.id, policy: ebsKeyUse.json });
      for (const addonName of AUTO_MODE_ADDONS) addon(addonName, insightsLogGroups);
    } else {
      const vpcCni = irsa("vpc-cni", "kube-system", "aws-node", [AWS_MANAGED_POLICY.eksCni]);
      this.vpcCniRoleArn = vpcCni.arn;
      const ebsCsi = irsa("ebs-csi-driver", "kube-system", "ebs-csi-controller-sa", [AWS_MANAGED_POLICY.ebsCsiDriver], { "ebs-kms": ebsKeyUse.json });
      this.ebsCsiDriverRoleArn = ebsCsi.arn;
      serviceAccountRoles["vpc-cni"] = vpcCni.arn;
      serviceAccountRoles["aws-ebs-csi-driver"] = ebsCsi.arn;

      for (const addonName of ADDONS_BEFORE_NODES) addon(addonName, []);
      for (const spec of props.nodeGroups) {
        nodeGroups.push(
          new EksManagedNodeGroup(this, `node-group-${spec.name}`, {
            ...spec,
            clusterName: this.cluster.name,
            namePrefix: name,
            kubernetesVersion: this.cluster.version,
            nodeRoleArn: nodeRole.arn,
            subnetIds: props.nodeSubnetIds ?? props.subnetIds,
            volumeKmsKeyArn: ebsKey.arn,
            dependsOn: [...nodeRoleReady, ...ADDONS_BEFORE_NODES.map((addonName) => addons[addonName]!)],
          }),
        );
      }
      const nodes = nodeGroups.map((group) => group.nodeGroup);
      for (const addonName of EKS_ADDONS.filter((a) => !ADDONS_BEFORE_NODES.includes(a))) {
        addon(addonName, addonName === "amazon-cloudwatch-observability" ? [...nodes, ...insightsLogGroups] : nodes);
      }
    }
    this.nodeGroups = nodeGroups;
    this.addons = addons;
  }

  /**
   * The newest version EKS publishes of an add-on for this cluster's Kubernetes version, read at
   * plan time. Written as `one(…[*].version)` so the expression stays valid when a deployment
   * target creates the data source zero times.
   */
  private mostRecentAddonVersion(addonName: EksAddonName): string {
    const lookup = new DataAwsEksAddonVersion(this, `addon-version-${addonName}`, {
      addonName,
      kubernetesVersion: this.cluster.version,
      mostRecent: true,
    });
    return `\${one(data.aws_eks_addon_version.${lookup.friendlyUniqueId}[*].version)}`;
  }

  /** Access entries (cluster-admin policy) for principals that exist: created here or looked up. */
  private clusterAdminAccess(name: string, account: string, admins: ClusterAdminsProps): string | undefined {
    const principals: { id: string; arn: string }[] = [];
    let adminRoleArn: string | undefined;
    if (admins.createAdminRole ?? true) {
      const role = new IamRole(this, "admin-role", {
        name: `${name}-cluster-admin`,
        description: `People administering EKS ${name} (access entry with AmazonEKSClusterAdminPolicy)`,
        assumeRolePolicy: new DataAwsIamPolicyDocument(this, "admin-role-trust", {
          statement: [
            {
              // The account's own principals, as far as their IAM policies allow, and only with MFA
              // (terraform-aws-iam iam-assumable-role's role_requires_mfa default).
              sid: "AccountPrincipalsWithMfa",
              actions: ["sts:AssumeRole", "sts:TagSession"],
              principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }],
              condition: [{ test: "Bool", variable: "aws:MultiFactorAuthPresent", values: ["true"] }],
            },
          ],
        }).json,
        maxSessionDuration: 3600,
      });
      new IamRolePolicy(this, "admin-role-policy", {
        name: "find-the-cluster",
        role: role.id,
        // Enough for `aws eks update-kubeconfig`; Kubernetes permissions come from the access entry.
        policy: new DataAwsIamPolicyDocument(this, "admin-role-permissions", {
          statement: [{ sid: "DescribeThisCluster", actions: ["eks:DescribeCluster"], resources: [this.clusterArn] }],
        }).json,
      });
      adminRoleArn = role.arn;
      principals.push({ id: "cluster-admin-role", arn: role.arn });
    }
    for (const roleName of admins.existingRoleNames ?? []) {
      principals.push({ id: `role-${roleName}`, arn: new DataAwsIamRole(this, `existing-role-${roleName}`, { name: roleName }).arn });
    }
    for (const userName of admins.existingUserNames ?? []) {
      principals.push({ id: `user-${userName}`, arn: new DataAwsIamUser(this, `existing-user-${userName}`, { userName }).arn });
    }
    const viewers = (admins.viewerRoleNames ?? []).map((roleName) => ({
      id: `role-${roleName}`,
      arn: new DataAwsIamRole(this, `existing-viewer-role-${roleName}`, { name: roleName }).arn,
    }));
    this.grantClusterAccess("admin", principals, EKS_CLUSTER_ADMIN_ACCESS_POLICY);
    this.grantClusterAccess("viewer", viewers, EKS_ADMIN_VIEW_ACCESS_POLICY);
    return adminRoleArn;
  }

  /** An access entry and a cluster-wide access policy association per principal. */
  private grantClusterAccess(kind: string, principals: { id: string; arn: string }[], policyArn: string): void {
    for (const { id, arn: principalArn } of principals) {
      const resourceId = id.replace(/[^A-Za-z0-9-]/g, "-");
      const entry = new EksAccessEntry(this, `${kind}-${resourceId}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD" });
      // Ordered by depends_on rather than an attribute reference, so either resource can be
      // switched off (count = 0) on its own by an aspect without breaking the other.
      new EksAccessPolicyAssociation(this, `${kind}-${resourceId}-policy`, {
        clusterName: this.cluster.name,
        principalArn,
        policyArn,
        accessScope: { type: "cluster" },
        dependsOn: [entry],
      });
    }
  }
}
