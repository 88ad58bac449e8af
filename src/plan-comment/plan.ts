import type { Diagnostic } from "./diagnostics";

/**
 * The part of Terraform's machine-readable plan (`terraform show -json <planfile>`, format 1.x)
 * the plan comment reads, and what it makes of it: every resource change classified once, counted
 * per stack, destructive changes first.
 */

export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** A value that is `true` where the matching part of a value is sensitive or unknown. */
export type ValueMask = boolean | ValueMask[] | { [key: string]: ValueMask };

export interface PlanChange {
  readonly actions: readonly PlanAction[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: ValueMask;
  readonly before_sensitive?: ValueMask;
  readonly after_sensitive?: ValueMask;
  /** Attribute paths that force the replacement (only on replacements). */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the change imports an existing object (`import` blocks). */
  readonly importing?: { readonly id?: string };
}

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly mode?: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly action_reason?: string;
  readonly change: PlanChange;
}

/** An attribute of a resource that Terraform found relevant to the planned changes. */
export interface RelevantAttribute {
  readonly resource: string;
  readonly attribute: readonly (string | number)[];
}

export interface TerraformPlan {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, PlanChange>>;
  readonly relevant_attributes?: readonly RelevantAttribute[];
  readonly errored?: boolean;
  /** Whether applying the plan would do anything: with no resource or output change, only a refresh-only plan's drift does. */
  readonly applyable?: boolean;
}

/** What one resource change amounts to, in the words of the comment. */
export type ChangeKind = "destroy" | "replace" | "create" | "update" | "import" | "forget" | "move";

/** Order of kinds in the comment: destructive first. */
export const KIND_ORDER: readonly ChangeKind[] = ["destroy", "replace", "create", "update", "import", "forget", "move"];

export const DESTRUCTIVE_KINDS: ReadonlySet<ChangeKind> = new Set(["destroy", "replace"]);

export interface ClassifiedChange {
  readonly kind: ChangeKind;
  readonly resource: ResourceChange;
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly import: number;
  readonly forget: number;
  readonly move: number;
}

/** A resource changed outside Terraform, with the attribute paths Terraform shows for it ("all" in a refresh-only plan). */
export interface DriftEntry {
  readonly resource: ResourceChange;
  readonly paths: readonly (readonly (string | number)[])[] | "all";
}

export interface StackPlan {
  readonly stack: string;
  /** Resource changes that do something, destructive first, then by address. */
  readonly changes: readonly ClassifiedChange[];
  readonly counts: ChangeCounts;
  /**
   * Resources changed outside Terraform, as Terraform itself reports them: in a normal plan only
   * the drifted attributes relevant to a planned change, and nothing when nothing is planned; in
   * a refresh-only plan every drifted resource whole.
   */
  readonly drift: readonly DriftEntry[];
  /** Terraform's own summary line: "Plan: 1 to add, 0 to change, 1 to destroy.", "No changes.", … */
  readonly planLine: string;
  readonly refreshOnly: boolean;
  /** Output name → action symbol, for outputs whose value changes. */
  readonly outputs: readonly { readonly name: string; readonly action: "create" | "update" | "delete" }[];
  readonly errored: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

function sameActions(actions: readonly PlanAction[], expected: readonly PlanAction[]): boolean {
  return actions.length === expected.length && actions.every((action, i) => action === expected[i]);
}

/**
 * Classifies one resource change, or returns undefined when it changes nothing real: no-ops and
 * data-source reads. A no-op that imports or moves a resource still counts.
 */
export function classify(resource: ResourceChange): ChangeKind | undefined {
  const actions = resource.change.actions;
  if (resource.mode === "data" || sameActions(actions, ["read"])) return undefined;
  if (sameActions(actions, ["delete", "create"]) || sameActions(actions, ["create", "delete"])) return "replace";
  if (actions.includes("delete")) return "destroy";
  if (actions.includes("forget")) return "forget";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (resource.change.importing) return "import";
  if (resource.previous_address && resource.previous_address !== resource.address) return "move";
  return undefined;
}

export function isDestructive(kind: ChangeKind): boolean {
  return DESTRUCTIVE_KINDS.has(kind);
}

function countKinds(changes: readonly ClassifiedChange[]): ChangeCounts {
  const of = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  return {
    add: of("create"),
    change: of("update"),
    replace: of("replace"),
    destroy: of("destroy"),
    // An import that also updates counts under "change"; these are pure imports.
    import: changes.filter((c) => c.resource.change.importing !== undefined).length,
    forget: of("forget"),
    move: of("move"),
  };
}

export function totalChanges(counts: ChangeCounts): number {
  return counts.add + counts.change + counts.replace + counts.destroy + counts.import + counts.forget + counts.move;
}

function outputAction(change: PlanChange): "create" | "update" | "delete" | undefined {
  if (change.actions.includes("create") && !change.actions.includes("delete")) return "create";
  if (change.actions.includes("delete") && !change.actions.includes("create")) return "delete";
  if (change.actions.includes("update") || sameActions(change.actions, ["delete", "create"])) return "update";
  return undefined;
}

/** Sorts like Terraform lists addresses: by code point, not by locale. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((current, key) => (current !== null && typeof current === "object" ? (current as Record<string, unknown>)[String(key)] : undefined), value);
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Terraform's drift filter (internal/command/jsonformat: precomputeDiffs and renderHumanDiffDrift). */
function driftOf(plan: TerraformPlan, changes: readonly ClassifiedChange[], refreshOnly: boolean): DriftEntry[] {
  const drifted = (plan.resource_drift ?? []).filter((d) => d.mode !== "data");
  if (refreshOnly) return drifted.filter((d) => !sameValue(d.change.before, d.change.after)).map((resource) => ({ resource, paths: "all" as const }));
  const anythingPlanned = changes.length > 0 || Object.values(plan.output_changes ?? {}).some((c) => outputAction(c) !== undefined);
  if (!anythingPlanned) return [];
  const entries: DriftEntry[] = [];
  for (const resource of drifted) {
    const relevant = (plan.relevant_attributes ?? []).filter((r) => r.resource === "" || r.resource === resource.address).map((r) => r.attribute);
    const changed = relevant.filter((path) => !sameValue(valueAt(resource.change.before, path), valueAt(resource.change.after, path)));
    if (changed.length > 0) entries.push({ resource, paths: changed });
  }
  return entries;
}

/** Terraform's `Plan:` line for these changes (internal/command/jsonformat/plan.go). */
function planLineOf(counts: ChangeCounts, changes: number, refreshOnly: boolean, drift: readonly DriftEntry[]): string {
  if (refreshOnly) {
    return drift.length > 0
      ? `Refresh-only plan: ${drift.length} object${drift.length === 1 ? "" : "s"} changed outside Terraform; applying it records them in the state and changes no remote object.`
      : "No changes. Your infrastructure still matches the configuration.";
  }
  if (changes === 0) return "No changes. Your infrastructure matches the configuration.";
  // A replacement is one add and one destroy to Terraform; imports come first when there are any.
  const imports = counts.import > 0 ? `${counts.import} to import, ` : "";
  return `Plan: ${imports}${counts.add + counts.replace} to add, ${counts.change} to change, ${counts.destroy + counts.replace} to destroy.`;
}

export interface AnalyseOptions {
  /** A `terraform plan -refresh-only` plan: its drift is what it would apply. */
  readonly refreshOnly?: boolean;
  /** Warnings Terraform printed while planning (parsed from its output). */
  readonly diagnostics?: readonly Diagnostic[];
}

/** Reads a parsed plan of one stack. Throws when the document is not a Terraform JSON plan. */
export function analysePlan(stack: string, plan: TerraformPlan, options: AnalyseOptions = {}): StackPlan {
  if (typeof plan !== "object" || plan === null || (plan.format_version === undefined && plan.resource_changes === undefined)) {
    throw new Error(`the plan of ${stack} is not \`terraform show -json <planfile>\` output (no format_version or resource_changes)`);
  }
  const changes: ClassifiedChange[] = [];
  for (const resource of plan.resource_changes ?? []) {
    const kind = classify(resource);
    if (kind) changes.push({ kind, resource });
  }
  changes.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || byCodePoint(a.resource.address, b.resource.address));
  const outputs = Object.entries(plan.output_changes ?? {})
    .map(([name, change]) => ({ name, action: outputAction(change) }))
    .filter((o): o is { name: string; action: "create" | "update" | "delete" } => o.action !== undefined)
    .sort((a, b) => byCodePoint(a.name, b.name));
  // A plan that Terraform calls applyable while it changes no resource and no output records drift
  // and nothing else: a refresh-only plan, whether or not the caller said so.
  const refreshOnly = options.refreshOnly === true || (plan.applyable === true && changes.length === 0 && outputs.length === 0 && (plan.resource_drift ?? []).some((d) => d.mode !== "data"));
  const drift = driftOf(plan, changes, refreshOnly);
  const counts = countKinds(changes);
  return {
    stack,
    changes,
    counts,
    drift,
    planLine: planLineOf(counts, changes.length, refreshOnly, drift),
    refreshOnly,
    outputs,
    errored: plan.errored === true,
    diagnostics: options.diagnostics ?? [],
  };
}
