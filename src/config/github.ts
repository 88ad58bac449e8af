/**
 * The GitHub repository whose workflows run this project's CI, and the branches they deploy from:
 * facts of the project, not of one environment. The bootstrap stacks trust exactly these in the CI
 * roles (backend/github-oidc.ts), and the CI stack list (src/plan-comment/ci-stacks.ts) follows them.
 */

/** The GitHub repository (`owner/name`) whose workflows may assume the CI roles of every environment. */
export const GITHUB_REPOSITORY = "pipeops/infrastructure";

/** GitHub's default branch: scheduled workflows (drift detection) run there. */
export const GITHUB_DEFAULT_BRANCH = "main";

/**
 * The branch whose pushes deploy each environment (.github/workflows/deploy.yml). Each environment
 * deploys from the GitHub environment of the same name; an environment not listed deploys from the
 * default branch.
 */
export const GITHUB_DEPLOY_BRANCHES: Readonly<Record<string, string>> = {
  dev: "develop",
  staging: "main",
  prod: "main",
  dr: "main",
};

/**
 * The environments a reviewer reads first in a plan comment (src/plan-comment/ci-stacks.ts), in
 * this order: production, then its standby region.
 */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ["prod", "dr"];
