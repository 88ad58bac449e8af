import type { Construct } from "constructs";
import { CeCostAllocationTag } from "@cdktf/provider-aws/lib/ce-cost-allocation-tag";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { standardTags } from "../aspects/tags";
import { useStateBackend } from "../../backend/state-backend";
import { stackStateLocation } from "./state-location";

/**
 * `<env>-cost-tags`: activates the project's tag keys for cost allocation in the environment's
 * account (costs.activateCostAllocationTags), and nothing else. AWS lists a key for activation
 * only once it appears in the account's billing data, up to 24 hours after a resource first carries
 * it (AWS Billing user guide, "Activating user-defined cost allocation tags"); until then the
 * provider fails with "empty result" (hashicorp/terraform-provider-aws issue #29068, read
 * 2026-12-07). So it is a stack of its own, which nothing depends on, applied by an operator a day
 * after the first deploy (README "First deploy of an account"; guardrail PIPEOPS-0013).
 */
export class CostTagsStack extends EnvironmentStack {
  constructor(scope: Construct, stackName: string, props: EnvironmentStackProps) {
    super(scope, stackName, props);
    const { env, target } = props;
    useStateBackend(this, stackStateLocation(env, target, stackName));
    for (const tagKey of Object.keys(standardTags(env.project, env.name, env.tags))) {
      new CeCostAllocationTag(this, `cost-allocation-tag-${tagKey}`, { tagKey, status: "Active" });
    }
  }
}
