#!/usr/bin/env bash
# The stacks CI plans, as GitHub Actions matrices (run from the repository root, after synth):
#
#   bash .github/workflows/scripts/list-stacks.sh [<branch>]
#
# With a branch (a pull request's base), only the stacks that branch deploys; without, every
# stack but the bootstrap stacks (drift detection). Step outputs, from cdktf.out/manifest.json
# (src/plan-comment/ci-stacks.ts):
#   matrix    every listed stack: stack, environment, layer, region, branch, plan_role_secret,
#             pr_plan_role_secret, pr_plan
#   names     every listed stack's name, comma-separated (drift detection expects a plan of each)
#   open      the stacks a pull request plans (with the pull-request plan role, -refresh=false)
#   open_names  their names, comma-separated (the stacks the plan comment expects a plan of)
#   deferred  the names of the others, comma-separated: the platform stacks, which the deploy
#             workflow plans after the merge, before their apply (docs/ci.md)
# and the list in the job summary.
set -euo pipefail

branch=()
if [ -n "${1:-}" ]; then branch=(--branch "$1"); fi
matrix="$(npx tsx src/plan-comment/ci-stacks.ts --outdir "${CDKTF_OUT:-cdktf.out}" "${branch[@]}")"
{
  echo "matrix=$(jq -c . <<< "$matrix")"
  echo "open=$(jq -c 'map(select(.pr_plan))' <<< "$matrix")"
  echo "names=$(jq -r 'map(.stack) | join(",")' <<< "$matrix")"
  echo "open_names=$(jq -r 'map(select(.pr_plan) | .stack) | join(",")' <<< "$matrix")"
  echo "deferred=$(jq -r 'map(select(.pr_plan | not) | .stack) | join(",")' <<< "$matrix")"
} >> "${GITHUB_OUTPUT:?}"
jq -r '.[] | "- \(.stack) (\(.environment), \(.region))\(if .pr_plan then "" else ", planned at deploy, not on pull requests" end)"' <<< "$matrix" >> "${GITHUB_STEP_SUMMARY:?}"
