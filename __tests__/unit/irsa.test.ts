import { describe, expect, it } from "vitest";
import { moduleTestStack, synthModuleStack } from "../support/module-test-stack";
import type { SynthesizedStack } from "../support/synth";
import { IrsaRole, stripHttps } from "../../modules/iam/irsa-role";
import { PlatformIrsaRoles, type PlatformIrsaRolesProps } from "../../modules/eks/platform-roles";
import { AWS_LOAD_BALANCER_CONTROLLER_POLICY } from "../../modules/iam/policies/aws-load-balancer-controller";

/** IRSA roles: exact trust policies, and least privilege for the platform services. */

type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

const bodies = (s: SynthesizedStack, type: string): Block[] => Object.values(s.json.resource?.[type] ?? {});
function statementsOf(s: SynthesizedStack, reference: string): Block[] {
  const id = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference)?.[1];
  if (!id) throw new Error(`not a policy document reference: ${reference}`);
  return s.json.data!.aws_iam_policy_document![id]!.statement as Block[];
}
function roleNamed(s: SynthesizedStack, name: string): [string, Block] {
  const found = Object.entries(s.json.resource?.aws_iam_role ?? {}).find(([, body]) => body.name === name);
  if (!found) throw new Error(`no IAM role named ${name}`);
  return found as [string, Block];
}
const inlinePoliciesOf = (s: SynthesizedStack, roleId: string) => bodies(s, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`);

/** The exact trust statement every IRSA role must have. */
const expectedTrust = (namespace: string, serviceAccount: string) => [
  {
    sid: "ServiceAccountAssumesRoleWithWebIdentity",
    effect: "Allow",
    actions: ["sts:AssumeRoleWithWebIdentity"],
    principals: [{ type: "Federated", identifiers: [PROVIDER_ARN] }],
    condition: [
      { test: "StringEquals", variable: `${ISSUER}:sub`, values: [`system:serviceaccount:${namespace}:${serviceAccount}`] },
      { test: "StringEquals", variable: `${ISSUER}:aud`, values: ["sts.amazonaws.com"] },
    ],
  },
];

describe("modules/iam IrsaRole", () => {
  function synthRole(oidcIssuerUrl: string) {
    const { stack } = moduleTestStack();
    new IrsaRole(stack, "app", {
      name: "pipeops-dev-app",
      oidcProviderArn: PROVIDER_ARN,
      oidcIssuerUrl,
      namespace: "apps",
      serviceAccount: "api",
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
      inlinePolicies: { "read-queue": JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-west-2:123456789012:jobs" }] }) },
    });
    return synthModuleStack(stack);
  }

  it("trusts exactly one service account of one cluster, for the STS audience", () => {
    const synth = synthRole(ISSUER);
    const [, role] = roleNamed(synth, "pipeops-dev-app");
    expect(statementsOf(synth, role.assume_role_policy)).toEqual(expectedTrust("apps", "api"));
  });

  it("accepts the issuer URL with https:// and writes the condition keys without it", () => {
    const synth = synthRole(`https://${ISSUER}`);
    const [, role] = roleNamed(synth, "pipeops-dev-app");
    expect(statementsOf(synth, role.assume_role_policy)).toEqual(expectedTrust("apps", "api"));
    expect(stripHttps(`https://${ISSUER}`)).toBe(ISSUER);
  });

  it("attaches the managed policies and inline policies it is given, and nothing else", () => {
    const synth = synthRole(ISSUER);
    const [roleId] = roleNamed(synth, "pipeops-dev-app");
    expect(bodies(synth, "aws_iam_role_policy_attachment")).toEqual([
      { role: `\${aws_iam_role.${roleId}.name}`, policy_arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
    ]);
    const inline = inlinePoliciesOf(synth, roleId);
    expect(inline).toHaveLength(1);
    expect(inline[0]!.name).toBe("read-queue");
    expect(JSON.parse(inline[0]!.policy).Statement[0].Resource).toBe("arn:aws:sqs:us-west-2:123456789012:jobs");
  });
});

describe("modules/eks PlatformIrsaRoles", () => {
  const MONITORING = ["arn:aws:secretsmanager:us-west-2:123456789012:secret:pipeops/dev/grafana-admin-??????"];
  const PAYMENTS = ["arn:aws:secretsmanager:us-west-2:123456789012:secret:pipeops/dev/apps/payments/*"];
  const KEY_ARNS = ["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"];
  const props: PlatformIrsaRolesProps = {
    namePrefix: "pipeops-dev",
    region: "us-west-2",
    oidcProviderArn: PROVIDER_ARN,
    oidcIssuerUrl: `https://${ISSUER}`,
    loadBalancerController: true,
    secretStores: [
      { namespace: "monitoring", secretArnPatterns: MONITORING },
      { namespace: "payments", secretArnPatterns: PAYMENTS },
    ],
    secretKmsKeyArns: KEY_ARNS,
  };
  const { stack } = moduleTestStack();
  const roles = new PlatformIrsaRoles(stack, "platform-roles", props);
  const synth = synthModuleStack(stack);

  it("gives each reading namespace a role trusted only by that namespace's secrets-reader service account", () => {
    for (const namespace of ["monitoring", "payments"]) {
      const [, role] = roleNamed(synth, `pipeops-dev-secrets-${namespace}`);
      expect(statementsOf(synth, role.assume_role_policy)).toEqual(expectedTrust(namespace, "secrets-reader"));
    }
    // External Secrets' own service account has no role at all.
    expect(() => roleNamed(synth, "pipeops-dev-external-secrets")).toThrow();
  });

  it("lets each namespace read only its own secrets and decrypt only with the given keys, through Secrets Manager", () => {
    for (const [namespace, patterns] of [["monitoring", MONITORING], ["payments", PAYMENTS]] as const) {
      const [roleId] = roleNamed(synth, `pipeops-dev-secrets-${namespace}`);
      expect(bodies(synth, "aws_iam_role_policy_attachment").filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`)).toEqual([]);
      const inline = inlinePoliciesOf(synth, roleId);
      expect(inline).toHaveLength(1);
      const statements = statementsOf(synth, inline[0]!.policy);
      expect(statements).toEqual([
        { sid: "ReadNamespaceSecrets", actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], resources: patterns },
        {
          sid: "DecryptThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: KEY_ARNS,
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.us-west-2.amazonaws.com"] }],
        },
      ]);
    }
    expect(Object.keys(roles.secretStoreRoleArns)).toEqual(["monitoring", "payments"]);
  });

  it("refuses a store that reads every secret, or none", () => {
    const fresh = () => moduleTestStack().stack;
    const store = (secretArnPatterns: string[]) => ({ ...props, secretStores: [{ namespace: "payments", secretArnPatterns }] });
    expect(() => new PlatformIrsaRoles(fresh(), "r", store(["*"]))).toThrow(/must not read every secret/);
    expect(() => new PlatformIrsaRoles(fresh(), "r", store(["arn:aws:secretsmanager:us-west-2:123456789012:secret:*"]))).toThrow(/must not read every secret/);
    expect(() => new PlatformIrsaRoles(fresh(), "r", store([]))).toThrow(/at least one secret ARN pattern/);
  });

  it("gives the AWS Load Balancer Controller (kube-system/aws-load-balancer-controller) the upstream policy", () => {
    const [roleId, role] = roleNamed(synth, "pipeops-dev-load-balancer-controller");
    expect(statementsOf(synth, role.assume_role_policy)).toEqual(expectedTrust("kube-system", "aws-load-balancer-controller"));
    const inline = inlinePoliciesOf(synth, roleId);
    expect(inline).toHaveLength(1);
    const policy = JSON.parse(inline[0]!.policy);
    expect(policy).toEqual(AWS_LOAD_BALANCER_CONTROLLER_POLICY);
    const actions = policy.Statement.flatMap((s: Block) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["elasticloadbalancing:DescribeListenerAttributes", "ec2:GetSecurityGroupsForVpc", "elasticloadbalancing:CreateLoadBalancer"]));
  });

  it("keeps the Load Balancer Controller's write actions on resources it tagged", () => {
    const createLb = AWS_LOAD_BALANCER_CONTROLLER_POLICY.Statement.find((s) => [s.Action].flat().includes("elasticloadbalancing:CreateLoadBalancer"))!;
    expect(createLb.Condition).toEqual({ Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } });
    const deleteLb = AWS_LOAD_BALANCER_CONTROLLER_POLICY.Statement.find((s) => [s.Action].flat().includes("elasticloadbalancing:DeleteLoadBalancer"))!;
    expect(deleteLb.Condition).toEqual({ Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
    // Inline role policies may total 10,240 characters (whitespace excluded).
    expect(JSON.stringify(AWS_LOAD_BALANCER_CONTROLLER_POLICY).length).toBeLessThan(10_240);
  });

  it("exposes the role ARNs", () => {
    expect(roles.secretStoreRoleArns.payments).toEqual(expect.any(String));
    expect(roles.loadBalancerControllerRoleArn).toEqual(expect.any(String));
  });
});
