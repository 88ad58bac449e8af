import type { ChangeKind, PlanChange, ValueMask } from "./plan";
import { applyMask, deepEqual, formatValue, isEmptyValue, isPlainObject, maskMarksAnything, SENSITIVE, subMask, UNKNOWN } from "./values";

/**
 * The attribute lines of one resource change, in `diff` syntax: `+` for the new value, `-` for
 * the old. Sensitive values are never printed, only "(sensitive value)"; values decided at apply
 * time read "(known after apply)". A change is never hidden: maps, blocks and JSON documents held
 * in strings (IAM policies) are compared element by element down to the value that differs; lists
 * of plain values say which elements come and go; a long changed string is shown around the part
 * that differs, never cut before it.
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

/** Nesting depth up to which maps, blocks and JSON documents are compared element by element. */
const MAX_DEPTH = 10;

/** Characters kept on each side of the part of a long string that changed. */
const CONTEXT = 60;

type Path = readonly (string | number)[];

/** An attribute path as text: `vpc_config[0].subnet_ids`, `policy.Statement[0].Condition.StringLike["token…:sub"]`. */
function pathName(path: Path): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part) ? `${i === 0 ? "" : "."}${part}` : `[${JSON.stringify(part)}]`))
    .join("");
}

/** A JSON document held in a string (an IAM policy), or undefined. */
function jsonDocument(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const isScalar = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);

/** Both sides of a long changed string, cut to the part that differs with some context. */
function aroundDifference(before: string, after: string): [string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const cut = (text: string) => {
    const from = Math.max(0, start - CONTEXT);
    const to = Math.min(text.length, text.length - end + CONTEXT);
    return `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""}`;
  };
  return [cut(before), cut(after)];
}

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

function child(masks: Masks, key: string | number): Masks {
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

function walk(path: Path, before: unknown, after: unknown, masks: Masks, kind: ChangeKind, replacePaths: readonly (readonly (string | number)[])[], options: AttributeDiffOptions, out: Collected): void {
  const name = pathName(path);
  const note = kind === "replace" && forcesReplacement(path.map(String), replacePaths) ? "  # forces replacement" : "";
  const sensitive = masks.afterSensitive === true || masks.beforeSensitive === true;
  const unknown = masks.afterUnknown === true;
  const deeper = !sensitive && !unknown && path.length < MAX_DEPTH;

  if (deeper && (isPlainObject(before) || before == null) && (isPlainObject(after) || after == null) && (isPlainObject(before) || isPlainObject(after) || isPlainObject(masks.afterUnknown))) {
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

  // A changed JSON document (a policy): compared element by element, like a block.
  if (deeper && kind !== "create" && typeof (before ?? after) === "string" && !deepEqual(before, after)) {
    const [b, a] = [jsonDocument(before), jsonDocument(after)];
    if ((b !== undefined || isEmptyValue(before)) && (a !== undefined || isEmptyValue(after)) && (a !== undefined || b !== undefined)) {
      walk(path, b ?? null, a ?? null, { beforeSensitive: undefined, afterSensitive: undefined, afterUnknown: undefined }, kind, replacePaths, options, out);
      return;
    }
  }

  // Changed lists: blocks index by index; plain values by which come and which go.
  if (deeper && kind !== "create" && (Array.isArray(before) || Array.isArray(after)) && (Array.isArray(before) || before == null) && (Array.isArray(after) || after == null) && !deepEqual(before, after)) {
    const b = (before ?? []) as unknown[];
    const a = (after ?? []) as unknown[];
    if ([...b, ...a].every(isScalar) && !maskMarksAnything(masks.afterUnknown) && !maskMarksAnything(masks.afterSensitive) && !maskMarksAnything(masks.beforeSensitive)) {
      const whole = (list: unknown[]) => formatValue(list, options.maxValueLength);
      if (whole(b).length + whole(a).length <= options.maxValueLength) {
        if (b.length > 0) out.lines.push(`- ${name} = ${whole(b)}${note}`);
        out.lines.push(`+ ${name} = ${whole(a)}${note}`);
        return;
      }
      const key = (value: unknown) => JSON.stringify(value);
      const removed = b.filter((item) => !a.some((other) => key(other) === key(item)));
      const added = a.filter((item) => !b.some((other) => key(other) === key(item)));
      for (const item of removed) out.lines.push(`- ${name}: ${key(item)}${note}`);
      for (const item of added) out.lines.push(`+ ${name}: ${key(item)}${note}`);
      if (removed.length === 0 && added.length === 0) out.lines.push(`~ ${name}: the same ${a.length} elements in another order${note}`);
      return;
    }
    for (let i = 0; i < Math.max(b.length, a.length); i++) walk([...path, i], b[i], a[i], child(masks, i), kind, replacePaths, options, out);
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
  // A long string that changes: both sides around the difference, whatever their length.
  if (!sensitive && !unknown && typeof before === "string" && typeof after === "string" && Math.max(before.length, after.length) > options.maxValueLength) {
    const [b, a] = aroundDifference(before, after);
    out.lines.push(`- ${name} = ${JSON.stringify(b)}${note}`, `+ ${name} = ${JSON.stringify(a)}${note}`);
    return;
  }
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
