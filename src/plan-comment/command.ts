import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
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

const VALUE_FLAGS = new Set(["--out", "--title", "--marker", "--commit", "--run-url", "--expect", "--max-length"]);

export function parseArguments(argv: readonly string[]): CommandOptions {
  const values = new Map<string, string>();
  const plans: { stack: string; file: string }[] = [];
  let redact = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--redact") {
      redact = true;
    } else if (VALUE_FLAGS.has(arg)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      values.set(arg, value);
    } else if (arg.startsWith("--") && VALUE_FLAGS.has(arg.split("=")[0]!)) {
      values.set(arg.split("=")[0]!, arg.slice(arg.indexOf("=") + 1));
    } else if (arg.startsWith("--")) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
      plans.push(named ? { stack: named[1]!, file: named[2]! } : { stack: basename(arg).replace(/\.json$/i, ""), file: arg });
    }
  }
  if (plans.length === 0 && !values.has("--expect")) throw new UsageError("give at least one plan file (terraform show -json output)");
  const maxLength = values.has("--max-length") ? Number(values.get("--max-length")) : undefined;
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1000)) throw new UsageError("--max-length must be a whole number of at least 1000");
  const duplicate = plans.find((p, i) => plans.findIndex((q) => q.stack === p.stack) !== i);
  if (duplicate) throw new UsageError(`two plans for stack ${duplicate.stack}`);
  return {
    plans,
    out: values.get("--out"),
    title: values.get("--title"),
    marker: values.get("--marker"),
    commit: values.get("--commit"),
    runUrl: values.get("--run-url"),
    expect: (values.get("--expect") ?? "").split(/[\s,]+/).filter(Boolean),
    maxLength,
    redact,
  };
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
