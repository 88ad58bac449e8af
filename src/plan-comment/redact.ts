import type { PlanChange, ValueMask } from "./plan";
import { deepEqual, isPlainObject, subMask } from "./values";

/**
 * Removes sensitive values from a JSON plan before it leaves the job that made it (artifacts are
 * readable by everyone who can read the repository). Terraform writes sensitive values in clear in
 * `terraform show -json` and marks them in separate masks; every masked value is replaced, the
 * masks stay, so the plan still says which attributes are sensitive.
 *
 * A sensitive value that changes keeps that fact: the old value becomes REDACTED and the new one
 * REDACTED_CHANGED, so the comment can still say that it changes without saying what to.
 */

export const REDACTED = "(redacted)";
export const REDACTED_CHANGED = "(redacted, changed)";

type Json = unknown;

/** Redacts `after` where sensitive, saying whether each redacted part differs from `before`. */
function redactAfter(after: Json, before: Json, mask: ValueMask | undefined): Json {
  if (mask === true) return nothingToHide(after) ? after : deepEqual(after, before) ? REDACTED : REDACTED_CHANGED;
  if (Array.isArray(mask) && Array.isArray(after)) {
    return after.map((item, i) => redactAfter(item, Array.isArray(before) ? before[i] : undefined, mask[i]));
  }
  if (isPlainObject(mask) && isPlainObject(after)) {
    const result: Record<string, Json> = { ...after };
    for (const key of Object.keys(mask as Record<string, ValueMask>)) {
      if (key in after) result[key] = redactAfter(after[key], isPlainObject(before) ? before[key] : undefined, subMask(mask, key));
    }
    return result;
  }
  return after;
}

/** Nothing to hide in an absent or empty value; it stays as it is. */
const nothingToHide = (value: Json) => value === null || value === undefined || value === "";

/** Replaces the sensitive parts of a value. */
function redactValue(value: Json, mask: ValueMask | undefined): Json {
  if (mask === true) return nothingToHide(value) ? value : REDACTED;
  if (Array.isArray(mask) && Array.isArray(value)) return value.map((item, i) => redactValue(item, mask[i]));
  if (isPlainObject(mask) && isPlainObject(value)) {
    const result: Record<string, Json> = { ...value };
    for (const key of Object.keys(mask as Record<string, ValueMask>)) {
      if (key in value) result[key] = redactValue(value[key], subMask(mask, key));
    }
    return result;
  }
  return value;
}

function redactBefore(before: Json, mask: ValueMask | undefined): Json {
  return redactValue(before, mask);
}

function redactChange(change: PlanChange): PlanChange {
  return {
    ...change,
    before: redactBefore(change.before, change.before_sensitive),
    after: redactAfter(change.after, change.before, change.after_sensitive),
  };
}

interface ModuleValues {
  resources?: { address?: string; values?: Json; sensitive_values?: ValueMask }[];
  child_modules?: ModuleValues[];
}

/** Masks by resource address, from the resource changes (planned values do not always carry them). */
type MasksByAddress = Map<string, ValueMask[]>;

function redactModule(module: ModuleValues | undefined, masks: MasksByAddress): ModuleValues | undefined {
  if (!module) return module;
  return {
    ...module,
    resources: module.resources?.map((resource) => {
      const all = [resource.sensitive_values, ...(masks.get(resource.address ?? "") ?? [])];
      return { ...resource, values: all.reduce<Json>((value, mask) => redactValue(value, mask), resource.values) };
    }),
    child_modules: module.child_modules?.map((child) => redactModule(child, masks)!),
  };
}

interface StateValues {
  outputs?: Record<string, { sensitive?: boolean; value?: Json }>;
  root_module?: ModuleValues;
}

function redactValues(values: StateValues | undefined, masks: MasksByAddress): StateValues | undefined {
  if (!values) return values;
  const outputs = values.outputs
    ? Object.fromEntries(Object.entries(values.outputs).map(([name, output]) => [name, output.sensitive ? { ...output, value: REDACTED } : output]))
    : undefined;
  return { ...values, ...(outputs ? { outputs } : {}), ...(values.root_module ? { root_module: redactModule(values.root_module, masks) } : {}) };
}

function masksByAddress(changes: readonly { address?: string; change: PlanChange }[], which: "before_sensitive" | "after_sensitive"): MasksByAddress {
  const masks: MasksByAddress = new Map();
  for (const rc of changes) {
    const mask = rc.change[which];
    if (rc.address && mask !== undefined && mask !== false) masks.set(rc.address, [...(masks.get(rc.address) ?? []), mask]);
  }
  return masks;
}

interface ConfigModule {
  resources?: { address: string; expressions?: Record<string, Json> }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/**
 * Literal values written in the configuration (`constant_value`) of attributes the provider marks
 * sensitive: the configuration carries no marks of its own, so the resource changes' masks say
 * which attributes those are.
 */
function redactExpressions(expressions: Json, mask: ValueMask | undefined): Json {
  if (!isPlainObject(expressions) || mask === undefined || mask === false) return expressions;
  const result: Record<string, Json> = { ...expressions };
  for (const [key, expression] of Object.entries(expressions)) {
    const inner = subMask(mask, key);
    if (inner === true && isPlainObject(expression) && "constant_value" in expression) {
      result[key] = { ...expression, constant_value: expression.constant_value === null ? null : REDACTED };
    } else if (Array.isArray(expression)) {
      // Nested blocks: one expressions object per block.
      result[key] = expression.map((block, i) => redactExpressions(block, inner === true ? true : subMask(inner, i)));
    } else if (inner !== undefined && isPlainObject(expression) && !("constant_value" in expression) && !("references" in expression)) {
      result[key] = redactExpressions(expression, inner);
    }
  }
  return result;
}

/** Sensitive masks of each configured resource (address without instance keys), merged over its instances. */
function sensitiveMasksByConfigAddress(changes: readonly { address?: string; change: PlanChange }[]): Map<string, ValueMask[]> {
  const masks = new Map<string, ValueMask[]>();
  for (const rc of changes) {
    const address = (rc.address ?? "").replace(/\[[^\]]*\]/g, "");
    const list = masks.get(address) ?? [];
    for (const mask of [rc.change.before_sensitive, rc.change.after_sensitive]) if (mask !== undefined && mask !== false) list.push(mask);
    masks.set(address, list);
  }
  return masks;
}

function redactConfigModule(module: ConfigModule | undefined, prefix: string, masks: Map<string, ValueMask[]>): ConfigModule | undefined {
  if (!module) return module;
  return {
    ...module,
    ...(module.resources
      ? {
          resources: module.resources.map((resource) => {
            const found = masks.get(`${prefix}${resource.address}`) ?? [];
            const expressions = found.reduce<Json>((exprs, mask) => redactExpressions(exprs, mask), resource.expressions);
            return resource.expressions ? { ...resource, expressions: expressions as Record<string, Json> } : resource;
          }),
        }
      : {}),
    ...(module.module_calls
      ? {
          module_calls: Object.fromEntries(
            Object.entries(module.module_calls).map(([name, call]) => [name, { ...call, module: redactConfigModule(call.module, `${prefix}module.${name}.`, masks) }]),
          ),
        }
      : {}),
  };
}

interface RedactablePlan {
  resource_changes?: { address?: string; change: PlanChange }[];
  resource_drift?: { address?: string; change: PlanChange }[];
  output_changes?: Record<string, PlanChange>;
  planned_values?: StateValues;
  prior_state?: { values?: StateValues };
  variables?: Record<string, { value?: Json }>;
  configuration?: { root_module?: ConfigModule & { variables?: Record<string, { sensitive?: boolean }> } };
}

/** A copy of the plan with every sensitive value replaced; the input is left untouched. */
export function redactPlan<T>(plan: T): T {
  const p = plan as unknown as RedactablePlan;
  const sensitiveVariables = new Set(
    Object.entries(p.configuration?.root_module?.variables ?? {})
      .filter(([, variable]) => variable.sensitive)
      .map(([name]) => name),
  );
  const changes = [...(p.resource_changes ?? []), ...(p.resource_drift ?? [])];
  const redacted: RedactablePlan = {
    ...p,
    ...(p.resource_changes ? { resource_changes: p.resource_changes.map((rc) => ({ ...rc, change: redactChange(rc.change) })) } : {}),
    ...(p.resource_drift ? { resource_drift: p.resource_drift.map((rc) => ({ ...rc, change: redactChange(rc.change) })) } : {}),
    ...(p.output_changes ? { output_changes: Object.fromEntries(Object.entries(p.output_changes).map(([name, change]) => [name, redactChange(change)])) } : {}),
    ...(p.planned_values ? { planned_values: redactValues(p.planned_values, masksByAddress(changes, "after_sensitive")) } : {}),
    ...(p.prior_state ? { prior_state: { ...p.prior_state, values: redactValues(p.prior_state.values, masksByAddress(changes, "before_sensitive")) } } : {}),
    ...(p.variables
      ? { variables: Object.fromEntries(Object.entries(p.variables).map(([name, variable]) => [name, sensitiveVariables.has(name) ? { ...variable, value: REDACTED } : variable])) }
      : {}),
    ...(p.configuration?.root_module
      ? {
          configuration: {
            ...p.configuration,
            root_module: {
              ...p.configuration.root_module,
              ...redactConfigModule(p.configuration.root_module, "", sensitiveMasksByConfigAddress(changes)),
            },
          },
        }
      : {}),
  };
  return redacted as unknown as T;
}
