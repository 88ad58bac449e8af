import { allowsAllAddresses, asStrings, block, blocks, isFalse, isSet } from "../stack-view";
import { defineRule, eachResource, type Rule } from "./rule";

export const EKS_CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const CLUSTER = ["aws_eks_cluster"];

export const eksRules: Rule[] = [
  defineRule("AWS-0038", CLUSTER, (view) =>
    eachResource(view, CLUSTER, (cluster) => {
      const value = cluster.body.enabled_cluster_log_types;
      if (typeof value === "string") return "enabled_cluster_log_types is an expression the guardrail cannot read; list the log types literally.";
      const enabled = asStrings(value);
      const missing = EKS_CONTROL_PLANE_LOG_TYPES.filter((type) => !enabled.includes(type));
      return missing.length === 0 ? undefined : `enabled_cluster_log_types lacks ${missing.join(", ")}.`;
    }),
  ),
  defineRule("AWS-0039", CLUSTER, (view) =>
    eachResource(view, CLUSTER, (cluster) => {
      const configs = blocks(cluster.body.encryption_config);
      const secrets = configs.filter((config) => asStrings(config.resources).includes("secrets"));
      if (secrets.length === 0) return "no encryption_config covers the \"secrets\" resource.";
      if (!secrets.some((config) => isSet(block(config.provider)?.key_arn))) return "encryption_config for secrets has no provider.key_arn.";
      return undefined;
    }),
  ),
  defineRule("AWS-0040", CLUSTER, (view) =>
    eachResource(view, CLUSTER, (cluster) => {
      const publicAccess = block(cluster.body.vpc_config)?.endpoint_public_access;
      if (isFalse(publicAccess)) return undefined;
      return publicAccess === undefined ? "vpc_config.endpoint_public_access is not set and defaults to true." : "vpc_config.endpoint_public_access is true.";
    }),
  ),
  defineRule("AWS-0041", CLUSTER, (view) =>
    eachResource(view, CLUSTER, (cluster) => {
      const vpc = block(cluster.body.vpc_config);
      if (isFalse(vpc?.endpoint_public_access)) return undefined;
      if (!isSet(vpc?.public_access_cidrs)) return "the public endpoint is on and vpc_config.public_access_cidrs is not set, so it defaults to 0.0.0.0/0.";
      const open = asStrings(vpc?.public_access_cidrs).filter(allowsAllAddresses);
      return open.length === 0 ? undefined : `vpc_config.public_access_cidrs contains ${open.join(", ")}.`;
    }),
  ),
];
