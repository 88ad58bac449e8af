import { Construct } from "constructs";
import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";

export interface MonthlyBudgetProps {
  /** Budget name, unique in the account. */
  readonly name: string;
  /**
   * The account the budget belongs to. Set explicitly: the budget's ID is `AccountID:BudgetName`,
   * and a provider that does not request its account ID (skip_requesting_account_id) cannot form it.
   */
  readonly accountId: string;
  /** Monthly limit in US dollars. */
  readonly limitUsd: number;
  /** The cost-allocation tag that selects this environment's costs, e.g. { key: "Environment", value: "dev" }. */
  readonly costAllocationTag: { readonly key: string; readonly value: string };
  /**
   * The SNS topic the alerts go to (the environment's alert topic); its policy must let
   * budgets.amazonaws.com publish, and its key's policy let it use the key.
   */
  readonly alertTopicArn: string;
}

/** Alert when the month's forecast reaches 80 % of the limit, and when actual spend reaches it. */
export const BUDGET_ALERTS = [
  { notificationType: "FORECASTED", threshold: 80 },
  { notificationType: "ACTUAL", threshold: 100 },
] as const;

/**
 * An AWS Budgets monthly cost budget over the costs carrying one cost-allocation tag value (the
 * tag must be activated for cost allocation, or the filter matches nothing). Cost filter and
 * notification fields as in the provider's `aws_budgets_budget` (5.100.0): a tag is filtered as
 * `TagKeyValue` with the value `user:<key>$<value>`.
 */
export class MonthlyBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: MonthlyBudgetProps) {
    super(scope, id);
    this.budget = new BudgetsBudget(this, "budget", {
      name: props.name,
      accountId: props.accountId,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: props.limitUsd.toFixed(2),
      limitUnit: "USD",
      costFilter: [{ name: "TagKeyValue", values: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] }],
      notification: BUDGET_ALERTS.map(({ notificationType, threshold }) => ({
        notificationType,
        comparisonOperator: "GREATER_THAN",
        threshold,
        thresholdType: "PERCENTAGE",
        subscriberSnsTopicArns: [props.alertTopicArn],
      })),
    });
  }
}
