import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { analysePlan, type TerraformPlan } from "./plan";
import { redactPlan } from "./redact";
import { renderComment, renderSynthFailure, markStale, type StackEntry } from "./render";
import { parseDiagnostics, redactDiagnosticsFile, redactText } from "./diagnostics";
import { environmentOf, reviewRank } from "./ci-stacks";
import { budgetOf, environmentCosts, readStackCost, type EnvironmentCost } from "./costs";
import { waitingFor } from "./waiting";

/**
 * npm run plan:comment -- [<plan.json | stack=plan.json>...] [--plans-dir <dir>] [options]
 *
 * Reads `terraform show -json` plans (one per stack; the stack is named by `stack=` or else by the
 * file name without `.json`) and writes the Markdown plan comment, the most important stacks first
 * (prod, DR, staging, dev). Next to each plan, `<stack>.diagnostics.json` holds the warnings and
 * errors Terraform reported (the plan workflow saves it; a stack whose plan failed has only that
 * file). Given only --plans-dir, the plans are that folder's `<stack>.json` files, exactly what the
 * plan jobs upload (the diagnostics files beside them are read as diagnostics, never as plans).
 * A stack without a plan whose every error says to apply another stack first is shown as waiting
 * for that stack's environment, not as failed (waiting.ts).
 *
 *   --out <file>          write the comment to a file (default: standard output)
 *   --title <text>        heading (default "Terraform plan")
 *   --marker <text>       hidden marker the workflow finds the comment by
 *   --commit <sha>        commit the plans were made from
 *   --run-url <url>       link to the workflow run
 *   --expect <a,b,…>      stacks that should have a plan; those without one are reported as failed,
 *                         with the errors of their diagnostics file when there is one
 *   --deferred <a,b,…>    stacks pull requests do not plan (the platform stacks): named in a note
 *   --plans-dir <dir>     the plans' folder: without plan files, every <stack>.json in it is a plan;
 *                         diagnostics of stacks without a plan are read there (default: the plans' folder)
 *   --refresh-only        the plans are `terraform plan -refresh-only` plans (drift detection)
 *   --infracost <dir>     Infracost's JSON per stack (`<dir>/<stack>.json`): the comment then shows
 *                         each environment's monthly total and change next to its budget
 *   --synth-failed <log>  instead: the comment for a commit whose synth failed, from its log
 *   --mark-stale <file>   instead: the existing comment in <file>, marked as not matching --commit
 *   --max-length <n>      largest comment in bytes (default: under GitHub's 65,536 limit)
 *   --waiting-for <file>  instead: of a failed plan's diagnostics file, print the environment whose
 *                         apply it waits for, or nothing when it failed for another reason
 *   --redact              instead: rewrite each plan file with its sensitive values replaced (and
 *                         each saved diagnostics file, *.diagnostics.json or *.txt, with its
 *                         secrets removed)
 */

export interface CommandOptions {
  readonly plans: { readonly stack: string; readonly file: string }[];
  readonly out?: string;
  readonly title?: string;
  readonly marker?: string;
  readonly commit?: string;
  readonly runUrl?: string;
  readonly expect: string[];
  readonly deferred: string[];
  readonly maxLength?: number;
  readonly redact: boolean;
  readonly refreshOnly: boolean;
  readonly plansDir?: string;
  readonly synthFailed?: string;
  readonly markStale?: string;
  readonly waitingFor?: string;
  readonly infracostDir?: string;
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
  const listed = positionals.map((arg) => {
    const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
    return named ? { stack: named[1]!, file: named[2]! } : { stack: basename(arg).replace(/\.json$/i, ""), file: arg };
  });
  const redact = values.redact ?? false;
  const diagnosticsFile = !redact && listed.find((p) => DIAGNOSTICS_FILE.test(p.file));
  if (diagnosticsFile) {
    throw new UsageError(`${diagnosticsFile.file} holds Terraform's diagnostics, not a plan. Fix: pass the plans' folder (--plans-dir <dir>) instead of a glob such as <dir>/*.json.`);
  }
  const plansDir = values["plans-dir"];
  const plans = listed.length === 0 && plansDir !== undefined && !redact ? plansIn(plansDir) : listed;
  const special = values["synth-failed"] !== undefined || values["mark-stale"] !== undefined || values["waiting-for"] !== undefined;
  if (plans.length === 0 && values.expect === undefined && plansDir === undefined && !special) throw new UsageError("give at least one plan file (terraform show -json output) or --plans-dir");
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
    expect: listOf(values.expect),
    deferred: listOf(values.deferred),
    maxLength,
    redact,
    refreshOnly: values["refresh-only"] ?? false,
    plansDir: values["plans-dir"],
    synthFailed: values["synth-failed"],
    markStale: values["mark-stale"],
    waitingFor: values["waiting-for"],
    infracostDir: values.infracost,
  };
}

const listOf = (value: string | undefined) => (value ?? "").split(/[\s,]+/).filter(Boolean);

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
      deferred: { type: "string" },
      "max-length": { type: "string" },
      redact: { type: "boolean" },
      "refresh-only": { type: "boolean" },
      "plans-dir": { type: "string" },
      "synth-failed": { type: "string" },
      "mark-stale": { type: "string" },
      "waiting-for": { type: "string" },
      infracost: { type: "string" },
    },
  });
}

/** A diagnostics file the plan jobs save beside each plan (`<stack>.diagnostics.json`). */
const DIAGNOSTICS_FILE = /\.diagnostics\.json$/i;

/** The plans in a folder of plan artifacts: every `<stack>.json` but the diagnostics files; none when the folder does not exist. */
export function plansIn(dir: string): { stack: string; file: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !DIAGNOSTICS_FILE.test(name))
    .sort()
    .map((name) => ({ stack: name.slice(0, -".json".length), file: join(dir, name) }));
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

/** What Terraform printed while planning a stack, saved next to its plan; none when there is no file. */
function diagnosticsNear(dir: string, stack: string) {
  const file = join(dir, `${stack}.diagnostics.json`);
  return existsSync(file) ? parseDiagnostics(readFileSync(file, "utf8")) : [];
}

/** A plan file of a stack, read once. */
export interface LoadedPlan {
  readonly stack: string;
  readonly file: string;
  readonly plan: TerraformPlan;
}

/**
 * The stacks of the comment: the given plans and the expected stacks that have none, in review
 * order (prod, DR, staging, dev; see reviewRank), otherwise as given.
 */
export function stackEntries(options: Pick<CommandOptions, "expect" | "refreshOnly" | "plansDir"> & { readonly plans: readonly LoadedPlan[] }): StackEntry[] {
  const planned: StackEntry[] = options.plans.map(({ stack, file, plan }) =>
    analysePlan(stack, plan, { refreshOnly: options.refreshOnly, diagnostics: diagnosticsNear(dirname(file), stack) }),
  );
  const byName = new Map(planned.map((entry) => [entry.stack, entry]));
  const dir = options.plansDir ?? (options.plans[0] ? dirname(options.plans[0].file) : ".");
  const expected: StackEntry[] = options.expect.map((stack) => {
    const found = byName.get(stack);
    if (found) return found;
    const diagnostics = diagnosticsNear(dir, stack);
    return { stack, missing: true as const, diagnostics, waiting: waitingFor(diagnostics) };
  });
  const unexpected = planned.filter((entry) => !options.expect.includes(entry.stack));
  const entries = [...expected, ...unexpected];
  return entries.map((entry, i) => ({ entry, i })).sort((a, b) => reviewRank(a.entry.stack) - reviewRank(b.entry.stack) || a.i - b.i).map(({ entry }) => entry);
}

/** Each environment's Infracost figures (stacks Infracost priced) and budget (from its plans). */
function costsOf(plans: readonly LoadedPlan[], infracostDir: string): EnvironmentCost[] {
  const budgets = new Map<string, number>();
  for (const { stack, plan } of plans) {
    const budget = budgetOf(plan);
    const environment = environmentOf(stack)?.environment;
    if (budget !== undefined && environment !== undefined) budgets.set(environment, budget);
  }
  const priced = plans.map(({ stack }) => readStackCost(infracostDir, stack)).filter((cost) => cost !== undefined);
  return environmentCosts(priced, budgets).sort((a, b) => reviewRank(a.environment) - reviewRank(b.environment));
}

/** Runs the command; returns the comment (or the list of redacted files). */
export function runCommand(argv: readonly string[]): string {
  const options = parseArguments(argv);
  if (options.redact) {
    for (const { file } of options.plans) {
      // Saved diagnostics (Terraform's JSON ones, or a log's text) and plans.
      if (file.endsWith(".diagnostics.json")) writeFileSync(file, redactDiagnosticsFile(readFileSync(file, "utf8")));
      else if (file.endsWith(".txt")) writeFileSync(file, redactText(readFileSync(file, "utf8")));
      else writeFileSync(file, `${JSON.stringify(redactPlan(readPlan(file)))}\n`);
    }
    return options.plans.map((p) => p.file).join("\n");
  }
  if (options.synthFailed !== undefined) {
    const comment = renderSynthFailure(parseDiagnostics(readFileSync(options.synthFailed, "utf8")), { title: options.title, marker: options.marker, commit: options.commit, runUrl: options.runUrl });
    if (options.out) writeFileSync(options.out, comment);
    return comment;
  }
  if (options.waitingFor !== undefined) {
    const waiting = waitingFor(parseDiagnostics(readFileSync(options.waitingFor, "utf8")));
    return waiting ? `${waiting.environment}\n` : "";
  }
  if (options.markStale !== undefined) {
    if (!options.commit) throw new UsageError("--mark-stale needs --commit, the head commit the comment no longer matches");
    const comment = markStale(readFileSync(options.markStale, "utf8"), { commit: options.commit, runUrl: options.runUrl });
    if (options.out) writeFileSync(options.out, comment);
    return comment;
  }
  const plans = options.plans.map(({ stack, file }) => ({ stack, file, plan: readPlan(file) }));
  const comment = renderComment(stackEntries({ ...options, plans }), {
    costs: options.infracostDir !== undefined ? costsOf(plans, options.infracostDir) : undefined,
    deferred: options.deferred,
    title: options.title,
    marker: options.marker,
    commit: options.commit,
    runUrl: options.runUrl,
    maxLength: options.maxLength,
  });
  if (options.out) writeFileSync(options.out, comment);
  return comment;
}
