import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { RuleId, RuleScope, Severity } from "./catalog";
import type { Tier } from "../config/types";

/** The guardrail report written beside the synthesized stacks (or, on failure, where the error says). */
export interface GuardrailReport {
  readonly version: 1;
  readonly generatedAt: string;
  readonly outcome: "passed" | "failed";
  readonly durationMs: number;
  readonly totals: {
    readonly rules: number;
    readonly stacks: number;
    readonly resources: number;
    readonly resourcesChecked: number;
    readonly findings: number;
    readonly violations: number;
    readonly waived: number;
    readonly staleWaivers: number;
    readonly waiversForOtherStacks: number;
  };
  readonly rules: readonly RuleSummary[];
  readonly stacks: readonly StackSummary[];
  readonly violations: readonly FindingRecord[];
  readonly waived: readonly WaivedFindingRecord[];
  readonly waivers: readonly WaiverRecord[];
}

export interface RuleSummary {
  readonly id: RuleId;
  readonly avdId?: string;
  readonly longId?: string;
  readonly title: string;
  readonly severity: Severity;
  readonly scope: RuleScope;
  readonly remediation: string;
  readonly note?: string;
  readonly resourcesChecked: number;
  readonly violations: number;
  readonly waived: number;
}

export interface StackSummary {
  readonly stack: string;
  readonly environment?: string;
  readonly tier?: Tier;
  readonly resources: number;
  readonly resourcesChecked: number;
  readonly violations: number;
  readonly waived: number;
}

export interface FindingRecord {
  readonly stack: string;
  /** `type.name` in the stack's Terraform JSON. */
  readonly resource: string;
  /** Construct path. */
  readonly path?: string;
  readonly rule: RuleId;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly remediation: string;
}

export interface WaivedFindingRecord extends FindingRecord {
  readonly reason: string;
  readonly expires?: string;
}

export interface WaiverRecord {
  readonly stack: string;
  readonly resource: string;
  readonly rule: RuleId;
  readonly reason: string;
  readonly expires?: string;
  /**
   * applied: it covered at least one finding; stale: its stack was checked but it matched nothing
   * (refused); other-stack: its stack is not part of this app (e.g. an app built for one environment).
   */
  readonly status: "applied" | "stale" | "other-stack";
  readonly matched: readonly string[];
}

export const REPORT_FILE_NAME = "guardrails-report.json";

export function writeReport(path: string, report: GuardrailReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The short console form: totals, one line per stack, and every waiver applied with its reason. */
export function formatSummary(report: GuardrailReport, reportPath?: string): string {
  const t = report.totals;
  const lines = [
    `Guardrails ${report.outcome}: ${t.rules} rules run on ${t.stacks} stacks, ${t.resourcesChecked} of ${t.resources} resources checked, ` +
      `${t.violations} violation${t.violations === 1 ? "" : "s"}, ${t.waived} finding${t.waived === 1 ? "" : "s"} waived (${report.durationMs} ms)` +
      (reportPath ? `\n  report: ${reportPath}` : ""),
  ];
  const stackRows = [
    ["stack", "environment", "tier", "resources", "checked", "violations", "waived"],
    ...report.stacks.map((s) => [s.stack, s.environment ?? "-", s.tier ?? "-", String(s.resources), String(s.resourcesChecked), String(s.violations), String(s.waived)]),
  ];
  lines.push(...table(stackRows, new Set([3, 4, 5, 6])).map((line) => `  ${line}`));
  const applied = report.waivers.filter((w) => w.status === "applied");
  if (applied.length > 0) {
    lines.push(`  waivers applied (${applied.length}):`);
    const rows = applied.map((w) => [w.stack, w.resource, w.rule, (w.expires ? `until ${w.expires}: ` : "") + shorten(w.reason, 110)]);
    lines.push(...table(rows, new Set()).map((line) => `    ${line}`));
  }
  const elsewhere = report.waivers.filter((w) => w.status === "other-stack");
  if (elsewhere.length > 0) lines.push(`  ${elsewhere.length} waiver(s) name stacks this app does not build: ${[...new Set(elsewhere.map((w) => w.stack))].join(", ")}`);
  return lines.join("\n");
}

/** The failure message: every violation and stale waiver with its fix. */
export function formatFailure(report: GuardrailReport, reportPath: string): string {
  const t = report.totals;
  const lines = [
    `Guardrails found ${t.violations} violation${t.violations === 1 ? "" : "s"}` +
      (t.staleWaivers > 0 ? ` and ${t.staleWaivers} stale waiver${t.staleWaivers === 1 ? "" : "s"}` : "") +
      "; nothing was synthesized:",
  ];
  for (const v of report.violations) {
    lines.push(`  - ${v.stack}: ${v.resource}${v.path ? ` (${v.path})` : ""} breaks ${v.rule} "${v.title}": ${v.message} Fix: ${v.remediation}`);
  }
  for (const w of report.waivers.filter((w) => w.status === "stale")) {
    lines.push(`  - stale waiver (${w.stack} ${w.resource} ${w.rule}): it matches no finding. Fix: remove it from environments/waivers.ts, or correct its stack / resource / rule.`);
  }
  lines.push(`Full report: ${reportPath}`);
  if (t.violations > 0) {
    lines.push("Fix the resources above; to accept a finding instead, record a waiver with a written reason in environments/waivers.ts.");
  }
  return lines.join("\n");
}
