import { TerraformResource, type TerraformResourceLifecycle } from "cdktf";
import type { Construct } from "constructs";

/**
 * Terraform's built-in `terraform_data`, declared as a plain resource: cdktf's DataResource would
 * spawn `terraform version` at every synth to check for >= 1.4, which every stack's
 * required_version already covers.
 */
export function terraformData(scope: Construct, id: string, lifecycle?: TerraformResourceLifecycle): TerraformResource {
  return new TerraformResource(scope, id, { terraformResourceType: "terraform_data", terraformGeneratorMetadata: { providerName: "terraform" }, lifecycle });
}

/** A resource's bare address (`type.name`), for `depends_on` and hand-written expressions. */
export const addressOf = (resource: TerraformResource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

/**
 * A string Terraform must pass through unchanged: every string in a configuration is a template,
 * so `${` and `%{` are escaped as `$${` and `%%{` (Terraform's template escapes). For literal text
 * such as a shell script; cdktf's Fn.rawString quotes for an expression instead.
 */
export const literalTemplate = (text: string): string => text.replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
