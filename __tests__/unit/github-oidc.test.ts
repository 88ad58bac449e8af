import { describe, expect, it } from "vitest";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AWS, buildTestApp, resourcesOf, synthStack, type SynthesizedStack, sharedTestApp } from "../support/synth";
import { GithubOidc, githubRoleNames } from "../../backend/github-oidc";
import { GITHUB_DEFAULT_BRANCH, GITHUB_DEPLOY_BRANCHES, GITHUB_REPOSITORY } from "../../src/config/github";
import { prod, staging } from "../../environments";

/**
 * GitHub Actions reaches AWS through OIDC only: per environment, the bootstrap stack's identity
 * provider, a read-only plan role for its branches, a pull-request plan role that reads no secret
 * value, and an environment-gated deploy role, each trusted for this repository and nothing else.
 */

type Statement = {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
};

const built = sharedTestApp(AWS);

/** IAM's resource matching: `*` is any run of characters, `?` one character. */
function matchesIamPattern(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(value);
}

const environments = built.environments;

function roleNamed(stack: SynthesizedStack, name: string): Record<string, unknown> {
  const role = resourcesOf(stack, "aws_iam_role").find(([, body]) => body.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role[1];
}

/** The statements of the policy document a `${data.aws_iam_policy_document.<id>.json}` reference names. */
function documentOf(stack: SynthesizedStack, reference: unknown): Statement[] {
  const id = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))?.[1];
  if (!id) throw new Error(`not a policy document reference: ${String(reference)}`);
  return stack.json.data!.aws_iam_policy_document![id]!.statement as Statement[];
}

function policyReferenceOf(stack: SynthesizedStack, type: string, predicate: (body: Record<string, unknown>) => boolean): unknown {
  const found = resourcesOf(stack, type).filter(([, body]) => predicate(body));
  expect(found).toHaveLength(1);
  return found[0]![1].policy;
}

const referenceTo = (stack: SynthesizedStack, type: string, name?: string) => {
  const found = resourcesOf(stack, type).filter(([, body]) => name === undefined || body.name === name || body.bucket === name);
  expect(found).toHaveLength(1);
  return `\${${type}.${found[0]![0]}`;
};

describe.each(environments.map((env) => [env.name, env] as const))("%s-bootstrap: GitHub OIDC", (name, env) => {
  const stack = synthStack(built, `${name}-bootstrap`);
  const roles = githubRoleNames(env);
  // One provider per account: the first environment of an account creates it, the others read it.
  const createsProvider = environments.find((other) => other.accountId === env.accountId)!.name === name;
  const provider = createsProvider
    ? `${referenceTo(stack, "aws_iam_openid_connect_provider")}.arn}`
    : `\${data.aws_iam_openid_connect_provider.${Object.keys(stack.json.data!.aws_iam_openid_connect_provider!)[0]!}.arn}`;
  const repo = GITHUB_REPOSITORY;
  const deployBranch = GITHUB_DEPLOY_BRANCHES[name] ?? GITHUB_DEFAULT_BRANCH;

  it(createsProvider ? "creates the GitHub identity provider for the STS audience" : "reads the GitHub identity provider of the environment it shares an account with", () => {
    if (createsProvider) {
      const [[, oidc]] = resourcesOf(stack, "aws_iam_openid_connect_provider");
      expect(oidc).toMatchObject({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    } else {
      expect(resourcesOf(stack, "aws_iam_openid_connect_provider")).toEqual([]);
      expect(Object.values(stack.json.data!.aws_iam_openid_connect_provider!)[0]).toMatchObject({ url: "https://token.actions.githubusercontent.com" });
    }
  });

  const trustOf = (sid: string, subjects: string[]) => [
    {
      sid,
      effect: "Allow",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [provider] }],
      condition: [
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
        { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: subjects },
      ],
    },
  ];

  it("trusts the plan role for the deploying and the default branch only, never a pull request", () => {
    const expectedBranches = [...new Set([deployBranch, GITHUB_DEFAULT_BRANCH])];
    expect(documentOf(stack, roleNamed(stack, roles.plan).assume_role_policy)).toEqual(
      trustOf("GitHubActionsPlan", expectedBranches.map((branch) => `repo:${repo}:ref:refs/heads/${branch}`)),
    );
  });

  it("trusts the pull-request plan role for this repository's pull requests only", () => {
    expect(documentOf(stack, roleNamed(stack, roles.pullRequestPlan).assume_role_policy)).toEqual(trustOf("GitHubActionsPullRequestPlan", [`repo:${repo}:pull_request`]));
  });

  it("gives the pull-request plan role ReadOnlyAccess and the plan role's state access, and denies it every secret value", () => {
    const attachments = resourcesOf(stack, "aws_iam_role_policy_attachment").filter(([, body]) => String(body.role).includes("_pr-plan-role"));
    expect(attachments.map(([, body]) => body.policy_arn)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    const policy = (role: string) => documentOf(stack, policyReferenceOf(stack, "aws_iam_role_policy", (body) => String(body.role).startsWith(`\${aws_iam_role.${role}`)));
    const planRoleId = resourcesOf(stack, "aws_iam_role").find(([, body]) => body.name === roles.plan)![0];
    const prRoleId = resourcesOf(stack, "aws_iam_role").find(([, body]) => body.name === roles.pullRequestPlan)![0];
    const pullRequest = policy(prRoleId);
    // The same state and metadata statements as the plan role (one helper writes both).
    expect(pullRequest.slice(0, 7)).toEqual(policy(planRoleId).slice(0, 7));
    expect(pullRequest.filter((st) => st.effect === "Allow").flatMap((st) => st.actions!)).not.toContain("secretsmanager:GetSecretValue");
    expect(pullRequest.filter((st) => st.effect === "Deny")).toEqual([
      { sid: "NoSecretValues", effect: "Deny", actions: ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"], resources: ["*"] },
      {
        sid: "NoDecryptionThroughSecretsManager",
        effect: "Deny",
        actions: ["kms:Decrypt"],
        resources: ["*"],
        condition: [{ test: "StringLike", variable: "kms:ViaService", values: ["secretsmanager.*.amazonaws.com"] }],
      },
    ]);
  });

  it("trusts the deploy role for jobs in the environment's GitHub environment only", () => {
    expect(documentOf(stack, roleNamed(stack, roles.deploy).assume_role_policy)).toEqual([
      {
        sid: "GitHubActionsDeploy",
        effect: "Allow",
        actions: ["sts:AssumeRoleWithWebIdentity"],
        principals: [{ type: "Federated", identifiers: [provider] }],
        condition: [
          { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
          { test: "StringEquals", variable: "token.actions.githubusercontent.com:sub", values: [`repo:${repo}:environment:${name}`] },
        ],
      },
    ]);
  });

  it("gives the plan role ReadOnlyAccess and nothing else managed", () => {
    const attachments = resourcesOf(stack, "aws_iam_role_policy_attachment").filter(([, body]) => String(body.role).includes("_plan-role"));
    expect(attachments.map(([, body]) => body.policy_arn)).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
  });

  it("lets the plan role read the state and write nothing but lock files and lock items", () => {
    const statements = documentOf(stack, policyReferenceOf(stack, "aws_iam_role_policy", (body) => String(body.role).includes("_plan-role")));
    const bucket = `${referenceTo(stack, "aws_s3_bucket", `pipeops-tfstate-${name}-${env.accountId}`)}.arn}`;
    const table = `${referenceTo(stack, "aws_dynamodb_table")}.arn}`;
    const key = `${referenceTo(stack, "aws_kms_key")}.arn}`;
    // The state statements exactly; what the secret statements allow is evaluated in iam-evaluation.test.ts.
    expect(statements.slice(0, 6)).toEqual([
      { sid: "ListStateBucket", effect: "Allow", actions: ["s3:ListBucket"], resources: [bucket] },
      { sid: "ReadState", effect: "Allow", actions: ["s3:GetObject"], resources: [`${bucket}/*`] },
      { sid: "WriteLockFilesOnly", effect: "Allow", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${bucket}/*.tflock`] },
      { sid: "LockTableItems", effect: "Allow", actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], resources: [table] },
      { sid: "UseStateKey", effect: "Allow", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [key] },
      {
        sid: "ReadOtherStateOfTheAccount",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [`arn:aws:kms:*:${env.accountId}:key/*`],
        condition: [{ test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: ["alias/pipeops-tfstate-*"] }],
      },
    ]);
    const writes = statements.filter((st) => st.effect === "Allow").flatMap((st) => st.actions!).filter((action) => !/^(s3:(List|Get)|dynamodb:GetItem|kms:(Decrypt|Describe|Get|List)|secretsmanager:(Describe|Get|List))/.test(action));
    expect(writes.sort()).toEqual(["dynamodb:DeleteItem", "dynamodb:PutItem", "kms:Encrypt", "kms:GenerateDataKey", "s3:DeleteObject", "s3:PutObject"]);
  });

  it("bounds the deploy role's AdministratorAccess with a permissions boundary", () => {
    const deploy = roleNamed(stack, roles.deploy);
    const boundary = resourcesOf(stack, "aws_iam_policy").find(([, body]) => body.name === roles.deployBoundary)!;
    expect(deploy.permissions_boundary).toBe(`\${aws_iam_policy.${boundary[0]}.arn}`);
    const attachments = resourcesOf(stack, "aws_iam_role_policy_attachment").filter(([, body]) => String(body.role).includes("deploy-role"));
    expect(attachments.map(([, body]) => body.policy_arn)).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);

    const denies = documentOf(stack, boundary[1].policy).filter((s) => s.effect === "Deny");
    const denied = (action: string, resource: string) => denies.some((s) => s.actions!.includes(action) && (s.resources ?? []).some((pattern) => matchesIamPattern(pattern, resource)));
    const account = env.accountId;
    for (const role of [roles.plan, roles.pullRequestPlan, roles.deploy]) {
      for (const action of ["iam:PassRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"]) {
        expect(denied(action, `arn:aws:iam::${account}:role/${role}`), `${action} on ${role}`).toBe(true);
      }
    }
    // The CI roles of another environment sharing the account are out of reach too.
    expect(denied("iam:UpdateAssumeRolePolicy", `arn:aws:iam::${account}:role/pipeops-other-github-deploy`)).toBe(true);
    expect(denied("iam:UpdateAssumeRolePolicy", `arn:aws:iam::${account}:role/pipeops-${name}-eks-node`)).toBe(false);
    expect(denied("iam:CreatePolicyVersion", `arn:aws:iam::${account}:policy/${roles.deployBoundary}`)).toBe(true);
    expect(denied("iam:DeleteOpenIDConnectProvider", `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`)).toBe(true);
    for (const action of ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"]) expect(denied(action, "*")).toBe(true);
    expect(denied("s3:DeleteBucket", `arn:aws:s3:::pipeops-tfstate-${name}-${account}`)).toBe(true);
    expect(denied("s3:PutBucketPolicy", `arn:aws:s3:::pipeops-tfstate-${name}-${account}`)).toBe(true);
    expect(denied("s3:DeleteBucket", `arn:aws:s3:::pipeops-${name}-artifacts`)).toBe(false);
    expect(denied("dynamodb:DeleteTable", `arn:aws:dynamodb:${env.region}:${account}:table/pipeops-tfstate-${name}-locks`)).toBe(true);
    expect(denied("kms:DeleteAlias", `arn:aws:kms:${env.region}:${account}:alias/pipeops-tfstate-${name}`)).toBe(true);
    const keyDeny = denies.find((st) => st.actions!.includes("kms:ScheduleKeyDeletion"))!;
    expect(keyDeny).toMatchObject({
      resources: [`arn:aws:kms:*:${account}:key/*`],
      condition: [{ test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: ["alias/pipeops-tfstate-*"] }],
    });
  });

  it("keeps plan sessions short and lets deploy sessions outlast a long apply", () => {
    expect(roleNamed(stack, roles.plan).max_session_duration).toBe(3600);
    expect(roleNamed(stack, roles.pullRequestPlan).max_session_duration).toBe(3600);
    expect(roleNamed(stack, roles.deploy).max_session_duration).toBe(10800);
  });
});

describe("no long-lived credentials", () => {
  it("no stack creates an IAM user, access key or login profile", () => {
    for (const stackName of built.app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id)) {
      const stack = synthStack(built, stackName);
      for (const type of ["aws_iam_user", "aws_iam_access_key", "aws_iam_user_login_profile", "aws_iam_service_specific_credential"]) {
        expect(resourcesOf(stack, type), `${type} in ${stackName}`).toEqual([]);
      }
    }
  });

  it("no trust condition uses a wildcard or StringLike", () => {
    for (const env of environments) {
      const stack = synthStack(built, `${env.name}-bootstrap`);
      for (const role of [githubRoleNames(env).plan, githubRoleNames(env).pullRequestPlan, githubRoleNames(env).deploy]) {
        for (const statement of documentOf(stack, roleNamed(stack, role).assume_role_policy)) {
          for (const condition of statement.condition ?? []) {
            expect(condition.test).toBe("StringEquals");
            for (const value of condition.values) expect(value).not.toMatch(/[*?]/);
          }
        }
      }
    }
  });
});

describe("an account shared by two environments", () => {
  it("has one GitHub provider: the environment built second reads the first one's", () => {
    const shared = buildTestApp(AWS, [
      prod,
      // prod activates the account's cost allocation tags; one environment per account may.
      { ...staging, name: "qa", accountId: prod.accountId, eks: { ...staging.eks, adminPrincipalArns: prod.eks.adminPrincipalArns }, costs: { ...staging.costs, activateCostAllocationTags: false } },
    ]);
    const first = synthStack(shared, "prod-bootstrap");
    const second = synthStack(shared, "qa-bootstrap");
    expect(resourcesOf(first, "aws_iam_openid_connect_provider")).toHaveLength(1);
    expect(resourcesOf(second, "aws_iam_openid_connect_provider")).toHaveLength(0);
    const [[id, lookup]] = Object.entries(second.json.data!.aws_iam_openid_connect_provider!);
    expect(lookup).toMatchObject({ url: "https://token.actions.githubusercontent.com" });
    const trust = documentOf(second, roleNamed(second, "pipeops-qa-github-deploy").assume_role_policy);
    expect(trust[0]!.principals).toEqual([{ type: "Federated", identifiers: [`\${data.aws_iam_openid_connect_provider.${id}.arn}`] }]);
    expect(roleNamed(second, "pipeops-qa-github-plan")).toBeDefined();
  });

  it("reads the existing GitHub provider instead of creating a second one", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "shared");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const oidc = new GithubOidc(stack, "github", {
      env: environments.find((env) => env.name === "prod")!,
      accountId: "333333333333",
      environmentName: "dr",
      repository: GITHUB_REPOSITORY,
      deployBranch: "main",
      defaultBranch: GITHUB_DEFAULT_BRANCH,
      provider: "existing",
      managedSecrets: { namePatterns: ["pipeops/prod/grafana-admin-??????"], keyAliases: ["pipeops-prod-secrets"] },
      state: { bucketArn: "arn:aws:s3:::bucket", lockTableArn: "arn:aws:dynamodb:us-east-1:333333333333:table/locks", kmsKeyArn: "arn:aws:kms:us-east-1:333333333333:key/1" },
    });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, unknown>; data: Record<string, Record<string, { url: string }>> };
    expect(json.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.values(json.data.aws_iam_openid_connect_provider!)[0]!.url).toBe("https://token.actions.githubusercontent.com");
    expect(oidc.subjects).toEqual({
      plan: [`repo:${GITHUB_REPOSITORY}:ref:refs/heads/main`],
      pullRequestPlan: [`repo:${GITHUB_REPOSITORY}:pull_request`],
      deploy: [`repo:${GITHUB_REPOSITORY}:environment:dr`],
    });
  });
});

describe("cluster access of the CI plan roles (the core stacks' EKS access entries)", () => {
  /**
   * EKS access policies whose rules allow reading Kubernetes Secrets: AmazonEKSClusterAdminPolicy
   * (`*`), AmazonEKSAdminPolicy, AmazonEKSEditPolicy (`secrets` get/list/watch),
   * AmazonEKSAdminViewPolicy (`*` get/list/watch, "this includes Kubernetes Secrets") and
   * AmazonEKSSecretReaderPolicy. AmazonEKSViewPolicy has no Secrets rule. EKS user guide,
   * access-policy-permissions (awsdocs/amazon-eks-user-guide
   * latest/ug/manage-access/k8s-access/access-policy-reference.adoc at 145543a9), read 2026-12-08.
   */
  const READS_SECRETS = ["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminViewPolicy", "AmazonEKSSecretReaderPolicy"];

  /** Access policy names per role name, from the role lookups the access entries name. */
  function accessPoliciesByRole(stack: SynthesizedStack): Map<string, string[]> {
    const roleNames = Object.fromEntries(Object.entries(stack.json.data?.aws_iam_role ?? {}).map(([id, body]) => [`\${data.aws_iam_role.${id}.arn}`, String(body.name)]));
    const byRole = new Map<string, string[]>();
    for (const [, association] of resourcesOf(stack, "aws_eks_access_policy_association")) {
      const role = roleNames[String(association.principal_arn)];
      if (role) byRole.set(role, [...(byRole.get(role) ?? []), String(association.policy_arn).split("/").pop()!]);
    }
    return byRole;
  }

  it.each(environments.map((env) => [env.name, env] as const))("%s: the pull-request plan role gets no access policy that reads Secrets (none at all); the branch plan role views the cluster", (name, env) => {
    const byRole = accessPoliciesByRole(synthStack(built, name));
    const roles = githubRoleNames(env);
    expect((byRole.get(roles.pullRequestPlan) ?? []).filter((policy) => READS_SECRETS.includes(policy))).toEqual([]);
    expect(byRole.has(roles.pullRequestPlan)).toBe(false);
    expect(byRole.get(roles.plan)).toEqual(["AmazonEKSAdminViewPolicy"]);
  });

  it("finds a Secrets-reading policy on the pull-request plan role when one is given (the check's own fixture)", () => {
    const fixture = { json: { data: { aws_iam_role: { pr: { name: "pipeops-dev-github-pr-plan" } } }, resource: { aws_eks_access_policy_association: { a: { principal_arn: "${data.aws_iam_role.pr.arn}", policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy" } } } } } as unknown as SynthesizedStack;
    expect(accessPoliciesByRole(fixture).get("pipeops-dev-github-pr-plan")).toEqual(["AmazonEKSAdminViewPolicy"]);
  });
});
