import { TRIVY_IGNORE_FILE_NAME, writeTrivyIgnoreFile } from "./trivy-ignores";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { TerraformResource, TerraformStack, type App } from "cdktf";
import { invokeAspects } from "./cdktf-internals";
import { RULE_CATALOG, type RuleInfo } from "./catalog";
import { GuardrailError } from "./errors";
import { formatFailure, formatSummary, REPORT_FILE_NAME, writeReport, type FindingRecord, type GuardrailReport, type WaivedFindingRecord, type WaiverRecord } from "./report";
import { ALL_RULES, type Rule } from "./rules";
import { StackView, type StackContext, type TerraformStackJson } from "./stack-view";
import { validateWaivers, waiverCovers, type Waiver } from "./waivers";

export interface GuardrailOptions {
  /** The recorded waivers (environments/waivers.ts). Checked when the guardrails are enabled. */
  readonly waivers: readonly Waiver[];
  /** The environment a stack was built from; undefined for stacks of no environment. */
  readonly contextOf: (stack: TerraformStack) => StackContext | undefined;
  /** Defaults to every rule of the catalog. */
  readonly rules?: readonly Rule[];
  /** Every stack of every environment of the project: a waiver naming another stack is refused. Unchecked when omitted. */
  readonly knownStacks?: readonly string[];
  /** "Today", for waiver expiry. */
  readonly now?: () => Date;
  /** Where a failed run's report goes (the output folder is left untouched). Defaults to the OS temp folder. */
  readonly failureReportDir?: string;
}

/** Construct addresses (type.name) of the resources whose type takes a `tags` map. */
function taggableAddresses(stack: TerraformStack): Set<string> {
  return new Set(
    stack.node
      .findAll()
      .filter((node): node is TerraformResource => TerraformResource.isTerraformResource(node) && "tagsInput" in node)
      .map((resource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`),
  );
}

/**
 * Resolves every stack of the app the way `app.synth()` will — stacks prepared first (cross-stack
 * references), then each stack's aspects (tags included), then its Terraform JSON — without
 * writing anything. Aspects run again in the real synth, so they must be idempotent (as they
 * already must be for cdktf's Testing.synth).
 */
export function resolveStacks(app: App): { stack: TerraformStack; json: TerraformStackJson }[] {
  const stacks = app.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
  stacks.forEach((stack) => stack.prepareStack());
  return stacks.map((stack) => {
    invokeAspects(stack);
    return { stack, json: stack.toTerraform() as TerraformStackJson };
  });
}

export type ResolvedStack = ReturnType<typeof resolveStacks>[number];

/**
 * Runs `synth` (cdktf's own app.synth) with every stack answering with the JSON the guardrails
 * resolved and checked, instead of preparing and resolving every stack a second time (that was
 * half of the app's synth time): the file cdktf writes is exactly the JSON that passed. Nothing
 * changes the app in between — synth's own second run of the (idempotent) aspects adds nothing.
 * Each stack's own methods are back when synth returns.
 */
function synthResolved(resolved: readonly ResolvedStack[], synth: () => void): void {
  for (const { stack, json } of resolved) {
    Object.assign(stack, { prepareStack: () => undefined, toTerraform: () => json });
  }
  try {
    synth();
  } finally {
    for (const { stack } of resolved) {
      delete (stack as Partial<Pick<TerraformStack, "prepareStack" | "toTerraform">>).prepareStack;
      delete (stack as Partial<Pick<TerraformStack, "prepareStack" | "toTerraform">>).toTerraform;
    }
  }
}

export class Guardrails {
  readonly waivers: readonly Waiver[];
  readonly rules: readonly Rule[];
  /** The report of the latest check. */
  lastReport?: GuardrailReport;
  /** Where the latest report was written. */
  lastReportPath?: string;
  /** cdktf's own app.synth, once guardSynth() put the guardrails in front of it. */
  private cdktfSynth?: () => void;

  constructor(
    readonly app: App,
    private readonly options: GuardrailOptions,
  ) {
    this.waivers = validateWaivers(options.waivers, this.now(), options.knownStacks);
    this.rules = options.rules ?? ALL_RULES;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Runs every rule on every stack and applies the waivers; writes nothing, throws nothing.
   * `resolved`: the app's stacks as resolveStacks() gave them, when the caller has them already
   * for the app as it is now.
   */
  check(resolved: readonly ResolvedStack[] = resolveStacks(this.app)): GuardrailReport {
    const started = performance.now();
    const views = resolved.map(
      ({ stack, json }) => new StackView(stack.node.id, this.options.contextOf(stack), json, taggableAddresses(stack)),
    );
    views.forEach((view) => view.withProject(views));
    const violations: FindingRecord[] = [];
    const waived: WaivedFindingRecord[] = [];
    const matched = new Map<Waiver, Set<string>>(this.waivers.map((w) => [w, new Set()]));
    const checkedByRule = new Map<string, Set<string>>();
    const checkedByStack = new Map<string, Set<string>>();

    for (const view of views) {
      const stackChecked = new Set<string>();
      checkedByStack.set(view.stackName, stackChecked);
      for (const rule of this.rules) {
        const info: RuleInfo = RULE_CATALOG[rule.id];
        const inspected = rule.resourceTypes === "taggable" ? view.all().filter((r) => view.taggable.has(r.address)) : view.resources(...rule.resourceTypes);
        const ruleChecked = checkedByRule.get(rule.id) ?? new Set<string>();
        checkedByRule.set(rule.id, ruleChecked);
        for (const resource of inspected) {
          stackChecked.add(resource.address);
          ruleChecked.add(`${view.stackName}/${resource.address}`);
        }
        for (const finding of rule.check(view)) {
          const record: FindingRecord = {
            stack: view.stackName,
            resource: finding.resource.address,
            path: finding.resource.path,
            rule: rule.id,
            title: info.title,
            severity: info.severity,
            message: finding.message,
            remediation: info.remediation,
          };
          const waiver = this.waivers.find((w) => waiverCovers(w, view.stackName, rule.id, finding.resource));
          if (waiver) {
            matched.get(waiver)!.add(finding.resource.address);
            waived.push({ ...record, reason: waiver.reason.trim(), expires: waiver.expires });
          } else {
            violations.push(record);
          }
        }
      }
    }

    // Report per stack, then per resource, then in rule order.
    const stackOrder = new Map(views.map((v, i) => [v.stackName, i]));
    const ruleOrder = new Map(this.rules.map((r, i) => [r.id, i]));
    const byLocation = (a: FindingRecord, b: FindingRecord) =>
      stackOrder.get(a.stack)! - stackOrder.get(b.stack)! || a.resource.localeCompare(b.resource) || ruleOrder.get(a.rule)! - ruleOrder.get(b.rule)!;
    violations.sort(byLocation);
    waived.sort(byLocation);

    const stackNames = new Set(views.map((v) => v.stackName));
    const waivers: WaiverRecord[] = this.waivers.map((w) => {
      const hits = [...matched.get(w)!];
      const status = !stackNames.has(w.stack) ? "other-stack" : hits.length > 0 ? "applied" : "stale";
      return { stack: w.stack, resource: w.resource, rule: w.rule, reason: w.reason.trim(), expires: w.expires, status, matched: hits };
    });
    const count = (list: readonly { rule: string; stack: string }[], key: "rule" | "stack", value: string) => list.filter((f) => f[key] === value).length;
    const staleWaivers = waivers.filter((w) => w.status === "stale").length;
    const resources = views.reduce((sum, v) => sum + v.all().length, 0);
    const resourcesChecked = [...checkedByStack.values()].reduce((sum, set) => sum + set.size, 0);

    const report: GuardrailReport = {
      version: 1,
      generatedAt: this.now().toISOString(),
      outcome: violations.length === 0 && staleWaivers === 0 ? "passed" : "failed",
      durationMs: Math.round(performance.now() - started),
      totals: {
        rules: this.rules.length,
        stacks: views.length,
        resources,
        resourcesChecked,
        findings: violations.length + waived.length,
        violations: violations.length,
        waived: waived.length,
        staleWaivers,
        waiversForOtherStacks: waivers.filter((w) => w.status === "other-stack").length,
      },
      rules: this.rules.map((rule) => {
        const info: RuleInfo = RULE_CATALOG[rule.id];
        return {
          id: rule.id,
          avdId: info.avdId,
          longId: info.longId,
          title: info.title,
          severity: info.severity,
          scope: info.scope,
          remediation: info.remediation,
          note: info.note,
          resourcesChecked: checkedByRule.get(rule.id)?.size ?? 0,
          violations: count(violations, "rule", rule.id),
          waived: count(waived, "rule", rule.id),
        };
      }),
      stacks: views.map((view) => ({
        stack: view.stackName,
        environment: view.context?.environment,
        tier: view.context?.tier,
        resources: view.all().length,
        resourcesChecked: checkedByStack.get(view.stackName)!.size,
        violations: count(violations, "stack", view.stackName),
        waived: count(waived, "stack", view.stackName),
      })),
      violations,
      waived,
      waivers,
    };
    this.lastReport = report;
    this.lastReportPath = undefined;
    return report;
  }

  /**
   * check(), then refuse on any violation or stale waiver: the report goes to the failure folder
   * and a GuardrailError names every problem. Nothing is written to the output folder.
   */
  enforce(resolved: readonly ResolvedStack[] = resolveStacks(this.app)): GuardrailReport {
    const report = this.check(resolved);
    if (report.outcome === "failed") {
      const stamp = report.generatedAt.replace(/[:.]/g, "-");
      const path = join(this.options.failureReportDir ?? join(tmpdir(), "pipeops-guardrails"), `guardrails-report-${stamp}-${process.pid}.json`);
      writeReport(path, report);
      this.lastReportPath = path;
      throw new GuardrailError("violations", formatFailure(report, path), path);
    }
    return report;
  }

  /** Puts these guardrails in front of `app.synth()` (see enableGuardrails). */
  guardSynth(): this {
    this.cdktfSynth = this.app.synth.bind(this.app);
    this.app.synth = () => this.synth();
    return this;
  }

  /**
   * What `app.synth()` runs once guarded: enforce() on every stack, then cdktf's synth writing
   * exactly the JSON that passed, then the report. `resolved` as for check().
   */
  synth(resolved: readonly ResolvedStack[] = resolveStacks(this.app)): void {
    if (!this.cdktfSynth) throw new Error("guardrails: synth() needs guardSynth() (enableGuardrails) first.");
    this.enforce(resolved);
    synthResolved(resolved, this.cdktfSynth);
    this.writeReport();
  }

  /** Writes the latest report, and the waivers as Trivy's ignore file, into the app's output folder. */
  writeReport(): string {
    if (!this.lastReport) throw new Error("guardrails: no report yet; run check() first.");
    const path = join(this.app.outdir, REPORT_FILE_NAME);
    writeReport(path, this.lastReport);
    writeTrivyIgnoreFile(join(this.app.outdir, TRIVY_IGNORE_FILE_NAME), this.lastReport.waivers);
    this.lastReportPath = path;
    return path;
  }

  /** The console table of the latest report. */
  summary(): string {
    if (!this.lastReport) return "Guardrails: not run yet.";
    return formatSummary(this.lastReport, this.lastReportPath);
  }
}

/**
 * Puts the guardrails in front of `app.synth()`: every stack is checked first, and only when all
 * pass (violations fixed or waived, no stale waiver) does cdktf write any stack; the report then
 * goes to `<outdir>/guardrails-report.json`. cdktf validates and writes stack by stack, so a
 * per-stack validation alone could leave earlier stacks written when a later one fails.
 * Waivers are checked right away, so a bad waiver stops the build before any stack exists.
 */
export function enableGuardrails(app: App, options: GuardrailOptions): Guardrails {
  return new Guardrails(app, options).guardSynth();
}
