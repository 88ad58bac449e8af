import { RULE_CATALOG, isRuleId, type RuleId, type RuleInfo } from "./catalog";
import { GuardrailError } from "./errors";
import type { TerraformResourceJson } from "./stack-view";

/**
 * A recorded exemption of one resource from one rule. Waivers live in environments/waivers.ts;
 * every synth lists the ones it applied, and refuses waivers that are malformed, expired or stale.
 */
export interface Waiver {
  /** The stack the resource is in, e.g. "dev-bootstrap". */
  readonly stack: string;
  /**
   * The resource: its address in the synthesized JSON (`aws_s3_bucket.access-logs_bucket_7E528747`)
   * or its construct path, absolute (`dev-bootstrap/access-logs/bucket`) or relative to the stack
   * (`access-logs/bucket`). The construct path is the stable choice: it has no hash suffix.
   */
  readonly resource: string;
  /** The rule ID, e.g. "AWS-0089". */
  readonly rule: RuleId;
  /** Why the finding is acceptable here: a sentence a reviewer can check, not a placeholder. */
  readonly reason: string;
  /** Optional last day the waiver holds (YYYY-MM-DD, UTC); afterwards synth refuses it. */
  readonly expires?: string;
}

export const MIN_REASON_LENGTH = 30;
export const MIN_REASON_WORDS = 5;
/** Reasons that announce themselves as unwritten. */
const PLACEHOLDER = /^(todo|tbd|fixme|xxx+)\b/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const longIds = new Map(
  Object.entries(RULE_CATALOG as Record<string, RuleInfo>).flatMap(([id, info]) => [
    ...(info.longId ? [[info.longId, id] as const] : []),
    ...(info.avdId ? [[info.avdId, id] as const] : []),
  ]),
);

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function validDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDay(date) === text;
}

function label(raw: unknown, index: number): string {
  const w = (raw ?? {}) as Partial<Record<keyof Waiver, unknown>>;
  const parts = [w.stack, w.resource, w.rule].map((p) => (typeof p === "string" && p !== "" ? p : "?"));
  return `waiver #${index + 1} (${parts.join(" ")})`;
}

/** Problems of one waiver's own fields, each with its fix. */
function waiverProblems(raw: unknown, today: string): string[] {
  if (raw === null || typeof raw !== "object") return ["is not an object. Fix: write { stack, resource, rule, reason }."];
  const w = raw as Partial<Record<keyof Waiver, unknown>>;
  const problems: string[] = [];
  if (typeof w.stack !== "string" || !/^[a-z][a-z0-9-]*$/.test(w.stack)) {
    problems.push(`stack ${JSON.stringify(w.stack)} is not a stack name. Fix: name the stack, e.g. "dev-bootstrap".`);
  }
  if (typeof w.resource !== "string" || w.resource.trim() === "") {
    problems.push("resource is missing. Fix: give the resource's address (type.name) or construct path as the synth report shows it.");
  }
  if (typeof w.rule !== "string" || !isRuleId(w.rule)) {
    const suggestion = typeof w.rule === "string" ? longIds.get(w.rule) : undefined;
    problems.push(
      `rule ${JSON.stringify(w.rule)} is not a guardrail rule ID.` +
        (suggestion ? ` Fix: write "${suggestion}".` : " Fix: use an ID from src/guardrails/catalog.ts, e.g. \"AWS-0089\"."),
    );
  }
  const reason = typeof w.reason === "string" ? w.reason.trim() : "";
  const words = reason.split(/\s+/).filter((word) => /\w/.test(word)).length;
  if (reason === "") {
    problems.push("has no reason. Fix: write why this resource may break this rule (what compensates, who decided).");
  } else if (reason.length < MIN_REASON_LENGTH || words < MIN_REASON_WORDS || PLACEHOLDER.test(reason)) {
    problems.push(
      `reason ${JSON.stringify(reason)} is not an explanation. Fix: write at least ${MIN_REASON_WORDS} words / ${MIN_REASON_LENGTH} characters saying why the exemption is acceptable.`,
    );
  }
  if (w.expires !== undefined) {
    if (typeof w.expires !== "string" || !validDate(w.expires)) {
      problems.push(`expires ${JSON.stringify(w.expires)} is not a date. Fix: write YYYY-MM-DD, or leave expires out.`);
    } else if (w.expires < today) {
      problems.push(`expired on ${w.expires}. Fix: resolve the finding and remove the waiver, or renew it with a new date and a current reason.`);
    }
  }
  return problems;
}

/**
 * Checks every waiver and returns them typed; throws one GuardrailError listing all problems
 * (missing or placeholder reason, unknown rule ID, bad or past expiry, duplicates).
 */
export function validateWaivers(raws: readonly unknown[], now: Date = new Date(), knownStacks?: readonly string[]): Waiver[] {
  const today = isoDay(now);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    for (const problem of waiverProblems(raw, today)) problems.push(`${label(raw, index)} ${problem}`);
    const w = raw as Partial<Waiver> | null;
    if (knownStacks && w && typeof w.stack === "string" && !knownStacks.includes(w.stack)) {
      problems.push(`${label(raw, index)} names stack ${JSON.stringify(w.stack)}, which no environment has. Fix: use one of ${knownStacks.join(", ")}, or remove the waiver.`);
    }
    if (w && typeof w === "object") {
      const key = `${w.stack}|${w.resource}|${w.rule}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${label(raw, index)} repeats waiver #${first + 1}. Fix: keep one entry.`);
      else seen.set(key, index);
    }
  });
  if (problems.length > 0) {
    throw new GuardrailError(
      "invalid-waivers",
      `Invalid guardrail waivers (${problems.length} problem${problems.length === 1 ? "" : "s"}) in environments/waivers.ts; nothing was synthesized:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  return raws as Waiver[];
}

/** Whether a waiver covers a finding of `rule` on `resource` in `stack`. */
export function waiverCovers(waiver: Waiver, stack: string, rule: RuleId, resource: TerraformResourceJson): boolean {
  if (waiver.stack !== stack || waiver.rule !== rule) return false;
  const target = waiver.resource.trim();
  return target === resource.address || (resource.path !== undefined && (target === resource.path || `${stack}/${target}` === resource.path));
}
