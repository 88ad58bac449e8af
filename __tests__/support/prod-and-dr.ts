import { join } from "node:path";
import { prod } from "../../environments";
import { dr } from "../../dr/config";
import { POSTGRES } from "../../src/config/versions";
import type { EnvironmentInput } from "../../src/config/types";
import { validateEnvironments } from "../../src/config/validate";
import { awsApi } from "../../src/cli/aws-api";
import { RECOVERY_OBJECTIVES } from "../../src/config/recovery-objectives";
import type { E2eWorkspace } from "./e2e-workspace";

/**
 * Prod and DR on the emulator, for the DR drill (dr-failover.test.ts): the environments as it
 * deploys them, DR's promotion, the backends' bootstrap, and the clock that times its steps.
 *
 * Emulator quirk "same-region read replica unreadable": moto gives a same-region replica its
 * source's DbiResourceId, so the AWS provider cannot read it back. Prod's two same-region replicas
 * are therefore left out of these runs (readReplicas: 0); they are asserted in
 * __tests__/unit/core-stacks.test.ts. Nothing else of prod is changed.
 */
export const prodWithoutSameRegionReplicas: EnvironmentInput = { ...prod, database: { ...prod.database, readReplicas: 0 } };
export const promotedDr: EnvironmentInput = {
  ...dr,
  replication: { sourceEnvironment: "prod", promoted: true, promotion: { decidedBy: "e2e test", decidedOn: "2026-12-01", reason: "The failover rehearsal of the end-to-end suite, prod dark." } },
};
export const [prodConfig] = validateEnvironments([prodWithoutSameRegionReplicas], () => []);

export type DbInstance = Record<string, unknown> & { DBInstanceArn: string; ReadReplicaSourceDBInstanceIdentifier?: string };

export const describeDb = (workspace: E2eWorkspace, region: string, identifier: string): DbInstance =>
  awsApi<{ DBInstances: DbInstance[] }>(workspace.endpoint, "rds", region, "describe_db_instances", { DBInstanceIdentifier: identifier }).DBInstances[0]!;

/**
 * Applies prod's and DR's state backends. DR's bootstrap reads the account's GitHub OIDC provider,
 * which prod's creates (README: bootstrap prod before DR); it starts once that provider exists
 * rather than once prod's whole apply ends, because the rest of prod's bootstrap is the AWS
 * provider waiting on S3 lifecycle configurations (10 s, then 10 identical reads 5 s apart:
 * `waitLifecycleConfigEquals` in internal/service/s3/bucket_lifecycle_configuration.go of
 * hashicorp/terraform-provider-aws), about a minute that DR's bootstrap does not depend on.
 */
export async function applyProdAndDrBackends(workspace: E2eWorkspace, stacks: string): Promise<void> {
  const prodBootstrap = workspace.apply(join(stacks, "prod-bootstrap"));
  let prodDone = false;
  prodBootstrap.then(() => (prodDone = true), () => (prodDone = true));
  const providers = () => awsApi<{ OpenIDConnectProviderList: unknown[] }>(workspace.endpoint, "iam", "us-east-1", "list_open_id_connect_providers", {}).OpenIDConnectProviderList;
  while (!prodDone && providers().length === 0) await new Promise((resolve) => setTimeout(resolve, 1000));
  if (prodDone && providers().length === 0) return prodBootstrap; // prod's bootstrap failed: its error is the one to see
  await Promise.all([prodBootstrap, workspace.apply(join(stacks, "dr-bootstrap"))]);
}

/**
 * Emulator quirk "cross-region replica groups looked up in the source region": moto resolves a new
 * replica's DB subnet group and parameter group names in the source's region, so groups of the same
 * names are made there first (test-side only; the DR stack is unchanged).
 */
export function makeReplicaGroupsInSourceRegion(workspace: E2eWorkspace, sourceSubnetIds: readonly string[]): void {
  awsApi(workspace.endpoint, "rds", "us-west-2", "create_db_subnet_group", {
    DBSubnetGroupName: "pipeops-dr-database", DBSubnetGroupDescription: "emulator quirk: DR replica subnet group looked up in us-west-2", SubnetIds: sourceSubnetIds,
  });
  awsApi(workspace.endpoint, "rds", "us-west-2", "create_db_parameter_group", {
    DBParameterGroupName: `pipeops-dr-${POSTGRES.parameterGroupFamily}`, DBParameterGroupFamily: POSTGRES.parameterGroupFamily, Description: "emulator quirk: DR replica parameter group looked up in us-west-2",
  });
}

/** The steps of a run and their elapsed seconds, printed at the end (README "DNS and failover" quotes them). */
export class StepClock {
  private readonly steps: { step: string; seconds: number; failover: boolean }[] = [];

  async timed<T>(step: string, failover: boolean, run: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    const result = await run();
    this.steps.push({ step, seconds: (performance.now() - started) / 1000, failover });
    return result;
  }

  print(title: string): void {
    if (this.steps.length === 0) return;
    const line = ({ step, seconds }: { step: string; seconds: number }) => `  ${seconds.toFixed(1).padStart(7)} s  ${step}`;
    const total = (rows: typeof this.steps) => rows.reduce((sum, row) => sum + row.seconds, 0);
    const failover = this.steps.filter((row) => row.failover);
    console.info(
      [
        `${title} (elapsed per step; steps run side by side where they overlap):`,
        ...this.steps.map(line),
        ...(failover.length
          ? [
              `  ${total(failover).toFixed(1).padStart(7)} s  the failover itself (${failover.map((row) => row.step).join("; ")})`,
              `  The seed's RTO is ${RECOVERY_OBJECTIVES.rtoMinutes.min}-${RECOVERY_OBJECTIVES.rtoMinutes.max} min; what the emulator cannot time is in README "DNS and failover".`,
            ]
          : []),
      ].join("\n"),
    );
  }
}
