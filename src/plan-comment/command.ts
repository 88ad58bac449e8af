import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { analysePlan, type TerraformPlan } from "./plan";
import { redactPlan } from "./redact";
import { renderComment, type StackEntry } from "./render";

/**
 * npm run plan:comment -- <plan.json | stack=plan.json>... [options]
 *
 * Reads `terraform show -json` plans (one per stack; the stack is named by `stack=` or else by the
 * file name without `.json`) and writes the Markdown plan comment.
 *
 *   --out <file>          write the comment to a file (default: standard output)
 *   --title <text>        heading (default "Terraform plan")
 *   --marker <text>       hidden marker the workflow finds the comment by
 *   --commit <sha>        commit the plans were made from
 *   --run-url <url>       link to the workflow run
 *   --expect <a,b,…>      stacks that should have a plan; those without one are reported as failed
 *   --max-length <n>      largest comment in bytes (default: under GitHub's 65,536 limit)
 *   --redact              instead: rewrite each plan file with its sensitive values replaced
 */

export interface CommandOptions {
  readonly plans: { readonly stack: string; readonly file: string }[];
  readonly out?: string;
  readonly title?: string;
  readonly marker?: string;
  readonly commit?: string;
  readonly runUrl?: string;
  readonly expect: string[];
  readonly maxLength?: number;
  readonly redact: boolean;
}

export class UsageError extends Error {}

export function parseArguments(argv: readonly string[]): CommandOptions {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    // node:util names the option and the problem ("Unknown option '--x'", "Option '--out <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const plans = positionals.map((arg) => {
    const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
    return named ? { stack: named[1]!, file: named[2]! } : { stack: basename(arg).replace(/\.json$/i, ""), file: arg };
  });
  if (plans.length === 0 && values.expect === undefined) throw new UsageError("give at least one plan file (terraform show -json output)");
  const maxLength = values["max-length"] !== undefined ? Number(values["max-length"]) : undefined;
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1000)) throw new UsageError("--max-length must be a whole number of at least 1000");
  const duplicate = plans.find((p, i) => plans.findIndex((q) => q.stack === p.stack) !== i);
  if (duplicate) throw new UsageError(`two plans for stack ${duplicate.stack}`);
  return {
    plans,
    out: values.out,
    title: values.title,
    marker: values.marker,
    commit: values.commit,
    runUrl: values["run-url"],
    expect: (values.expect ?? "").split(/[\s,]+/).filter(Boolean),
    maxLength,
    redact: values.redact ?? false,
  };
}

function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string" },
      title: { type: "string" },
      marker: { type: "string" },
      commit: { type: "string" },
      "run-url": { type: "string" },
      expect: { type: "string" },
      "max-length": { type: "string" },
      redact: { type: "boolean" },
    },
  });
}

function readPlan(file: string): TerraformPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read plan file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as TerraformPlan;
  } catch {
    throw new Error(`${file} is not JSON. Fix: save the plan with \`terraform show -json <planfile> > ${basename(file)}\`.`);
  }
}

/** The stacks of the comment: the given plans, then expected stacks that have none. */
export function stackEntries(options: Pick<CommandOptions, "plans" | "expect">): StackEntry[] {
  const planned: StackEntry[] = options.plans.map(({ stack, file }) => analysePlan(stack, readPlan(file)));
  const byName = new Map(planned.map((entry) => [entry.stack, entry]));
  if (options.expect.length === 0) return planned;
  const ordered: StackEntry[] = options.expect.map((stack) => byName.get(stack) ?? { stack, missing: true as const });
  const unexpected = planned.filter((entry) => !options.expect.includes(entry.stack));
  return [...ordered, ...unexpected];
}

/** Runs the command; returns the comment (or the list of redacted files). */
export function runCommand(argv: readonly string[]): string {
  const options = parseArguments(argv);
  if (options.redact) {
    for (const { file } of options.plans) {
      writeFileSync(file, `${JSON.stringify(redactPlan(readPlan(file)))}\n`);
    }
    return options.plans.map((p) => p.file).join("\n");
  }
  const comment = renderComment(stackEntries(options), {
    title: options.title,
    marker: options.marker,
    commit: options.commit,
    runUrl: options.runUrl,
    maxLength: options.maxLength,
  });
  if (options.out) writeFileSync(options.out, comment);
  return comment;
}
