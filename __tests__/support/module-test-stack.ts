import { App, Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { awsProviderConfig, EMULATOR_ACCOUNT_ID, type DeploymentTarget } from "../../src/target";
import type { SynthesizedStack, TerraformJson } from "./synth";

export interface ModuleTestStack {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly provider: AwsProvider;
}

/**
 * A bare stack with one AWS provider, for testing a module on its own (no environment config,
 * no backend, no tagging aspect). Pass `outdir` to synthesize to disk (e.g. for terraform validate).
 */
export function moduleTestStack(
  options: { region?: string; target?: DeploymentTarget; accountId?: string; outdir?: string; stackName?: string } = {},
): ModuleTestStack {
  const app = options.outdir ? new App({ outdir: options.outdir }) : Testing.app();
  const stack = new TerraformStack(app, options.stackName ?? "module-test");
  const provider = new AwsProvider(
    stack,
    "aws",
    awsProviderConfig(options.target ?? { kind: "aws" }, options.region ?? "us-west-2", options.accountId ?? EMULATOR_ACCOUNT_ID),
  );
  return { app, stack, provider };
}

/** Synthesizes a module test stack in memory: the JSON text for cdktf's matchers and the parsed document. */
export function synthModuleStack(stack: TerraformStack): SynthesizedStack {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as TerraformJson };
}

/** `<type>.<key>` of the one resource of `type` the predicate picks, for `${…}` references. */
export function addressOf(stack: SynthesizedStack, type: string, predicate: (body: Record<string, unknown>) => boolean = () => true): string {
  const matches = Object.entries(stack.json.resource?.[type] ?? {}).filter(([, body]) => predicate(body));
  if (matches.length !== 1) throw new Error(`expected one ${type} to match, found ${matches.length}`);
  return `${type}.${matches[0]![0]}`;
}

/** `${<address>.<attribute>}`, the way a reference appears in synthesized JSON. */
export const ref = (address: string, attribute: string): string => `\${${address}.${attribute}}`;

/** The statements of the aws_iam_policy_document data source behind a `${data.aws_iam_policy_document.x.json}` reference. */
export function policyStatements(stack: SynthesizedStack, jsonReference: unknown): Record<string, unknown>[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(jsonReference));
  if (!match) throw new Error(`${String(jsonReference)} is not a policy document reference`);
  const document = stack.json.data?.aws_iam_policy_document?.[match[1]!];
  if (!document) throw new Error(`no policy document ${match[1]}`);
  return document.statement as Record<string, unknown>[];
}
