import { Construct } from "constructs";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { EnvironmentConfig } from "../src/config/types";

/**
 * GitHub Actions' way into one environment's AWS account, without long-lived keys: the account's
 * GitHub OIDC identity provider and two roles that only workflows of this repository can assume.
 *
 * - plan role: AWS `ReadOnlyAccess`, plus what a plan needs of the state backend (read the state,
 *   write and delete only `*.tflock` lock files, the lock table's items, the state key; decrypt the
 *   other state of the account), and an explicit deny of secret values. Trusted for pull requests,
 *   for the branch that deploys the environment (the deploy workflow plans there) and for the
 *   default branch (scheduled drift detection runs there).
 * - deploy role: `AdministratorAccess` bounded by a permissions boundary that keeps the role away
 *   from the CI identity itself, from long-lived IAM credentials and from destroying state
 *   backends. Trusted only for jobs that run in the environment's GitHub environment, which is
 *   where required reviewers gate it.
 *
 * Both are trusted with StringEquals on the token's `aud` and `sub` claims (GitHub's default claim
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
  readonly deploy: string;
  readonly deployBoundary: string;
}

export function githubRoleNames(env: Pick<EnvironmentConfig, "project" | "name">): GithubRoleNames {
  const prefix = `${env.project}-${env.name}-github`;
  return { plan: `${prefix}-plan`, deploy: `${prefix}-deploy`, deployBoundary: `${prefix}-deploy-boundary` };
}

/** The `sub` claims each role accepts (GitHub's default claim format). */
export function githubSubjects(repository: string, deployBranch: string, defaultBranch: string, environmentName: string) {
  const plan = [`repo:${repository}:pull_request`, ...new Set([deployBranch, defaultBranch].map((branch) => `repo:${repository}:ref:refs/heads/${branch}`))];
  return { plan, deploy: [`repo:${repository}:environment:${environmentName}`] };
}

export interface StateBackendArns {
  readonly bucketArn: string;
  readonly lockTableArn: string;
  readonly kmsKeyArn: string;
}

export interface GithubOidcProps {
  readonly env: EnvironmentConfig;
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
  /**
   * An account has one provider per URL: "existing" reads the provider another stack created
   * (when two environments share an account) instead of creating it.
   */
  readonly provider?: "create" | "existing";
}

export class GithubOidc extends Construct {
  readonly providerArn: string;
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly deployBoundary: IamPolicy;
  readonly subjects: { readonly plan: string[]; readonly deploy: string[] };

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

    // --- plan role ---------------------------------------------------------------------------
    this.planRole = new IamRole(this, "plan-role", {
      name: names.plan,
      description: `GitHub Actions: terraform plan of ${env.project} ${env.name} (read-only, state locks)`,
      assumeRolePolicy: trust("plan-trust", "GitHubActionsPlan", subjects.plan),
      maxSessionDuration: PLAN_SESSION_SECONDS,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { role: this.planRole.name, policyArn: READ_ONLY_ACCESS_POLICY_ARN });
    new IamRolePolicy(this, "plan-state-access", {
      name: "terraform-state-access",
      role: this.planRole.id,
      policy: new DataAwsIamPolicyDocument(this, "plan-state-access-document", {
        statement: planStateStatements(state, { accountId, statePrefix: env.stateBackend.bucketPrefix }),
      }).json,
    });

    // --- deploy role -------------------------------------------------------------------------
    this.deployBoundary = new IamPolicy(this, "deploy-boundary", {
      name: names.deployBoundary,
      description: `Permissions boundary of the GitHub Actions deploy role of ${env.project} ${env.name}`,
      policy: new DataAwsIamPolicyDocument(this, "deploy-boundary-document", {
        statement: deployBoundaryStatements({ accountId, project: env.project, statePrefix: env.stateBackend.bucketPrefix }),
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

/**
 * What a plan needs of its environment's state backend beyond ReadOnlyAccess, and the explicit deny
 * of secret values. ReadOnlyAccess already reads every bucket of the account but decrypts nothing:
 * the last Allow lets a stack read the state of another environment of the same account too (DR
 * reads prod's outputs), through the project's state keys only.
 */
export function planStateStatements(state: StateBackendArns, project: ProjectState): DataAwsIamPolicyDocumentStatement[] {
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
    { sid: "NoSecretValues", effect: "Deny", actions: ["secretsmanager:GetSecretValue"], resources: ["*"] },
  ];
}

/**
 * The deploy role's permissions boundary: everything the stacks need, except, for every environment
 * of the project in the account (two environments may share one, like DR and prod):
 *  - changing the CI identity: the GitHub roles, their boundaries, the GitHub OIDC provider;
 *  - creating IAM users, access keys or console passwords (no long-lived credentials);
 *  - deleting or loosening a state backend: the buckets, lock tables and state keys (and their aliases).
 */
export function deployBoundaryStatements(project: ProjectState & { readonly project: string }): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, statePrefix } = project;
  const every = githubRoleNames({ project: project.project, name: "*" });
  return [
    { sid: "AllowWhatTheStacksManage", effect: "Allow", actions: ["*"], resources: ["*"] },
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
      resources: [every.plan, every.deploy].map((name) => `arn:aws:iam::${accountId}:role/${name}`),
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
