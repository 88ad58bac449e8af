import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TerraformPlan } from "./plan";
import { environmentOf } from "./ci-stacks";

/**
 * The monthly cost of each environment for the plan comment: Infracost's estimate of its stacks
 * after the change, the difference the change makes, and the environment's AWS Budgets limit (by
 * default the seed's figure) as the plan would leave it.
 *
 * Infracost writes one JSON per priced plan (`infracost diff --path <stack>.json --format json`,
 * output version 0.2, infracost/infracost v0.10.45 `internal/output`): `totalMonthlyCost`,
 * `diffTotalMonthlyCost` and `currency`, the amounts as decimal strings or null.
 */

export interface StackCost {
  readonly stack: string;
  readonly monthly?: number;
  readonly diff?: number;
  readonly currency: string;
}

export interface EnvironmentCost {
  readonly environment: string;
  readonly monthly?: number;
  readonly diff?: number;
  readonly currency: string;
  /** Monthly limit of the environment's budget (USD), from its core stack's plan. */
  readonly budget?: number;
}

interface InfracostOutput {
  readonly currency?: string;
  readonly totalMonthlyCost?: string | null;
  readonly diffTotalMonthlyCost?: string | null;
}

const amount = (value: string | null | undefined): number | undefined => {
  if (value === null || value === undefined || value === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** Infracost's output for a stack, when the Infracost job priced it (`<dir>/<stack>.json`). */
export function readStackCost(dir: string, stack: string): StackCost | undefined {
  const file = join(dir, `${stack}.json`);
  if (!existsSync(file)) return undefined;
  let parsed: InfracostOutput;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as InfracostOutput;
  } catch {
    throw new Error(`${file} is not JSON. Fix: write it with \`infracost diff --path <plan.json> --format json --out-file ${file}\`.`);
  }
  return { stack, monthly: amount(parsed.totalMonthlyCost), diff: amount(parsed.diffTotalMonthlyCost), currency: parsed.currency ?? "USD" };
}

/** The monthly limit of the budget a plan creates or keeps (aws_budgets_budget.limit_amount after the change). */
export function budgetOf(plan: TerraformPlan): number | undefined {
  const budget = (plan.resource_changes ?? []).find((change) => change.type === "aws_budgets_budget" && !change.change.actions.includes("delete"));
  const after = budget?.change.after as { limit_amount?: string } | null | undefined;
  return amount(after?.limit_amount);
}

/** Stack costs summed per environment, next to each environment's budget; environments in the order of their first stack. */
export function environmentCosts(stackCosts: readonly StackCost[], budgets: ReadonlyMap<string, number>): EnvironmentCost[] {
  const byEnvironment = new Map<string, { monthly?: number; diff?: number; currency: string }>();
  for (const cost of stackCosts) {
    const environment = environmentOf(cost.stack)?.environment ?? cost.stack;
    const sum = byEnvironment.get(environment) ?? { currency: cost.currency };
    const add = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : a + b);
    byEnvironment.set(environment, { monthly: add(sum.monthly, cost.monthly), diff: add(sum.diff, cost.diff), currency: sum.currency });
  }
  return [...byEnvironment].map(([environment, sum]) => ({ environment, ...sum, budget: budgets.get(environment) }));
}
