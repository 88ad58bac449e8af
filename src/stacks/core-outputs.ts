/**
 * The names of the outputs every core stack (`<env>`, and `dr`) publishes. The platform stacks and
 * the DR stack read them from remote state, so they are a contract: rename only with care.
 */
export const CORE_OUTPUT = {
  vpcId: "vpc_id",
  vpcCidr: "vpc_cidr",
  publicSubnetIds: "public_subnet_ids",
  privateSubnetIds: "private_subnet_ids",
  databaseSubnetIds: "database_subnet_ids",
  clusterName: "cluster_name",
  clusterEndpoint: "cluster_endpoint",
  clusterCertificateAuthorityData: "cluster_certificate_authority_data",
  clusterOidcIssuerUrl: "cluster_oidc_issuer_url",
  oidcProviderArn: "oidc_provider_arn",
  nodeRoleName: "node_role_name",
  nodeSecurityGroupId: "node_security_group_id",
  secretStoreRoleArns: "secret_store_role_arns",
  loadBalancerControllerRoleArn: "load_balancer_controller_role_arn",
  alertTopicArn: "alert_topic_arn",
  alertmanagerRoleArn: "alertmanager_role_arn",
  externalDnsRoleArn: "external_dns_role_arn",
  certificateArn: "certificate_arn",
  cloudwatchAgentRoleArn: "cloudwatch_agent_role_arn",
  ebsCsiDriverRoleArn: "ebs_csi_driver_role_arn",
  ebsKmsKeyArn: "ebs_kms_key_arn",
  grafanaAdminSecretName: "grafana_admin_secret_name",
  databaseArn: "db_instance_arn",
  databaseEndpoint: "db_instance_endpoint",
  databaseMasterSecretArn: "db_master_secret_arn",
} as const;

export type CoreOutputName = (typeof CORE_OUTPUT)[keyof typeof CORE_OUTPUT];
