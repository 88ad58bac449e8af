import { Aspects, TerraformResource, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/**
 * What a core stack cannot rebuild without loss: its data (the database), the keys that encrypt
 * data kept elsewhere too (snapshots, backups, secrets, volumes), the cluster, and the logs (which
 * also keep their data when Terraform forgets them: `skip_destroy`).
 */
export const PROTECTED_RESOURCE_TYPES = ["aws_db_instance", "aws_kms_key", "aws_eks_cluster", "aws_cloudwatch_log_group"] as const;

class PreventDestroyAspect implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource) || !(PROTECTED_RESOURCE_TYPES as readonly string[]).includes(node.terraformResourceType)) return;
    node.addOverride("lifecycle.prevent_destroy", true);
    if (node.terraformResourceType === "aws_cloudwatch_log_group") node.addOverride("skip_destroy", true);
  }
}

/** `terraform destroy` (or a plan that would replace one of them) stops before touching any of them. */
export function preventDestroyOfWhatCannotBeRebuilt(scope: IConstruct): void {
  Aspects.of(scope).add(new PreventDestroyAspect());
}
