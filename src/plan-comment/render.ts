import { attributeLines, DEFAULT_ATTRIBUTE_OPTIONS, type AttributeDiffOptions } from "./attributes";
import { isDestructive, totalChanges, type ChangeCounts, type ChangeKind, type ClassifiedChange, type StackPlan } from "./plan";

/**
 * Renders the pull-request comment (also the drift issue and the job summaries) from the plans of
 * one or more stacks: a summary table, destructive changes called out, then per stack one
 * collapsible section per resource. The comment stays under GitHub's 65,536-character limit: the
 * header and the summary table are always whole; the destructive list and the details are cut
 * where the budget ends, and the comment says what it left out.
 */

/** GitHub refuses comment and issue bodies longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Marks the comment, so a workflow can find and update it instead of adding another. */
export const DEFAULT_MARKER = "<!-- pipeops:terraform-plan -->";

/** A stack whose plan was expected but not produced (its plan job failed). */
export interface MissingPlan {
  readonly stack: string;
  readonly missing: true;
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
}

const DEFAULT_MAX_LENGTH = GITHUB_COMMENT_LIMIT - 536;

/** Budget kept free for the closing note when the details are cut. */
const TRUNCATION_NOTE_RESERVE = 600;

/** Budget kept for each stack's "N more changes not shown" line. */
const STACK_NOTE_RESERVE = 120;

function isMissing(entry: StackEntry): entry is MissingPlan {
  return (entry as MissingPlan).missing === true;
}

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
  if (isMissing(entry)) return "❌ no plan: the plan job failed";
  const notes: string[] = [];
  if (entry.errored) notes.push("❌ the plan errored");
  if (entry.counts.replace + entry.counts.destroy > 0) notes.push("⚠️ destructive");
  if (totalChanges(entry.counts) === 0 && !entry.errored) notes.push("no changes");
  if (entry.counts.import > 0) notes.push(`${entry.counts.import} to import`);
  if (entry.counts.forget > 0) notes.push(`${entry.counts.forget} to forget`);
  if (entry.counts.move > 0) notes.push(`${entry.counts.move} moved`);
  if (entry.outputs.length > 0) notes.push(`${entry.outputs.length} output${entry.outputs.length === 1 ? "" : "s"} change`);
  if (entry.drift.length > 0) notes.push(`${entry.drift.length} changed outside Terraform`);
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

function header(entries: readonly StackEntry[], options: RenderOptions): string {
  const marker = options.marker ?? DEFAULT_MARKER;
  const lines = [marker, `## ${options.title ?? "Terraform plan"}`, ""];
  const meta: string[] = [];
  if (options.commit) meta.push(`Commit ${code(options.commit.slice(0, 12))}`);
  if (options.runUrl) meta.push(`[workflow run](${options.runUrl})`);
  if (meta.length > 0) lines.push(meta.join(" · "), "");
  const planned = entries.filter((e): e is StackPlan => !isMissing(e));
  const destructive = planned.reduce((n, e) => n + e.counts.replace + e.counts.destroy, 0);
  const missing = entries.length - planned.length;
  if (destructive > 0) lines.push(`> [!CAUTION]\n> **${destructive} resource${destructive === 1 ? "" : "s"} will be destroyed or replaced.** Read the destructive changes below before approving.`, "");
  if (missing > 0) lines.push(`> [!WARNING]\n> ${missing} stack${missing === 1 ? " has" : "s have"} no plan: ${entries.filter(isMissing).map((e) => code(e.stack)).join(", ")}. See the workflow run.`, "");
  if (entries.length === 0) lines.push("No stack is deployed from this branch, so there is nothing to plan.", "", "");
  else lines.push(summaryTable(entries), "", "");
  return lines.join("\n");
}

function destructiveLine(stack: string, change: ClassifiedChange): string {
  const why = whyOf(change);
  return `- **${change.kind}** ${code(change.resource.address)} in ${code(stack)}${why ? ` (${why})` : ""}`;
}

function resourceBlock(change: ClassifiedChange, attributes: AttributeDiffOptions): string {
  const why = whyOfHtml(change);
  const summary = `<summary><code>${escapeHtml(symbolOf(change))}</code> ${VERB[change.kind]} <code>${escapeHtml(change.resource.address)}</code>${why ? ` (${why})` : ""}</summary>`;
  const { lines, omitted } = attributeLines(change.resource.change, change.kind, attributes);
  const body = lines.length > 0 ? [codeBlock("diff", lines)] : [];
  if (omitted > 0) body.push(`_…and ${omitted} more attribute line${omitted === 1 ? "" : "s"}._`);
  // The blank line after </details> ends the HTML block, so the Markdown that follows renders.
  return ["<details>", summary, "", ...body, "", "</details>", "", ""].join("\n");
}

function stackHeading(entry: StackEntry): string {
  if (isMissing(entry)) return `### ${code(entry.stack)}: no plan\n\nThe plan job of this stack failed; its log is in the workflow run.\n\n`;
  const lines = [`### ${code(entry.stack)}: ${totalChanges(entry.counts) === 0 ? "no changes" : countsText(entry.counts)}`, ""];
  if (entry.errored) lines.push("❌ Terraform reported errors while planning this stack; the plan is incomplete.", "");
  if (totalChanges(entry.counts) === 0 && !entry.errored) lines.push("The infrastructure matches the configuration.", "");
  if (entry.outputs.length > 0) {
    const symbol = { create: "+", update: "~", delete: "-" } as const;
    lines.push(`Outputs: ${entry.outputs.map((o) => code(`${symbol[o.action]} ${o.name}`)).join(", ")}`, "");
  }
  return `${lines.join("\n")}\n`;
}

function driftBlock(entry: StackPlan): string {
  const items = entry.drift.map((d) => `<li><code>${escapeHtml(d.address)}</code> (${escapeHtml(d.change.actions.join(", "))})</li>`);
  return ["<details>", `<summary>${entry.drift.length} resource${entry.drift.length === 1 ? "" : "s"} changed outside of Terraform since the last apply</summary>`, "", `<ul>${items.join("")}</ul>`, "", "</details>", "", ""].join("\n");
}

/** Renders the comment for the stacks in the order given. */
export function renderComment(entries: readonly StackEntry[], options: RenderOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const attributes = options.attributes ?? DEFAULT_ATTRIBUTE_OPTIONS;
  const planned = entries.filter((e): e is StackPlan => !isMissing(e));
  const allChanges = planned.reduce((n, e) => n + e.changes.length, 0);

  let body = header(entries, options);
  const budget = limit - TRUNCATION_NOTE_RESERVE;
  // Every stack keeps its heading and its "N more not shown" line: their room is set aside first.
  const headings = entries.map(stackHeading);
  const reserveOf = (i: number) => size(headings[i]!) + STACK_NOTE_RESERVE;
  let reservedLater = headings.reduce((total, _, i) => total + reserveOf(i), 0);
  let shownChanges = 0;
  let shownDestructive = 0;
  let truncated = false;
  const fits = (piece: string) => size(body) + size(piece) + reservedLater <= budget;

  const destructive = planned.flatMap((e) => e.changes.filter((c) => isDestructive(c.kind)).map((c) => ({ stack: e.stack, change: c })));
  if (destructive.length > 0) {
    // The list may take at most half of what is left, so the details still get room.
    const title = "### ⚠️ Destructive changes\n\n";
    const listBudget = Math.floor((budget - size(body) - reservedLater - size(title)) / 2);
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
    body += `${title}${lines.join("")}${rest > 0 ? `- _…and ${rest} more: see the stacks below and the full plans in the workflow run._\n` : ""}\n`;
  }

  entries.forEach((entry, i) => {
    reservedLater -= reserveOf(i);
    body += headings[i]!;
    if (isMissing(entry)) return;
    // From here on, this stack's own closing line is the only reserve besides later stacks'.
    reservedLater += STACK_NOTE_RESERVE;
    if (entry.drift.length > 0) {
      const drift = driftBlock(entry);
      if (fits(drift)) body += drift;
      else truncated = true;
    }
    let left = entry.changes.length;
    for (const change of entry.changes) {
      if (truncated) break;
      const block = resourceBlock(change, attributes);
      if (!fits(block)) {
        truncated = true;
        break;
      }
      body += block;
      shownChanges += 1;
      left -= 1;
    }
    reservedLater -= STACK_NOTE_RESERVE;
    if (left > 0) body += `_${left} more change${left === 1 ? "" : "s"} in ${code(entry.stack)} not shown._\n\n`;
  });

  if (truncated || shownChanges < allChanges || shownDestructive < destructive.length) {
    const hidden = allChanges - shownChanges;
    body += `\n> [!NOTE]\n> The details were cut to keep this comment under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit: ${hidden} resource change${hidden === 1 ? " is" : "s are"} not shown. The summary above is complete; the full plans are in the workflow run${options.runUrl ? ` ([open](${options.runUrl}))` : ""}.\n`;
  }
  if (size(body) > limit) {
    // Only a summary table larger than the limit gets here (hundreds of stacks): cut it hard.
    body = `${body.slice(0, Math.max(0, limit - 200))}\n\n_…cut: the summary alone exceeds the comment limit._\n`;
    while (size(body) > limit) body = body.slice(0, body.length - 100);
  }
  return body;
}
