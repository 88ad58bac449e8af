import { attributeLines, DEFAULT_ATTRIBUTE_OPTIONS, type AttributeDiffOptions } from "./attributes";
import { isDestructive, totalChanges, type ChangeCounts, type ChangeKind, type ClassifiedChange, type DriftEntry, type StackPlan } from "./plan";
import type { Diagnostic } from "./diagnostics";
import type { EnvironmentCost } from "./costs";
import type { Waiting } from "./waiting";

/**
 * Renders the pull-request comment (also the drift issue and the job summaries) from the plans of
 * one or more stacks, in the order given (the most important first): a summary table, destructive
 * changes called out, then per stack Terraform's own `Plan:` line, its errors and warnings, what
 * changed outside Terraform and one collapsible section per resource.
 *
 * The comment stays under GitHub's 65,536-character limit by a budget that keeps every stack
 * visible: every stack's heading, `Plan:` line and diagnostics first; then the destroys and
 * replacements of every stack; then drift; only then creates and updates, stack by stack. Each
 * stack says what of it was cut, with a link to the full plan in the workflow run.
 */

/** GitHub refuses comment and issue bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Marks the comment, so a workflow can find and update it instead of adding another. */
export const DEFAULT_MARKER = "<!-- pipeops:terraform-plan -->";

/** A stack whose plan was expected but not produced (its plan failed), with what Terraform said. */
export interface MissingPlan {
  readonly stack: string;
  readonly missing: true;
  readonly diagnostics?: readonly Diagnostic[];
  /** Set when the plan failed only because another stack has not been applied yet (waiting.ts). */
  readonly waiting?: Waiting;
}

export type StackEntry = StackPlan | MissingPlan;

export interface RenderOptions {
  readonly title?: string;
  readonly marker?: string;
  /** Commit the plans were made from, shown under the title. */
  readonly commit?: string;
  /** Link to the workflow run (logs, plan artifacts). */
  readonly runUrl?: string;
  /** Largest comment, counted in UTF-8 bytes (never fewer than characters). */
  readonly maxLength?: number;
  readonly attributes?: AttributeDiffOptions;
  /** Infracost's monthly figures per environment, when the Infracost job priced the plans. */
  readonly costs?: readonly EnvironmentCost[];
  /** Stacks pull requests do not plan (the platform stacks, docs/ci.md): named in a note. */
  readonly deferred?: readonly string[];
}

const DEFAULT_MAX_LENGTH = GITHUB_COMMENT_LIMIT - 536;

/** Budget kept free for the closing note when the details are cut. */
const TRUNCATION_NOTE_RESERVE = 600;

/** Budget kept for each stack's line saying what of it is not shown. */
const STACK_NOTE_RESERVE = 300;

function isMissing(entry: StackEntry): entry is MissingPlan {
  return (entry as MissingPlan).missing === true;
}

/** A stack whose plan failed, not one that waits for another stack's apply. */
const isFailed = (entry: StackEntry): entry is MissingPlan => isMissing(entry) && entry.waiting === undefined;
const isWaiting = (entry: StackEntry): entry is MissingPlan & { waiting: Waiting } => isMissing(entry) && entry.waiting !== undefined;

const size = (text: string) => Buffer.byteLength(text, "utf8");

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Inline code in Markdown, with a fence longer than any backtick run inside. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

function codeBlock(language: string, lines: readonly string[]): string {
  const body = lines.join("\n");
  const longest = Math.max(0, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

const SYMBOL: Record<ChangeKind, string> = {
  destroy: "-",
  replace: "-/+",
  create: "+",
  update: "~",
  import: "<=",
  forget: ".",
  move: "->",
};

const VERB: Record<ChangeKind, string> = {
  destroy: "destroy",
  replace: "replace",
  create: "create",
  update: "update in place",
  import: "import",
  forget: "forget (remove from state, keep the object)",
  move: "move",
};

const REASONS: Record<string, string> = {
  replace_because_tainted: "the object is tainted",
  replace_because_cannot_update: "an attribute cannot change in place",
  replace_by_request: "replacement was requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "its count index is gone",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "the moved block's target is gone",
};

function symbolOf(change: ClassifiedChange): string {
  const actions = change.resource.change.actions;
  if (change.kind === "replace" && actions[0] === "create") return "+/-";
  return SYMBOL[change.kind];
}

/** Why a change happens, in a few words: the forcing attributes, the reason, a move. */
function whyOf(change: ClassifiedChange): string {
  const parts: string[] = [];
  const forcing = change.resource.change.replace_paths ?? [];
  if (change.kind === "replace" && forcing.length > 0) parts.push(`forced by ${forcing.map((p) => code(p.join("."))).join(", ")}`);
  else if (change.resource.action_reason && REASONS[change.resource.action_reason]) parts.push(REASONS[change.resource.action_reason]!);
  if (change.kind === "replace" && change.resource.change.actions[0] === "create") parts.push("new object created before the old one is destroyed");
  if (change.resource.previous_address && change.resource.previous_address !== change.resource.address) {
    parts.push(`moved from ${code(change.resource.previous_address)}`);
  }
  if (change.resource.change.importing && change.kind !== "import") parts.push("imported");
  return parts.join("; ");
}

/** The same, as HTML for a <summary> line (Markdown is not rendered there). */
function whyOfHtml(change: ClassifiedChange): string {
  return escapeHtml(whyOf(change).replace(/`+ ?([^`]*?) ?`+/g, "$1"));
}

function countsText(counts: ChangeCounts): string {
  const parts = [`${counts.add} to add`, `${counts.change} to change`, `${counts.replace} to replace`, `${counts.destroy} to destroy`];
  if (counts.import > 0) parts.push(`${counts.import} to import`);
  if (counts.forget > 0) parts.push(`${counts.forget} to forget`);
  if (counts.move > 0) parts.push(`${counts.move} to move`);
  return parts.join(", ");
}

function notesOf(entry: StackEntry): string {
  if (isWaiting(entry)) return `⏳ waiting for ${entry.waiting.environment}: apply ${code(entry.waiting.stack)} first`;
  if (isMissing(entry)) {
    const error = entry.diagnostics?.find((d) => d.severity === "error");
    return `❌ no plan: ${error ? escapeHtml(error.summary).replace(/\|/g, "\\|") : "the plan job failed"}`;
  }
  const notes: string[] = [];
  if (entry.errored) notes.push("❌ the plan errored");
  if (entry.counts.replace + entry.counts.destroy > 0) notes.push("⚠️ destructive");
  if (totalChanges(entry.counts) === 0 && !entry.errored && !entry.refreshOnly) notes.push("no changes");
  if (entry.refreshOnly) notes.push("refresh-only");
  if (entry.counts.import > 0) notes.push(`${entry.counts.import} to import`);
  if (entry.counts.forget > 0) notes.push(`${entry.counts.forget} to forget`);
  if (entry.counts.move > 0) notes.push(`${entry.counts.move} moved`);
  if (entry.outputs.length > 0) notes.push(`${entry.outputs.length} output${entry.outputs.length === 1 ? "" : "s"} change`);
  if (entry.drift.length > 0) notes.push(`${entry.drift.length} changed outside Terraform`);
  const warnings = entry.diagnostics.filter((d) => d.severity === "warning").length;
  if (warnings > 0) notes.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return notes.join(", ");
}

function summaryTable(entries: readonly StackEntry[]): string {
  const rows = entries.map((entry) => {
    if (isMissing(entry)) return `| ${code(entry.stack)} | – | – | – | – | ${notesOf(entry)} |`;
    const c = entry.counts;
    return `| ${code(entry.stack)} | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy} | ${notesOf(entry)} |`;
  });
  const planned = entries.filter((e): e is StackPlan => !isMissing(e));
  if (entries.length > 1) {
    const sum = (key: keyof ChangeCounts) => planned.reduce((total, e) => total + e.counts[key], 0);
    rows.push(`| **Total** | **${sum("add")}** | **${sum("change")}** | **${sum("replace")}** | **${sum("destroy")}** | |`);
  }
  return ["| Stack | Add | Change | Replace | Destroy | Notes |", "|:--|--:|--:|--:|--:|:--|", ...rows].join("\n");
}

/** The marker, the title and the commit and run the comment is about. */
function titleLines(options: Pick<RenderOptions, "title" | "marker" | "commit" | "runUrl">): string[] {
  const lines = [options.marker ?? DEFAULT_MARKER, `## ${options.title ?? "Terraform plan"}`, ""];
  const meta: string[] = [];
  if (options.commit) meta.push(`Commit ${code(options.commit.slice(0, 12))}`);
  if (options.runUrl) meta.push(`[workflow run](${options.runUrl})`);
  if (meta.length > 0) lines.push(meta.join(" · "), "");
  return lines;
}

function header(entries: readonly StackEntry[], options: RenderOptions): string {
  const lines = titleLines(options);
  const planned = entries.filter((e): e is StackPlan => !isMissing(e));
  const destructive = planned.reduce((n, e) => n + e.counts.replace + e.counts.destroy, 0);
  const failed = entries.filter(isFailed);
  const waiting = entries.filter(isWaiting);
  if (destructive > 0) lines.push(`> [!CAUTION]\n> **${destructive} resource${destructive === 1 ? "" : "s"} will be destroyed or replaced.** Read the destructive changes below before approving.`, "");
  if (failed.length > 0) lines.push(`> [!WARNING]\n> ${failed.length} stack${failed.length === 1 ? " has" : "s have"} no plan: ${failed.map((e) => code(e.stack)).join(", ")}. Their errors are below; the logs are in the workflow run.`, "");
  if (waiting.length > 0) {
    const waits = waiting.map((e) => `${code(e.stack)} waits for ${e.waiting.environment} (${code(e.waiting.stack)} has not been applied)`);
    lines.push(`> [!NOTE]\n> ${waits.join("; ")}. ${waiting.length === 1 ? "It plans" : "They plan"} once the deploy workflow has applied what ${waiting.length === 1 ? "it reads" : "they read"}; this is not a failure.`, "");
  }
  const deferred = options.deferred ?? [];
  if (deferred.length > 0) {
    lines.push(
      `> [!NOTE]\n> Not planned on pull requests: ${deferred.map(code).join(", ")}. A pull-request plan reads no secret value, and a platform stack's plan reads the cluster, where Helm keeps its releases as Secrets. The deploy workflow plans ${deferred.length === 1 ? "it" : "them"} after the merge and shows the plan before the apply (prod's and DR's wait for approval there).`,
      "",
    );
  }
  if (entries.length === 0) lines.push("No stack is deployed from this branch, so there is nothing to plan.", "", "");
  else lines.push(summaryTable(entries), "", "");
  if (options.costs && options.costs.length > 0) lines.push(costTable(options.costs), "", "");
  return lines.join("\n");
}

const money = (value: number, currency: string) => `${currency === "USD" ? "$" : `${currency} `}${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (value: number, currency: string) => `${value > 0 ? "+" : value < 0 ? "−" : "±"}${money(Math.abs(value), currency)}`;

/** Infracost's monthly total and difference per environment, next to the environment's budget. */
function costTable(costs: readonly EnvironmentCost[]): string {
  const rows = costs.map((c) => {
    const monthly = c.monthly === undefined ? "–" : money(c.monthly, c.currency);
    const diff = c.diff === undefined ? "–" : signed(c.diff, c.currency);
    const share = c.monthly !== undefined && c.budget ? c.monthly / c.budget : undefined;
    const budget = c.budget === undefined ? "–" : `${money(c.budget, "USD")}${share === undefined ? "" : ` (${Math.round(share * 100)} %${share > 1 ? " ⚠️ over" : ""})`}`;
    return `| ${code(c.environment)} | ${monthly} | ${diff} | ${budget} |`;
  });
  return [
    "**Monthly cost** (Infracost's estimate of the planned stacks, usage-based costs excluded; budget: the environment's AWS Budgets limit, by default the seed's figure)",
    "",
    "| Environment | Monthly after this change | Change | Budget |",
    "|:--|--:|--:|--:|",
    ...rows,
  ].join("\n");
}

function destructiveLine(stack: string, change: ClassifiedChange): string {
  const why = whyOf(change);
  return `- **${change.kind}** ${code(change.resource.address)} in ${code(stack)}${why ? ` (${why})` : ""}`;
}

function details(summary: string, body: readonly string[]): string {
  // The blank line after </details> ends the HTML block, so the Markdown that follows renders.
  return ["<details>", summary, "", ...body, "", "</details>", "", ""].join("\n");
}

function resourceBlock(change: ClassifiedChange, attributes: AttributeDiffOptions): string {
  const why = whyOfHtml(change);
  const summary = `<summary><code>${escapeHtml(symbolOf(change))}</code> ${VERB[change.kind]} <code>${escapeHtml(change.resource.address)}</code>${why ? ` (${why})` : ""}</summary>`;
  const { lines, omitted } = attributeLines(change.resource.change, change.kind, attributes);
  const body = lines.length > 0 ? [codeBlock("diff", lines)] : [];
  if (omitted > 0) body.push(`_…and ${omitted} more attribute line${omitted === 1 ? "" : "s"}._`);
  // A move or a pure import changes no attribute: say so rather than leave the section empty.
  if (body.length === 0) body.push(change.kind === "move" ? `Moved from ${code(change.resource.previous_address ?? "")}; no attribute changes.` : "No attribute changes.");
  return details(summary, body);
}

function diagnosticsBlock(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "";
  const parts = diagnostics.map((d) => {
    const title = `${d.severity === "error" ? "❌ Error" : "⚠️ Warning"}: ${escapeHtml(d.summary)}`;
    return d.detail ? details(`<summary>${title}</summary>`, [codeBlock("text", d.detail.split("\n"))]) : `${title}\n\n`;
  });
  return parts.join("");
}

function stackHeading(entry: StackEntry): string {
  if (isWaiting(entry)) {
    const lines = [`### ${code(entry.stack)}: waiting for ${entry.waiting.environment}`, "", `This stack reads the state of ${code(entry.waiting.stack)}, which has not been applied yet, so it cannot be planned before that apply:`, ""];
    return `${lines.join("\n")}\n${diagnosticsBlock(entry.diagnostics ?? [])}`;
  }
  if (isMissing(entry)) {
    const lines = [`### ${code(entry.stack)}: no plan`, ""];
    lines.push(entry.diagnostics && entry.diagnostics.length > 0 ? "Terraform could not plan this stack:" : "The plan job of this stack failed; its log is in the workflow run.", "");
    return `${lines.join("\n")}\n${diagnosticsBlock(entry.diagnostics ?? [])}`;
  }
  const lines = [`### ${code(entry.stack)}: ${totalChanges(entry.counts) === 0 && !entry.refreshOnly ? "no changes" : countsText(entry.counts)}`, "", `Terraform: ${code(entry.planLine)}`, ""];
  if (entry.errored) lines.push("❌ Terraform reported errors while planning this stack; the plan is incomplete.", "");
  if (entry.outputs.length > 0) {
    const symbol = { create: "+", update: "~", delete: "-" } as const;
    lines.push(`Outputs: ${entry.outputs.map((o) => code(`${symbol[o.action]} ${o.name}`)).join(", ")}`, "");
  }
  return `${lines.join("\n")}\n${diagnosticsBlock(entry.diagnostics)}`;
}

/** One drifted resource, with the attributes Terraform reports as changed outside it. */
function driftBlock(entry: DriftEntry, refreshOnly: boolean, attributes: AttributeDiffOptions): string {
  const { resource, paths } = entry;
  const pick = (value: unknown) => (paths === "all" ? value : pruned(value, paths));
  const change = { ...resource.change, before: pick(resource.change.before), after: pick(resource.change.after), actions: resource.change.actions };
  const deleted = resource.change.actions.includes("delete");
  const { lines, omitted } = attributeLines(change, deleted ? "destroy" : "update", attributes);
  const body = lines.length > 0 ? [codeBlock("diff", lines)] : [];
  if (omitted > 0) body.push(`_…and ${omitted} more attribute line${omitted === 1 ? "" : "s"}._`);
  const what = deleted ? "was deleted outside Terraform" : refreshOnly ? "changed outside Terraform" : "changed outside Terraform, in attributes this plan depends on";
  return details(`<summary><code>~</code> <code>${escapeHtml(resource.address)}</code> ${what}</summary>`, body.length > 0 ? body : ["No attribute changes."]);
}

/** Only the given attribute paths of a value. */
function pruned(value: unknown, paths: readonly (readonly (string | number)[])[]): unknown {
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let source: unknown = value;
    let target: Record<string, unknown> = out;
    path.forEach((key, i) => {
      source = source !== null && typeof source === "object" ? (source as Record<string, unknown>)[String(key)] : undefined;
      if (i === path.length - 1) target[String(key)] = source;
      else target = (target[String(key)] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function driftTitle(entry: StackPlan): string {
  const n = entry.drift.length;
  return entry.refreshOnly
    ? `${n} resource${n === 1 ? "" : "s"} changed outside Terraform. This is a refresh-only plan: applying it records these values in the state and changes no remote object.\n\n`
    : `${n} resource${n === 1 ? "" : "s"} changed outside Terraform since the last apply, in attributes this plan depends on:\n\n`;
}

interface Piece {
  readonly stack: number;
  readonly phase: "destructive" | "drift" | "other";
  readonly text: string;
  readonly kind?: ChangeKind;
}

/** Renders the comment for the stacks in the order given (the most important first). */
export function renderComment(entries: readonly StackEntry[], options: RenderOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const attributes = options.attributes ?? DEFAULT_ATTRIBUTE_OPTIONS;
  const planned = entries.filter((e): e is StackPlan => !isMissing(e));

  let body = header(entries, options);
  const headings = entries.map(stackHeading);
  // Every stack keeps its heading, Plan line, diagnostics and closing note: set aside first.
  let budget = limit - TRUNCATION_NOTE_RESERVE - size(body) - headings.reduce((total, h) => total + size(h) + STACK_NOTE_RESERVE, 0);

  const destructive = planned.flatMap((e) => e.changes.filter((c) => isDestructive(c.kind)).map((c) => ({ stack: e.stack, change: c })));
  let shownDestructive = 0;
  if (destructive.length > 0) {
    // The list may take at most a quarter of what is left, so the details still get room.
    const title = "### ⚠️ Destructive changes\n\n";
    const listBudget = Math.floor((budget - size(title)) / 4);
    const lines: string[] = [];
    let used = 0;
    for (const { stack, change } of destructive) {
      const line = `${destructiveLine(stack, change)}\n`;
      if (used + size(line) > listBudget) break;
      lines.push(line);
      used += size(line);
    }
    shownDestructive = lines.length;
    const rest = destructive.length - shownDestructive;
    const list = `${title}${lines.join("")}${rest > 0 ? `- _…and ${rest} more: see the stacks below and the full plans in the workflow run._\n` : ""}\n`;
    body += list;
    budget -= size(list);
  }

  // Candidate sections, chosen by phase across all stacks, then written out stack by stack.
  const candidates: Piece[] = [];
  entries.forEach((entry, stack) => {
    if (isMissing(entry)) return;
    for (const change of entry.changes.filter((c) => isDestructive(c.kind))) candidates.push({ stack, phase: "destructive", text: resourceBlock(change, attributes), kind: change.kind });
    if (entry.drift.length > 0) {
      const blocks = entry.drift.map((d) => driftBlock(d, entry.refreshOnly, attributes));
      candidates.push({ stack, phase: "drift", text: `${driftTitle(entry)}${blocks.join("")}` });
    }
    for (const change of entry.changes.filter((c) => !isDestructive(c.kind))) candidates.push({ stack, phase: "other", text: resourceBlock(change, attributes), kind: change.kind });
  });
  const chosen = new Set<Piece>();
  let full = false;
  for (const phase of ["destructive", "drift", "other"] as const) {
    for (const piece of candidates.filter((p) => p.phase === phase)) {
      // Once one section did not fit, later ones of this phase may not jump the queue.
      if (full && phase === "other") break;
      if (size(piece.text) <= budget) {
        chosen.add(piece);
        budget -= size(piece.text);
      } else {
        full = true;
      }
    }
  }

  let hiddenTotal = 0;
  entries.forEach((entry, stack) => {
    body += headings[stack]!;
    if (isMissing(entry)) return;
    const mine = candidates.filter((p) => p.stack === stack);
    const order = ["destructive", "drift", "other"] as const;
    for (const phase of order) for (const piece of mine.filter((p) => p.phase === phase && chosen.has(p))) body += piece.text;
    const hidden = mine.filter((p) => !chosen.has(p) && p.kind !== undefined);
    const driftHidden = mine.some((p) => p.phase === "drift" && !chosen.has(p));
    hiddenTotal += hidden.length;
    if (hidden.length > 0 || driftHidden) {
      const byKind = KIND_NAMES.map(([kind, word]) => [word, hidden.filter((p) => p.kind === kind).length] as const).filter(([, n]) => n > 0);
      const what = [...byKind.map(([word, n]) => `${n} ${word}`), ...(driftHidden ? ["the changes made outside Terraform"] : [])].join(", ");
      const link = options.runUrl ? `[the full plan of ${code(entry.stack)}](${options.runUrl})` : "the full plan in the workflow run";
      body += `_Not shown in ${code(entry.stack)}: ${what} (${entry.changes.length - hidden.length} of ${entry.changes.length} changes shown). See ${link}._\n\n`;
    }
  });

  if (hiddenTotal > 0 || shownDestructive < destructive.length || candidates.some((p) => p.phase === "drift" && !chosen.has(p))) {
    body += `\n> [!NOTE]\n> The details were cut to keep this comment under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit: ${hiddenTotal} resource change${hiddenTotal === 1 ? " is" : "s are"} not shown, the least important first (creates and updates of the last stacks). Every stack's summary and \`Plan:\` line are complete; the full plans are in the workflow run${options.runUrl ? ` ([open](${options.runUrl}))` : ""}.\n`;
  }
  if (size(body) > limit) {
    // Only a summary table larger than the limit gets here (hundreds of stacks): cut it hard.
    body = `${body.slice(0, Math.max(0, limit - 200))}\n\n_…cut: the summary alone exceeds the comment limit._\n`;
    while (size(body) > limit) body = body.slice(0, body.length - 100);
  }
  return body;
}

const KIND_NAMES: readonly [ChangeKind, string][] = [
  ["destroy", "destroys"],
  ["replace", "replacements"],
  ["create", "creates"],
  ["update", "updates"],
  ["import", "imports"],
  ["forget", "forgets"],
  ["move", "moves"],
];

/** Marks a stale-commit banner, so a second push replaces it instead of stacking another. */
const STALE_MARKER = "<!-- pipeops:stale -->";

/**
 * The existing comment with a banner saying it no longer matches the pull request's head: put on
 * it when a new push starts planning, replaced by the new comment when the plans are done.
 */
export function markStale(body: string, options: { readonly commit: string; readonly runUrl?: string }): string {
  const lines = body.replace(new RegExp(`${STALE_MARKER}[\\s\\S]*?${STALE_MARKER.replace("stale", "stale-end")}\\n\\n`), "").split("\n");
  const planned = /Commit `([0-9a-f]+)`/.exec(body)?.[1];
  const banner = [
    STALE_MARKER,
    "> [!WARNING]",
    `> **Outdated:** this plan is for commit ${planned ? code(planned) : "an earlier commit"}, not for the pull request's head ${code(options.commit.slice(0, 12))}.` +
      ` The new plans are being made${options.runUrl ? ` in [this run](${options.runUrl})` : ""}; this comment is replaced when they are done, or says why not.`,
    STALE_MARKER.replace("stale", "stale-end"),
    "",
    "",
  ].join("\n");
  // After the marker line and the title, where a reader looks first.
  const titleAt = lines.findIndex((line) => line.startsWith("## "));
  const at = titleAt >= 0 ? titleAt + 2 : 1;
  return [...lines.slice(0, at), banner + lines.slice(at).join("\n")].join("\n");
}

/** The comment for a commit whose synth failed: nothing was planned, and no earlier plan applies. */
export function renderSynthFailure(diagnostics: readonly Diagnostic[], options: Pick<RenderOptions, "title" | "marker" | "commit" | "runUrl"> = {}): string {
  const lines = titleLines(options);
  lines.push("> [!CAUTION]", "> **`cdktf synth` failed at this commit, so no stack was planned.** No plan of an earlier commit applies to it; fix the error below and push again.", "", "");
  let text = `${lines.join("\n")}${diagnosticsBlock(diagnostics.length > 0 ? diagnostics : [{ severity: "error", summary: "synth failed without a message", detail: "" }])}`;
  if (size(text) > DEFAULT_MAX_LENGTH) text = `${text.slice(0, DEFAULT_MAX_LENGTH - 200)}\n\n_…cut: see the workflow run._\n`;
  return text;
}
