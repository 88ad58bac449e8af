import type { ChangeKind, PlanChange, ValueMask } from "./plan";
import { applyMask, deepEqual, formatValue, isEmptyValue, isPlainObject, maskMarksAnything, SENSITIVE, subMask, UNKNOWN } from "./values";

/**
 * The attribute lines of one resource change, in `diff` syntax: `+` for the new value, `-` for
 * the old. Sensitive values are never printed, only "(sensitive value)"; values decided at apply
 * time read "(known after apply)". Maps (tags, …) are compared key by key; lists and blocks whole.
 */

export interface AttributeDiffOptions {
  /** Longest value printed, in characters; longer values are cut. */
  readonly maxValueLength: number;
  /** Most attribute lines per resource; the rest are counted. */
  readonly maxLines: number;
}

export const DEFAULT_ATTRIBUTE_OPTIONS: AttributeDiffOptions = { maxValueLength: 200, maxLines: 40 };

/** Attributes that name a resource being destroyed (the rest of its attributes are not listed). */
const IDENTITY_ATTRIBUTES = ["id", "arn", "name", "bucket"];

/** Nesting depth up to which maps are compared key by key. */
const MAX_DEPTH = 4;

interface Collected {
  readonly lines: string[];
  /** Attributes only known after apply, listed on one line for new and replaced resources. */
  readonly unknown: string[];
}

interface Masks {
  readonly beforeSensitive: ValueMask | undefined;
  readonly afterSensitive: ValueMask | undefined;
  readonly afterUnknown: ValueMask | undefined;
}

function child(masks: Masks, key: string): Masks {
  return {
    beforeSensitive: subMask(masks.beforeSensitive, key),
    afterSensitive: subMask(masks.afterSensitive, key),
    afterUnknown: subMask(masks.afterUnknown, key),
  };
}

function shown(value: unknown, sensitive: ValueMask | undefined, options: AttributeDiffOptions): string {
  if (sensitive === true) return SENSITIVE;
  return formatValue(maskMarksAnything(sensitive) ? applyMask(value, sensitive, SENSITIVE) : value, options.maxValueLength);
}

function shownAfter(value: unknown, masks: Masks, options: AttributeDiffOptions): string {
  if (masks.afterSensitive === true) return SENSITIVE;
  if (masks.afterUnknown === true) return UNKNOWN;
  const withUnknowns = maskMarksAnything(masks.afterUnknown) ? applyMask(value, masks.afterUnknown, UNKNOWN) : value;
  return shown(withUnknowns, masks.afterSensitive, options);
}

function forcesReplacement(path: readonly string[], replacePaths: readonly (readonly (string | number)[])[]): boolean {
  return replacePaths.some((forcing) => forcing.length > 0 && path.length > 0 && forcing.every((part, i) => i >= path.length || String(part) === path[i]));
}

function walk(
  path: string[],
  before: unknown,
  after: unknown,
  masks: Masks,
  kind: ChangeKind,
  replacePaths: readonly (readonly (string | number)[])[],
  options: AttributeDiffOptions,
  out: Collected,
): void {
  const name = path.join(".");
  const note = kind === "replace" && forcesReplacement(path, replacePaths) ? "  # forces replacement" : "";
  const sensitive = masks.afterSensitive === true || masks.beforeSensitive === true;
  const unknown = masks.afterUnknown === true;

  if (!sensitive && !unknown && path.length < MAX_DEPTH && (isPlainObject(before) || before == null) && (isPlainObject(after) || after == null) && (isPlainObject(before) || isPlainObject(after) || isPlainObject(masks.afterUnknown))) {
    const keys = new Set([
      ...Object.keys(isPlainObject(before) ? before : {}),
      ...Object.keys(isPlainObject(after) ? after : {}),
      ...Object.keys(isPlainObject(masks.afterUnknown) ? masks.afterUnknown : {}),
    ]);
    for (const key of [...keys].sort()) {
      const b = isPlainObject(before) ? before[key] : undefined;
      const a = isPlainObject(after) ? after[key] : undefined;
      walk([...path, key], b, a, child(masks, key), kind, replacePaths, options, out);
    }
    return;
  }

  if (unknown && (kind === "create" || kind === "replace") && !note) {
    out.unknown.push(name);
    return;
  }
  if (kind === "create") {
    if (!isEmptyValue(after)) out.lines.push(`+ ${name} = ${shownAfter(after, masks, options)}`);
    return;
  }
  // null, "", [] and {} are alike here: the provider writes them interchangeably.
  if (!unknown && (deepEqual(before, after) || (isEmptyValue(before) && isEmptyValue(after)))) return;
  if (!isEmptyValue(before)) out.lines.push(`- ${name} = ${shown(before, masks.beforeSensitive, options)}${note}`);
  out.lines.push(`+ ${name} = ${isEmptyValue(after) && !unknown ? formatValue(after ?? null, options.maxValueLength) : shownAfter(after, masks, options)}${note}`);
}

function formatList(names: readonly string[], maxLength: number): string {
  const text = names.join(", ");
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}… (${names.length} attributes)`;
}

/** The diff lines of one change, at most `maxLines`, and how many were left out. */
export function attributeLines(change: PlanChange, kind: ChangeKind, options: AttributeDiffOptions = DEFAULT_ATTRIBUTE_OPTIONS): { lines: string[]; omitted: number } {
  const masks: Masks = {
    beforeSensitive: change.before_sensitive,
    afterSensitive: change.after_sensitive,
    afterUnknown: change.after_unknown,
  };
  const collected: Collected = { lines: [], unknown: [] };
  if (kind === "destroy" || kind === "forget") {
    const before = isPlainObject(change.before) ? change.before : {};
    for (const key of IDENTITY_ATTRIBUTES) {
      if (!isEmptyValue(before[key])) collected.lines.push(`- ${key} = ${shown(before[key], subMask(masks.beforeSensitive, key), options)}`);
    }
  } else if (kind === "create" || kind === "update" || kind === "replace" || kind === "import") {
    const before = kind === "create" ? null : change.before;
    walk([], before, change.after, masks, kind, change.replace_paths ?? [], options, collected);
  }
  const out = collected.lines;
  if (collected.unknown.length > 0) out.push(`# ${UNKNOWN}: ${formatList(collected.unknown, options.maxValueLength * 2)}`);
  if (out.length <= options.maxLines) return { lines: out, omitted: 0 };
  return { lines: out.slice(0, options.maxLines), omitted: out.length - options.maxLines };
}
