import type { Construct } from "constructs";
import { TerraformStack, type TerraformResource } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { EnvironmentConfig } from "../src/config/types";
import { awsProviderConfig } from "../src/target";
import { GuardedRemoteState } from "../backend/state-backend";
import type { ReplicaOfSource, ReplicaWiring, Replication } from "../src/stacks/core-stack";
import { addressOf } from "../modules/terraform/terraform-data";

/**
 * What makes a core stack a replica of another environment (DR of prod): the source primary's ARN
 * read from the source's core state in the source's region, with a precondition that says "apply
 * the source first" when that state or output is missing. Once `replication.promoted` is set the
 * source's state is not read at all, so the stack plans and applies with the source region dark.
 */
function replicationOf(scope: Construct, { env, target, accountId, source }: ReplicaOfSource): Replication | undefined {
  if (!env.replication) return undefined;
  if (env.replication.promoted) return { replicaOf: { sourceArn: "", promote: true } };
  if (!source) throw new Error(`${env.name}: replication.sourceEnvironment "${env.replication.sourceEnvironment}" was not passed to the stack.`);
  // The source's state bucket lives in the source's region.
  const sourceRegion = new AwsProvider(scope, "aws-replication-source", awsProviderConfig(target, source.env.region, accountId, "replication_source"));
  const sourceState = new GuardedRemoteState(scope, "replication-source", source.state, sourceRegion);
  return {
    replicaOf: { sourceArn: sourceState.output(source.arnOutput) },
    sourceCheck: {
      condition: sourceState.present(source.arnOutput),
      error_message: `${source.env.name}'s state has no ${source.arnOutput} output. Apply ${source.env.name}'s core stack first: cdktf deploy ${source.stackName}`,
    },
  };
}

/**
 * Every plan of a promoted DR says so, as a warning: a Terraform check block whose assertion is
 * always false (it must refer to an object: the length of the promoted database's identifier is never 0)
 * reports a warning and never stops the plan or the apply.
 */
function warnOfPromotion(scope: Construct, env: EnvironmentConfig, database: TerraformResource): void {
  const decision = env.replication?.promotion;
  if (!env.replication?.promoted || !decision) return;
  TerraformStack.of(scope).addOverride("check.promotion_is_irreversible", {
    assert: [
      {
        condition: `\${length(${addressOf(database)}.identifier) == 0}`,
        error_message:
          `${env.name} is promoted (decided by ${decision.decidedBy} on ${decision.decidedOn}: ${decision.reason}). Its database is a standalone primary ` +
          "and cannot become a replica again; to fail back, build a new replica from it (docs/runbooks/dr-failover.md, failing back).",
      },
    ],
  });
}

/**
 * DR's replication, as the composition root hands it to the core stacks (their `ReplicaWiring`):
 * main.ts passes it to buildApp, so no stack imports DR's code.
 */
export const DR_REPLICATION: ReplicaWiring = { replicationOf, warnOfPromotion };
