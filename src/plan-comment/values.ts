import type { ValueMask } from "./plan";

/**
 * Value helpers shared by the renderer and the redactor: plan values come with masks that say
 * which parts are sensitive (`before_sensitive`, `after_sensitive`) or not known until apply
 * (`after_unknown`), shaped like the value with `true` at the marked parts.
 */

export const SENSITIVE = "(sensitive value)";
export const UNKNOWN = "(known after apply)";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The part of a mask that applies to one key or index of the value. */
export function subMask(mask: ValueMask | undefined, key: string | number): ValueMask | undefined {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === "number") return mask[key];
  if (isPlainObject(mask)) return (mask as Record<string, ValueMask>)[String(key)];
  return undefined;
}

/** True when any part of the value is marked. */
export function maskMarksAnything(mask: ValueMask | undefined): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(maskMarksAnything);
  if (isPlainObject(mask)) return Object.values(mask as Record<string, ValueMask>).some(maskMarksAnything);
  return false;
}

/** Replaces every marked part of the value with `token`; unmarked parts are kept as they are. */
export function applyMask(value: unknown, mask: ValueMask | undefined, token: unknown): unknown {
  if (mask === true) return token;
  if (Array.isArray(mask) && Array.isArray(value)) {
    return value.map((item, i) => applyMask(item, mask[i], token));
  }
  if (isPlainObject(mask) && isPlainObject(value)) {
    const result: Record<string, unknown> = { ...value };
    for (const [key, inner] of Object.entries(mask as Record<string, ValueMask>)) {
      if (inner === true || key in value) result[key] = applyMask(value[key], inner, token);
    }
    return result;
  }
  return value;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  // Terraform writes absent and null alike.
  return (a === null || a === undefined) && (b === null || b === undefined);
}

/** A value as one line of text: JSON, cut to `maxLength` characters with the rest counted. */
export function formatValue(value: unknown, maxLength: number): string {
  if (value === SENSITIVE || value === UNKNOWN) return value;
  // Placeholders inside a value read as words, not as quoted strings.
  const text = (value === undefined ? "null" : JSON.stringify(value)).replaceAll(`"${UNKNOWN}"`, UNKNOWN).replaceAll(`"${SENSITIVE}"`, SENSITIVE);
  if (text.length <= maxLength) return text;
  return `${text.slice(0, maxLength)}… (${text.length - maxLength} more characters)`;
}

/** Empty values a new resource's attribute list leaves out: null, "", [], {}. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}
