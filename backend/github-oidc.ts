import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/**
 * GitHub Actions' way into one environment's AWS account, without long-lived keys: the account's
 * GitHub OIDC identity provider and three roles that only workflows of this repository can assume.
 *
 * - plan role: AWS `ReadOnlyAccess`, plus what a plan needs of the state backend (read the state,
 *   write and delete only `*.tflock` lock files, the lock table's items, the state key; decrypt the
 *   other state of the account), the refresh of the secrets Terraform writes (GetSecretValue and
 *   Decrypt through Secrets Manager on exactly those) and an explicit deny of every other secret
 *   value. Trusted for the branch that deploys the environment (the deploy workflow plans there)
 *   and the default branch (scheduled drift detection): code that was reviewed and merged.
 * - pull-request plan role: the same state access and ReadOnlyAccess, but an explicit deny of every
 *   secret value and of every decryption through Secrets Manager. Trusted for pull requests only,
 *   so a pull request that edits a workflow gets a role that reads no secret, on every GitHub plan
 *   (required reviewers, which could gate a job instead, exist on private repositories only with
 *   GitHub Enterprise: docs/ci.md). Its plans run with `-refresh=false`.
 * - deploy role: `AdministratorAccess` bounded by a permissions boundary that keeps the role away
 *   from the CI identity itself, from long-lived IAM credentials and from destroying state
 *   backends, and that it cannot step around: it creates roles only with this same boundary,
 *   cannot remove or replace a role's boundary, and passes only the environment's own roles.
 *   Trusted only for jobs that run in the environment's GitHub environment, which is where
 *   required reviewers gate it.
 *
 * All are trusted with StringEquals on the token's `aud` and `sub` claims (GitHub's default claim
 * format), never with wildcards. docs/ci.md says how the workflows use them.
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** The audience configure-aws-credentials requests for AWS. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export const READ_ONLY_ACCESS_POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";
export const ADMINISTRATOR_ACCESS_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

/** A deploy may create an EKS cluster and Multi-AZ databases with replicas: allow long sessions. */
export const DEPLOY_SESSION_SECONDS = 3 * 60 * 60;
export const PLAN_SESSION_SECONDS = 60 * 60;

export interface GithubRoleNames {
  readonly plan: string;
  readonly pullRequestPlan: string;
  readonly deploy: string;
  readonly deployBoundary: string;
}

/** The environment the roles serve: the parts of its config they are named and scoped by. */
export interface GithubOidcEnvironment {
  readonly project: string;
  readonly name: string;
  readonly stateBackend: { readonly bucketPrefix: string };
}

export function githubRoleNames(env: Pick<GithubOidcEnvironment, "project" | "name">): GithubRoleNames {
  const prefix = `${env.project}-${env.name}-github`;
  return { plan: `${prefix}-plan`, pullRequestPlan: `${prefix}-pr-plan`, deploy: `${prefix}-deploy`, deployBoundary: `${prefix}-deploy-boundary` };
}

/** The `sub` claims each role accepts (GitHub's default claim format). */
export function githubSubjects(repository: string, deployBranch: string, defaultBranch: string, environmentName: string) {
  return {
    plan: [...new Set([deployBranch, defaultBranch].map((branch) => `repo:${repository}:ref:refs/heads/${branch}`))],
    pullRequestPlan: [`repo:${repository}:pull_request`],
    deploy: [`repo:${repository}:environment:${environmentName}`],
  };
}

/** The secrets a core stack writes (name patterns) and the aliases of their keys: see src/stacks/names.ts. */
export interface TerraformManagedSecrets {
  readonly namePatterns: readonly string[];
  readonly keyAliases: readonly string[];
}

export interface StateBackendArns {
  readonly bucketArn: string;
  readonly lockTableArn: string;
  readonly kmsKeyArn: string;
}

export interface GithubOidcProps {
  readonly env: GithubOidcEnvironment;
  /** The account the roles live in: the stack's effective account. */
  readonly accountId: string;
  /** The environment's state backend, which both roles use. */
  readonly state: StateBackendArns;
  /** `owner/name` of the repository whose workflows may assume the roles. */
  readonly repository: string;
  /** Branch whose pushes deploy the environment. */
  readonly deployBranch: string;
  /** Branch scheduled workflows run on (GitHub's default branch). */
  readonly defaultBranch: string;
  /** GitHub environment whose jobs may deploy; the environment's own name by default. */
  readonly environmentName?: string;
  /** Secrets whose values the environment's stacks write: the plan role refreshes them. */
  readonly managedSecrets: TerraformManagedSecrets;
  /**
   * An account has one provider per URL: "existing" reads the provider another stack created
   * (when two environments share an account) instead of creating it.
   */
  readonly provider?: "create" | "existing";
}

export class GithubOidc extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly pullRequestPlanRole: IamRole;
  readonly deployRole: IamRole;
  readonly deployBoundary: IamPolicy;
  readonly subjects: ReturnType<typeof githubSubjects>;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    const { env, accountId, state } = props;
    const names = githubRoleNames(env);
    const subjects = githubSubjects(props.repository, props.deployBranch, props.defaultBranch, props.environmentName ?? env.name);
    this.subjects = subjects;

    this.providerArn =
      props.provider === "existing"
        ? new DataAwsIamOpenidConnectProvider(this, "provider", { url: GITHUB_OIDC_URL }).arn
        : new IamOpenidConnectProvider(this, "provider", { url: GITHUB_OIDC_URL, clientIdList: [GITHUB_OIDC_AUDIENCE] }).arn;

    const trust = (id: string, sid: string, allowedSubjects: string[]) =>
      new DataAwsIamPolicyDocument(this, id, {
        statement: [
          {
            sid,
            effect: "Allow",
            actions: ["sts:AssumeRoleWithWebIdentity"],
            principals: [{ type: "Federated", identifiers: [this.providerArn] }],
            condition: [
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:aud`, values: [GITHUB_OIDC_AUDIENCE] },
              { test: "StringEquals", variable: `${GITHUB_OIDC_HOST}:sub`, values: allowedSubjects },
            ],
          },
        ],
      }).json;

    // --- plan roles: the branches' (refreshes the secrets Terraform writes), pull requests' (no secret) ---
    const project = { accountId, statePrefix: env.stateBackend.bucketPrefix };
    const planRole = (id: "plan" | "pr-plan", name: string, description: string, sid: string, allowedSubjects: string[], statements: DataAwsIamPolicyDocumentStatement[]) => {
      const role = new IamRole(this, `${id}-role`, { name, description, assumeRolePolicy: trust(`${id}-trust`, sid, allowedSubjects), maxSessionDuration: PLAN_SESSION_SECONDS });
      new IamRolePolicyAttachment(this, `${id}-read-only`, { role: role.name, policyArn: READ_ONLY_ACCESS_POLICY_ARN });
      new IamRolePolicy(this, `${id}-state-access`, {
        name: "terraform-state-access",
        role: role.id,
        policy: new DataAwsIamPolicyDocument(this, `${id}-state-access-document`, { statement: statements }).json,
      });
      return role;
    };
    this.planRole = planRole(
      "plan",
      names.plan,
      `GitHub Actions: terraform plan of ${env.project} ${env.name} from its branches (read-only, state locks)`,
      "GitHubActionsPlan",
      subjects.plan,
      planRoleStatements(state, project, props.managedSecrets),
    );
    this.pullRequestPlanRole = planRole(
      "pr-plan",
      names.pullRequestPlan,
      `GitHub Actions: terraform plan -refresh=false of ${env.project} ${env.name} for pull requests (read-only, no secret value)`,
      "GitHubActionsPullRequestPlan",
      subjects.pullRequestPlan,
      pullRequestPlanRoleStatements(state, project),
    );

    // --- deploy role -------------------------------------------------------------------------
    this.deployBoundary = new IamPolicy(this, "deploy-boundary", {
      name: names.deployBoundary,
      description: `Permissions boundary of the GitHub Actions deploy role of ${env.project} ${env.name}`,
      policy: new DataAwsIamPolicyDocument(this, "deploy-boundary-document", {
        statement: deployBoundaryStatements({ accountId, project: env.project, environment: env.name, statePrefix: env.stateBackend.bucketPrefix }),
      }).json,
    });
    this.deployRole = new IamRole(this, "deploy-role", {
      name: names.deploy,
      description: `GitHub Actions: terraform apply of ${env.project} ${env.name} (environment-gated)`,
      assumeRolePolicy: trust("deploy-trust", "GitHubActionsDeploy", subjects.deploy),
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
      permissionsBoundary: this.deployBoundary.arn,
    });
    new IamRolePolicyAttachment(this, "deploy-administrator", { role: this.deployRole.name, policyArn: ADMINISTRATOR_ACCESS_POLICY_ARN });
  }
}

/** The state backends of the project in one account: names start with the environments' bucket prefix. */
interface ProjectState {
  readonly accountId: string;
  /** `stateBackend.bucketPrefix`: every state bucket, lock table and state key alias starts with it. */
  readonly statePrefix: string;
}

/** The condition that picks the project's state keys, by their aliases (`alias/<prefix>-<env>`). */
const stateKeyAliases = (statePrefix: string) => ({ test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: [`alias/${statePrefix}-*`] });

/** ARN patterns of the secrets Terraform writes, in any region of the account (DR replicates prod's). */
const managedSecretArns = (accountId: string, secrets: TerraformManagedSecrets) =>
  secrets.namePatterns.map((pattern) => `arn:aws:secretsmanager:*:${accountId}:secret:${pattern}`);

/**
 * What both plan roles need next to ReadOnlyAccess: the state backend — read the state, write only
 * lock files and lock items, use the state key; decrypt the other state of the account too (DR
 * reads prod's outputs), through state keys only — and the metadata of secrets and keys that
 * ReadOnlyAccess may not cover.
 */
function stateStatements(state: StateBackendArns, project: ProjectState): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: "ListStateBucket", effect: "Allow", actions: ["s3:ListBucket"], resources: [state.bucketArn] },
    { sid: "ReadState", effect: "Allow", actions: ["s3:GetObject"], resources: [`${state.bucketArn}/*`] },
    { sid: "WriteLockFilesOnly", effect: "Allow", actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${state.bucketArn}/*.tflock`] },
    { sid: "LockTableItems", effect: "Allow", actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], resources: [state.lockTableArn] },
    { sid: "UseStateKey", effect: "Allow", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [state.kmsKeyArn] },
    {
      sid: "ReadOtherStateOfTheAccount",
      effect: "Allow",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:*:${project.accountId}:key/*`],
      condition: [stateKeyAliases(project.statePrefix)],
    },
    {
      sid: "RefreshSecretAndKeyMetadata",
      effect: "Allow",
      actions: [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:ListSecretVersionIds",
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        "kms:ListAliases",
      ],
      resources: ["*"],
    },
  ];
}

/** Secrets Manager decrypts a secret value with the caller's kms:Decrypt, `kms:ViaService` naming it. */
const VIA_SECRETS_MANAGER = { test: "StringLike", variable: "kms:ViaService", values: ["secretsmanager.*.amazonaws.com"] };
const SECRET_VALUE_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue"];

/**
 * The branch plan role's own policy, next to ReadOnlyAccess: the state statements; GetSecretValue
 * only on the secrets Terraform writes (the provider refreshes a secret version with it,
 * write-only or not), decrypted only through Secrets Manager with their keys; an explicit deny of
 * every other secret value: application secrets stay unreadable.
 */
export function planRoleStatements(state: StateBackendArns, project: ProjectState, secrets: TerraformManagedSecrets): DataAwsIamPolicyDocumentStatement[] {
  const refreshed = managedSecretArns(project.accountId, secrets);
  return [
    ...stateStatements(state, project),
    { sid: "RefreshTerraformWrittenSecrets", effect: "Allow", actions: ["secretsmanager:GetSecretValue"], resources: refreshed },
    {
      sid: "DecryptThemThroughSecretsManager",
      effect: "Allow",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:*:${project.accountId}:key/*`],
      condition: [VIA_SECRETS_MANAGER, { test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: secrets.keyAliases.map((alias) => `alias/${alias}`) }],
    },
    { sid: "NoOtherSecretValues", effect: "Deny", actions: SECRET_VALUE_ACTIONS, notResources: refreshed },
  ];
}

/**
 * The pull-request plan role's own policy: the state statements and an explicit deny of every
 * secret value and of every decryption through Secrets Manager, whatever ReadOnlyAccess allows.
 * Its plans cannot refresh a secret version (the AWS provider reads it with GetSecretValue), so
 * they run with `-refresh=false`.
 */
export function pullRequestPlanRoleStatements(state: StateBackendArns, project: ProjectState): DataAwsIamPolicyDocumentStatement[] {
  return [
    ...stateStatements(state, project),
    { sid: "NoSecretValues", effect: "Deny", actions: SECRET_VALUE_ACTIONS, resources: ["*"] },
    { sid: "NoDecryptionThroughSecretsManager", effect: "Deny", actions: ["kms:Decrypt"], resources: ["*"], condition: [VIA_SECRETS_MANAGER] },
  ];
}

/**
 * The deploy role's permissions boundary: everything the stacks need, except, for every environment
 * of the project in the account (two environments may share one, like DR and prod):
 *  - changing or passing the CI identity: the three GitHub roles, their boundaries, the GitHub
 *    OIDC provider;
 *  - creating IAM users, access keys or console passwords (no long-lived credentials);
 *  - deleting or loosening a state backend: the buckets, lock tables and state keys (and their
 *    aliases), and the old versions of the state (the way back from a bad state).
 */
export function deployBoundaryStatements(project: ProjectState & { readonly project: string; readonly environment: string }): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, statePrefix } = project;
  const every = githubRoleNames({ project: project.project, name: "*" });
  const boundaryArn = `arn:aws:iam::${accountId}:policy/${githubRoleNames({ project: project.project, name: project.environment }).deployBoundary}`;
  // Every CI role of the project in the account: the plan, pull-request plan and deploy roles.
  const ciRoles = [every.plan, every.pullRequestPlan, every.deploy].map((name) => `arn:aws:iam::${accountId}:role/${name}`);
  return [
    { sid: "AllowWhatTheStacksManage", effect: "Allow", actions: ["*"], resources: ["*"] },
    {
      sid: "NewRolesCarryThisBoundary",
      effect: "Deny",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      resources: ["*"],
      condition: [{ test: "StringNotEquals", variable: "iam:PermissionsBoundary", values: [boundaryArn] }],
    },
    { sid: "NoBoundaryRemoval", effect: "Deny", actions: ["iam:DeleteRolePermissionsBoundary"], resources: ["*"] },
    {
      sid: "PassOnlyTheEnvironmentsRoles",
      effect: "Deny",
      actions: ["iam:PassRole"],
      notResources: [`arn:aws:iam::${accountId}:role/${project.project}-${project.environment}-*`],
    },
    {
      sid: "NeverPassTheCiRoles",
      effect: "Deny",
      actions: ["iam:PassRole"],
      resources: ciRoles,
    },
    {
      sid: "NoChangesToTheCiRoles",
      effect: "Deny",
      actions: [
        "iam:AttachRolePolicy",
        "iam:DeleteRole",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
      ],
      resources: ciRoles,
    },
    {
      sid: "NoChangesToTheBoundaries",
      effect: "Deny",
      actions: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      resources: [`arn:aws:iam::${accountId}:policy/${every.deployBoundary}`],
    },
    {
      sid: "NoChangesToTheGithubProvider",
      effect: "Deny",
      actions: [
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
      ],
      resources: [`arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`],
    },
    {
      sid: "NoLongLivedCredentials",
      effect: "Deny",
      actions: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
      resources: ["*"],
    },
    {
      sid: "KeepTheStateBuckets",
      effect: "Deny",
      actions: ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration"],
      resources: [`arn:aws:s3:::${statePrefix}-*`],
    },
    {
      sid: "KeepTheStateHistory",
      effect: "Deny",
      actions: ["s3:DeleteObjectVersion"],
      resources: [`arn:aws:s3:::${statePrefix}-*/*`],
    },
    { sid: "KeepTheLockTables", effect: "Deny", actions: ["dynamodb:DeleteTable"], resources: [`arn:aws:dynamodb:*:${accountId}:table/${statePrefix}-*`] },
    {
      sid: "KeepTheStateKeys",
      effect: "Deny",
      actions: ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
      resources: [`arn:aws:kms:*:${accountId}:key/*`],
      condition: [stateKeyAliases(statePrefix)],
    },
    {
      sid: "KeepTheStateKeyAliases",
      effect: "Deny",
      actions: ["kms:DeleteAlias", "kms:UpdateAlias"],
      resources: [`arn:aws:kms:*:${accountId}:alias/${statePrefix}-*`],
    },
  ];
}
