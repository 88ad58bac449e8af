import { expect } from "vitest";
import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { SynthesizedStack } from "./synth";

/**
 * IAM evaluation of the policies a stack synthesizes, with @cloud-copilot/iam-simulate (it
 * evaluates identity policies, permissions boundaries, resource and trust policies and their
 * conditions the way IAM documents it). The stack's `aws_iam_policy_document` data sources are
 * turned into IAM JSON; references to resources of the stack become the ARNs AWS would give them.
 */

type Json = Record<string, unknown>;
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
export interface IamPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: Json[];
}

interface Where {
  readonly accountId: string;
  readonly region: string;
}

/** The ARN a reference to a resource of the stack stands for; anything else fails the test. */
function resolveReferences(stack: SynthesizedStack, value: string, where: Where): string {
  const withAccount = value.replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, where.accountId);
  return withAccount.replace(/\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.arn\}/g, (whole, data: string | undefined, type: string, name: string) => {
    const body = (data ? stack.json.data : stack.json.resource)?.[type]?.[name];
    if (!body) throw new Error(`unresolvable reference ${whole}`);
    switch (type) {
      case "aws_s3_bucket":
        return `arn:aws:s3:::${String(body.bucket)}`;
      case "aws_dynamodb_table":
        return `arn:aws:dynamodb:${where.region}:${where.accountId}:table/${String(body.name)}`;
      case "aws_kms_key":
        return `arn:aws:kms:${where.region}:${where.accountId}:key/${name}`;
      case "aws_db_instance":
        return `arn:aws:rds:${where.region}:${where.accountId}:db:${String(body.identifier)}`;
      case "aws_sns_topic":
        return `arn:aws:sns:${where.region}:${where.accountId}:${String(body.name)}`;
      case "aws_iam_openid_connect_provider":
        return `arn:aws:iam::${where.accountId}:oidc-provider/${String(body.url).replace(/^https:\/\//, "")}`;
      default:
        throw new Error(`no ARN rule for ${whole}`);
    }
  });
}

/** An `aws_iam_policy_document` of the stack, by its construct path (`a_b`, ids joined by `_`), as IAM JSON. */
export function policyDocument(stack: SynthesizedStack, constructId: string, where: Where): IamPolicy {
  const matches = Object.entries(stack.json.data?.aws_iam_policy_document ?? {}).filter(([key]) => key.replace(/_[0-9A-F]{8}$/, "") === constructId);
  if (matches.length !== 1) throw new Error(`expected one policy document ${constructId}, found ${matches.length}`);
  const resolve = (values: unknown) => (values as string[]).map((v) => resolveReferences(stack, v, where));
  const Statement = (matches[0]![1].statement as Json[]).map((st) => {
    const out: Json = { Effect: st.effect ?? "Allow" };
    if (st.sid) out.Sid = st.sid;
    if (st.actions) out.Action = st.actions;
    if (st.not_actions) out.NotAction = st.not_actions;
    if (st.resources) out.Resource = resolve(st.resources);
    if (st.not_resources) out.NotResource = resolve(st.not_resources);
    // { type: "*", identifiers: ["*"] } is how the provider writes "Principal": "*".
    const principals = st.principals as { type: string; identifiers: string[] }[] | undefined;
    if (principals) out.Principal = principals.some((p) => p.type === "*") ? "*" : Object.fromEntries(principals.map((p) => [p.type, resolve(p.identifiers)]));
    if (st.condition) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of st.condition as { test: string; variable: string; values: string[] }[]) (condition[c.test] ??= {})[c.variable] = resolve(c.values);
      out.Condition = condition;
    }
    return out;
  });
  const unresolved = /\$\{[^}]*\}/.exec(JSON.stringify(Statement));
  if (unresolved) throw new Error(`policy document ${constructId}: unresolved ${unresolved[0]}`);
  return { Version: "2012-10-17", Statement };
}

export const ADMINISTRATOR_ACCESS: IamPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

export interface IdentityRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly identityPolicies: readonly IamPolicy[];
  readonly boundary?: IamPolicy;
  /** The resource's own policy (a KMS key policy: KMS needs it to allow, or to delegate to IAM). */
  readonly resourcePolicy?: IamPolicy;
}

/** What IAM decides for a request of a role with these identity policies (and boundary). */
export async function decide(request: IdentityRequest, accountId: string): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: request.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      permissionBoundaryPolicies: request.boundary ? [{ name: "boundary", policy: request.boundary }] : undefined,
      resourcePolicy: request.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId }, contextVariables: request.context ?? {} },
    },
    {},
  );
  if (result.resultType !== "single") throw new Error(`simulation ${request.action} on ${request.resource}: ${JSON.stringify(result.resultType === "error" ? result.errors : result)}`);
  // A misspelt context key would be dropped silently and make a Deny look like it held.
  expect(result.result.ignoredContextKeys ?? [], `${request.action}: context keys the simulator does not know`).toEqual([]);
  return result.overallResult as Decision;
}

/**
 * Whether a role's trust policy lets a GitHub Actions OIDC token with these claims assume it. The
 * simulator's action data lists no `…:aud`/`…:sub` keys for AssumeRoleWithWebIdentity, so its
 * checked entry point would drop them: this uses the unchecked one on the validated trust policy.
 */
export function trustDecision(trust: IamPolicy, provider: string, roleArn: string, accountId: string, claims: { aud: string; sub: string }): Decision {
  const host = provider.split("oidc-provider/")[1]!;
  return runUnsafeSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: createValidatedPolicy(trust, validateTrustPolicy, { name: "trust" }),
      request: { principal: provider, action: "sts:AssumeRoleWithWebIdentity", resource: { resource: roleArn, accountId }, contextVariables: { [`${host}:aud`]: claims.aud, [`${host}:sub`]: claims.sub } },
    } as never,
    {},
  ) as Decision;
}
