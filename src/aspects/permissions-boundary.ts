import { Aspects, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

/**
 * Gives every IAM role of a scope the given permissions boundary. The CI deploy role may create
 * roles only with its own boundary attached (backend/github-oidc.ts), so every role a stack it
 * applies creates carries that boundary; a role that names one itself keeps it (and the deploy
 * role's boundary refuses any other).
 */
class PermissionsBoundaryAspect implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole && node.permissionsBoundaryInput === undefined) node.permissionsBoundary = this.boundaryArn;
  }
}

export function boundEveryRole(scope: IConstruct, boundaryArn: string): void {
  Aspects.of(scope).add(new PermissionsBoundaryAspect(boundaryArn));
}
