import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { asStrings, blocks, isExpression, parseReference, type JsonObject, type StackView, type TerraformResourceJson } from "./stack-view";

/**
 * The IAM policies a stack gives a role, as IAM JSON, and what IAM decides for a request of that
 * role: @cloud-copilot/iam-simulate, which evaluates identity policies and their conditions (policy
 * variables included) the way IAM documents it. Synchronous, so a guardrail rule can call it.
 */

export interface IamPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: JsonObject[];
}

export type IamDecision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * A string of a synthesized policy document as IAM reads it: Terraform's escape `$${` is a literal
 * `${` (an IAM policy variable such as `${aws:PrincipalTag/…}`); a Terraform reference still in it
 * (`${aws_kms_key.x.arn}`) is known only at apply, so it becomes a value no request matches.
 */
function asIamString(value: string): string {
  return value.replace(/\$(\$?)\{([^}]*)\}/g, (_, escaped: string, inner: string) => (escaped ? `\${${inner}}` : "arn:aws:unknown:::terraform-reference"));
}

/** An `aws_iam_policy_document` data source of the stack, by reference, as IAM JSON. */
function policyDocument(view: StackView, reference: unknown): IamPolicy | undefined {
  const ref = parseReference(reference);
  if (!ref?.data || ref.type !== "aws_iam_policy_document") return undefined;
  const document = view.dataSource(ref.address);
  if (!document) return undefined;
  const strings = (value: unknown) => asStrings(value).map(asIamString);
  const Statement = blocks(document.statement).map((statement) => {
    const out: JsonObject = { Effect: statement.effect ?? "Allow" };
    if (statement.actions !== undefined) out.Action = strings(statement.actions);
    if (statement.not_actions !== undefined) out.NotAction = strings(statement.not_actions);
    out.Resource = statement.resources !== undefined ? strings(statement.resources) : "*";
    const conditions = blocks(statement.condition);
    if (conditions.length > 0) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of conditions) (condition[String(c.test)] ??= {})[String(c.variable)] = strings(c.values);
      out.Condition = condition;
    }
    return out;
  });
  return { Version: "2012-10-17", Statement };
}

/** A policy given as a document reference or as literal JSON; undefined when neither can be read. */
function readPolicy(view: StackView, policy: unknown): IamPolicy | undefined {
  const fromDocument = policyDocument(view, policy);
  if (fromDocument) return fromDocument;
  if (typeof policy !== "string" || isExpression(policy)) return undefined;
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    return { Version: "2012-10-17", Statement: blocks(parsed.Statement) };
  } catch {
    return undefined;
  }
}

/**
 * The identity policies the stack attaches to a role: its inline policies (`aws_iam_role_policy`)
 * and its customer managed policies (`aws_iam_policy` attached by `aws_iam_role_policy_attachment`).
 * AWS managed policies are not in the stack; `unreadable` lists what could not be read.
 */
export function rolePolicies(view: StackView, role: TerraformResourceJson): { policies: IamPolicy[]; unreadable: string[] } {
  const refersToRole = (value: unknown) => {
    const ref = parseReference(value);
    return (ref?.address === role.address && !ref.data) || (typeof value === "string" && value === role.body.name);
  };
  const policies: IamPolicy[] = [];
  const unreadable: string[] = [];
  for (const inline of view.resources("aws_iam_role_policy").filter((p) => refersToRole(p.body.role))) {
    const policy = readPolicy(view, inline.body.policy);
    if (policy) policies.push(policy);
    else unreadable.push(inline.address);
  }
  for (const attachment of view.resources("aws_iam_role_policy_attachment").filter((a) => refersToRole(a.body.role))) {
    const managed = view.referenced(attachment.body.policy_arn, "aws_iam_policy");
    if (!managed) continue; // an AWS managed policy (arn:aws:iam::aws:policy/…)
    const policy = readPolicy(view, managed.body.policy);
    if (policy) policies.push(policy);
    else unreadable.push(managed.address);
  }
  return { policies, unreadable };
}

export interface IamRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly accountId: string;
  readonly context: Record<string, string | string[]>;
}

/** What IAM decides for one request of a principal with these identity policies. */
export function decide(policies: readonly IamPolicy[], request: IamRequest): IamDecision {
  const result = runUnsafeSimulation(
    {
      identityPolicies: policies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: request.accountId }, contextVariables: request.context },
    } as never,
    {},
  );
  return result as IamDecision;
}
