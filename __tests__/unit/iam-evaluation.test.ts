import { describe, expect, it } from "vitest";
import { AWS, synthStack, sharedTestApp } from "../support/synth";
import { ADMINISTRATOR_ACCESS, decide, policyDocument, trustDecision, type IamPolicy } from "../support/iam-policies";
import { githubRoleNames } from "../../backend/github-oidc";
import { GITHUB_REPOSITORY } from "../../src/config/github";
import { ENVIRONMENTS } from "../../main";

/**
 * The CI roles' policies, evaluated as IAM evaluates them (@cloud-copilot/iam-simulate): what the
 * deploy role cannot do even with AdministratorAccess, what the plan roles can read, and which
 * GitHub tokens can assume which role. ReadOnlyAccess itself is not modelled: the plan roles'
 * denials are proven against a stand-in that allows every read (the worst case).
 */
const built = sharedTestApp(AWS);

interface Env {
  readonly name: string;
  readonly project: string;
  readonly accountId: string;
  readonly region: string;
}
const byName = (name: string): Env => {
  const env = ENVIRONMENTS.find((e) => e.name === name)!;
  return { name, project: String(env.project), accountId: env.accountId, region: String(env.region) };
};
const [dev, prod, dr] = ["dev", "prod", "dr"].map(byName) as [Env, Env, Env];
const EVERY_READ: IamPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:*", "kms:*", "s3:Get*", "s3:List*"], Resource: "*" }] };

function ciPolicies(env: Env) {
  const stack = synthStack(built, `${env.name}-bootstrap`);
  const where = { accountId: env.accountId, region: env.region };
  const names = githubRoleNames(env);
  return {
    names,
    role: (name: string) => `arn:aws:iam::${env.accountId}:role/${name}`,
    boundaryArn: `arn:aws:iam::${env.accountId}:policy/${names.deployBoundary}`,
    boundary: policyDocument(stack, "github-oidc_deploy-boundary-document", where),
    plan: policyDocument(stack, "github-oidc_plan-state-access-document", where),
    planTrust: policyDocument(stack, "github-oidc_plan-trust", where),
    pullRequestPlan: policyDocument(stack, "github-oidc_pr-plan-state-access-document", where),
    pullRequestPlanTrust: policyDocument(stack, "github-oidc_pr-plan-trust", where),
    deployTrust: policyDocument(stack, "github-oidc_deploy-trust", where),
    provider: `arn:aws:iam::${env.accountId}:oidc-provider/token.actions.githubusercontent.com`,
  };
}

describe("deploy role: AdministratorAccess inside a boundary it cannot step around", () => {
  const ci = ciPolicies(prod);
  const asDeploy = (action: string, resource: string, context?: Record<string, string | string[]>) =>
    decide({ principal: ci.role(ci.names.deploy), action, resource, context, identityPolicies: [ADMINISTRATOR_ACCESS], boundary: ci.boundary }, prod.accountId);
  const newRole = ci.role("pipeops-prod-new-role");

  it("creates a role only with its own boundary attached", async () => {
    expect(await asDeploy("iam:CreateRole", newRole)).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:CreateRole", newRole, { "iam:PermissionsBoundary": `arn:aws:iam::${prod.accountId}:policy/some-other-boundary` })).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:CreateRole", newRole, { "iam:PermissionsBoundary": ci.boundaryArn })).toBe("Allowed");
  });

  it("cannot remove or replace a role's boundary, nor edit the boundary policy", async () => {
    expect(await asDeploy("iam:DeleteRolePermissionsBoundary", ci.role("pipeops-prod-node"))).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:PutRolePermissionsBoundary", ci.role("pipeops-prod-node"), { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" })).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:PutRolePermissionsBoundary", ci.role("pipeops-prod-node"), { "iam:PermissionsBoundary": ci.boundaryArn })).toBe("Allowed");
    expect(await asDeploy("iam:CreatePolicyVersion", ci.boundaryArn)).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:DeletePolicy", ci.boundaryArn)).toBe("ExplicitlyDenied");
  });

  it("cannot widen the CI roles or create long-lived credentials", async () => {
    expect(await asDeploy("iam:AttachRolePolicy", ci.role(ci.names.deploy), { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" })).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:UpdateAssumeRolePolicy", ci.role(ci.names.plan))).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:CreateUser", `arn:aws:iam::${prod.accountId}:user/backdoor`)).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:CreateAccessKey", `arn:aws:iam::${prod.accountId}:user/someone`)).toBe("ExplicitlyDenied");
  });

  it("cannot change, delete or pass the pull-request plan role", async () => {
    const role = ci.role(ci.names.pullRequestPlan);
    expect(await asDeploy("iam:AttachRolePolicy", role, { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" })).toBe("ExplicitlyDenied");
    for (const action of ["iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole"]) expect(await asDeploy(action, role), action).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:PassRole", role, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe("ExplicitlyDenied");
  });

  it("passes only its environment's own roles, never a CI role", async () => {
    expect(await asDeploy("iam:PassRole", ci.role("pipeops-prod-node"), { "iam:PassedToService": "eks.amazonaws.com" })).toBe("Allowed");
    expect(await asDeploy("iam:PassRole", ci.role("OrganizationAccountAccessRole"), { "iam:PassedToService": "ec2.amazonaws.com" })).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:PassRole", ci.role("pipeops-dr-node"), { "iam:PassedToService": "eks.amazonaws.com" })).toBe("ExplicitlyDenied");
    expect(await asDeploy("iam:PassRole", ci.role(ci.names.deploy), { "iam:PassedToService": "ec2.amazonaws.com" })).toBe("ExplicitlyDenied");
  });

  it("cannot delete or loosen the state backends, nor the old versions of a state", async () => {
    expect(await asDeploy("s3:DeleteBucket", `arn:aws:s3:::pipeops-tfstate-prod-${prod.accountId}`)).toBe("ExplicitlyDenied");
    expect(await asDeploy("s3:DeleteObjectVersion", `arn:aws:s3:::pipeops-tfstate-prod-${prod.accountId}/prod/terraform.tfstate`)).toBe("ExplicitlyDenied");
    expect(await asDeploy("s3:DeleteObject", `arn:aws:s3:::pipeops-tfstate-prod-${prod.accountId}/prod/terraform.tfstate.tflock`)).toBe("Allowed");
    expect(await asDeploy("dynamodb:DeleteTable", `arn:aws:dynamodb:us-west-2:${prod.accountId}:table/pipeops-tfstate-prod-lock`)).toBe("ExplicitlyDenied");
  });

  it("still applies the stacks: creates clusters, databases and keys", async () => {
    expect(await asDeploy("eks:CreateCluster", "*")).toBe("Allowed");
    expect(await asDeploy("rds:CreateDBInstance", `arn:aws:rds:us-west-2:${prod.accountId}:db:pipeops-prod`)).toBe("Allowed");
    expect(await asDeploy("kms:CreateKey", "*")).toBe("Allowed");
  });
});

type Context = Record<string, string | string[]>;

/** What the plan roles' cases share: the environment's CI policies, its secrets, keys and key policies. */
function planRoleCase(env: Env) {
  const where = { accountId: env.accountId, region: env.region };
  const core = synthStack(built, env.name);
  return {
    ci: ciPolicies(env),
    secret: (id: string) => `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${id}`,
    // KMS decides with the key policy too: the keys' own policies, as the core stack writes them.
    keyPolicies: { secrets: policyDocument(core, "secrets-key_policy", where), database: policyDocument(core, "database_key_policy", where) },
    key: `arn:aws:kms:${env.region}:${env.accountId}:key/0f0e0d0c-0000-4000-8000-000000000001`,
    /** Reads the state and writes nothing but lock files, with the role's own policy. */
    async expectStateAccess(decideOwn: (action: string, resource: string) => Promise<string>) {
      const bucket = `arn:aws:s3:::pipeops-tfstate-${env.name}-${env.accountId}`;
      expect(await decideOwn("s3:GetObject", `${bucket}/${env.name}/terraform.tfstate`)).toBe("Allowed");
      expect(await decideOwn("s3:PutObject", `${bucket}/${env.name}/terraform.tfstate.tflock`)).toBe("Allowed");
      expect(await decideOwn("s3:PutObject", `${bucket}/${env.name}/terraform.tfstate`)).toBe("ImplicitlyDenied");
    },
  };
}

describe.each([prod, dr, dev].map((env) => [env.name, env] as const))("%s plan role", (name, env) => {
  const { ci, secret, keyPolicies, key, expectStateAccess } = planRoleCase(env);
  const asPlan = (action: string, resource: string, context?: Context, resourcePolicy?: IamPolicy) =>
    decide({ principal: ci.role(ci.names.plan), action, resource, context, resourcePolicy, identityPolicies: [ci.plan, EVERY_READ] }, env.accountId);
  const ownPolicyOnly = (action: string, resource: string, context?: Context, resourcePolicy?: IamPolicy) =>
    decide({ principal: ci.role(ci.names.plan), action, resource, context, resourcePolicy, identityPolicies: [ci.plan] }, env.accountId);
  const viaSecretsManager = (alias: string) => ({ "kms:ViaService": `secretsmanager.${env.region}.amazonaws.com`, "kms:ResourceAliases": [`alias/${alias}`] });

  it("refreshes the secrets Terraform writes: value and metadata, decrypted through Secrets Manager", async () => {
    for (const id of [`pipeops/${name}/grafana-admin-Ab12Cd`, `pipeops-${name}-master-20261201000000000000000001-Xy98Zw`]) {
      expect(await ownPolicyOnly("secretsmanager:GetSecretValue", secret(id)), id).toBe("Allowed");
      expect(await ownPolicyOnly("secretsmanager:DescribeSecret", secret(id)), id).toBe("Allowed");
    }
    expect(await ownPolicyOnly("kms:Decrypt", key, viaSecretsManager(`pipeops-${name}-secrets`), keyPolicies.secrets)).toBe("Allowed");
    expect(await ownPolicyOnly("kms:Decrypt", key, viaSecretsManager(`pipeops-${name}-rds`), keyPolicies.database)).toBe("Allowed");
    for (const action of ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]) {
      expect(await ownPolicyOnly(action, key, {}, keyPolicies.secrets), action).toBe("Allowed");
    }
  });

  it("cannot read any other secret value, even if ReadOnlyAccess allowed every read", async () => {
    for (const id of [`pipeops/${name}/payments/api-key-Ab12Cd`, `pipeops/${name}/grafana-admin-extra-Ab12Cd`, "someone-elses-secret-Ab12Cd"]) {
      expect(await asPlan("secretsmanager:GetSecretValue", secret(id)), id).toBe("ExplicitlyDenied");
    }
    expect(await asPlan("secretsmanager:BatchGetSecretValue", "*")).toBe("ExplicitlyDenied");
    // Outside Secrets Manager its keys decrypt nothing for the plan role.
    expect(await ownPolicyOnly("kms:Decrypt", key, { "kms:ResourceAliases": [`alias/pipeops-${name}-secrets`] }, keyPolicies.secrets)).toBe("ImplicitlyDenied");
  });

  it("reads the state and writes nothing but lock files", async () => {
    await expectStateAccess((action, resource) => ownPolicyOnly(action, resource));
  });
});

describe.each([prod, dr, dev].map((env) => [env.name, env] as const))("%s pull-request plan role", (name, env) => {
  const { ci, secret, keyPolicies, key, expectStateAccess } = planRoleCase(env);
  const pullRequestRole = (identityPolicies: IamPolicy[]) => (action: string, resource: string, context?: Context, resourcePolicy?: IamPolicy) =>
    decide({ principal: ci.role(ci.names.pullRequestPlan), action, resource, context, resourcePolicy, identityPolicies }, env.accountId);
  // The worst case: next to its own policy, a stand-in for ReadOnlyAccess that allows every read.
  const asPullRequest = pullRequestRole([ci.pullRequestPlan, EVERY_READ]);

  it("cannot read any secret value: not Grafana's admin login, not the master login, not any other", async () => {
    for (const id of [`pipeops/${name}/grafana-admin-Ab12Cd`, `pipeops-${name}-master-20261201000000000000000001-Xy98Zw`, `pipeops/${name}/payments/api-key-Ab12Cd`, "someone-elses-secret-Ab12Cd"]) {
      expect(await asPullRequest("secretsmanager:GetSecretValue", secret(id)), id).toBe("ExplicitlyDenied");
    }
    expect(await asPullRequest("secretsmanager:BatchGetSecretValue", "*")).toBe("ExplicitlyDenied");
  });

  it("cannot decrypt through Secrets Manager with any key, even one whose policy allows the account", async () => {
    for (const [alias, keyPolicy] of [[`pipeops-${name}-secrets`, keyPolicies.secrets], [`pipeops-${name}-rds`, keyPolicies.database]] as const) {
      const context = { "kms:ViaService": `secretsmanager.${env.region}.amazonaws.com`, "kms:ResourceAliases": [`alias/${alias}`] };
      expect(await asPullRequest("kms:Decrypt", key, context, keyPolicy), alias).toBe("ExplicitlyDenied");
    }
  });

  it("still plans: reads the state, its key's metadata and the secrets' metadata, writes nothing but lock files", async () => {
    const ownPolicyOnly = pullRequestRole([ci.pullRequestPlan]);
    await expectStateAccess((action, resource) => ownPolicyOnly(action, resource));
    expect(await ownPolicyOnly("secretsmanager:DescribeSecret", secret(`pipeops/${name}/grafana-admin-Ab12Cd`))).toBe("Allowed");
  });
});

describe("who can assume the CI roles (GitHub OIDC trust)", () => {
  const aud = "sts.amazonaws.com";
  const sub = (rest: string) => `repo:${GITHUB_REPOSITORY}:${rest}`;

  it.each([prod, dr, dev].map((env) => [env.name, env] as const))("%s: a pull-request token assumes only the pull-request plan role; the plan role only from the branches", (name, env) => {
    const ci = ciPolicies(env);
    const planRole = ci.role(ci.names.plan);
    const pullRequestRole = ci.role(ci.names.pullRequestPlan);
    const asPlan = (claims: { aud: string; sub: string }) => trustDecision(ci.planTrust, ci.provider, planRole, env.accountId, claims);
    const asPullRequest = (claims: { aud: string; sub: string }) => trustDecision(ci.pullRequestPlanTrust, ci.provider, pullRequestRole, env.accountId, claims);
    expect(asPullRequest({ aud, sub: sub("pull_request") })).toBe("Allowed");
    // A branch, an environment's job (the prod-plan / dr-plan gates of before included), a fork, another audience: not the pull-request role.
    for (const other of ["ref:refs/heads/main", "ref:refs/heads/develop", `environment:${name}`, `environment:${name}-plan`]) {
      expect(asPullRequest({ aud, sub: sub(other) }), other).toBe("ImplicitlyDenied");
    }
    expect(asPullRequest({ aud, sub: "repo:someone/fork:pull_request" })).toBe("ImplicitlyDenied");
    expect(asPullRequest({ aud: "another-audience", sub: sub("pull_request") })).toBe("ImplicitlyDenied");
    // The plan role, which refreshes the logins Terraform writes: the branches only, never a pull request.
    expect(asPlan({ aud, sub: sub("ref:refs/heads/main") })).toBe("Allowed");
    for (const other of ["pull_request", `environment:${name}-plan`]) expect(asPlan({ aud, sub: sub(other) }), other).toBe("ImplicitlyDenied");
    expect(asPlan({ aud, sub: "repo:someone/fork:ref:refs/heads/main" })).toBe("ImplicitlyDenied");
  });

  it.each([prod, dr, dev].map((env) => [env.name, env] as const))("%s: only a job in the environment's own GitHub environment can assume the deploy role", (name, env) => {
    const ci = ciPolicies(env);
    const deployRole = ci.role(ci.names.deploy);
    expect(trustDecision(ci.deployTrust, ci.provider, deployRole, env.accountId, { aud, sub: sub(`environment:${name}`) })).toBe("Allowed");
    for (const other of ["pull_request", "ref:refs/heads/main", `environment:${name}-plan`]) {
      expect(trustDecision(ci.deployTrust, ci.provider, deployRole, env.accountId, { aud, sub: sub(other) }), other).toBe("ImplicitlyDenied");
    }
  });
});
