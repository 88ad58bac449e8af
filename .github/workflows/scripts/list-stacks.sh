#!/usr/bin/env bash
# The stacks CI plans, as GitHub Actions matrices (run from the repository root, after synth):
#
#   bash .github/workflows/scripts/list-stacks.sh [<branch>]
#
# With a branch (a pull request's base), only the stacks that branch deploys; without, every
# stack but the bootstrap stacks (drift detection). Step outputs, from cdktf.out/manifest.json
# (src/plan-comment/ci-stacks.ts):
#   matrix    every listed stack: stack, environment, layer, region, branch, plan_role_secret, plan_environment
#   open      those any pull request may plan
#   approved  those planned only in their approval environment (prod-plan, dr-plan)
#   names     the stack names, comma-separated (the stacks the comment expects a plan of)
# and the list in the job summary.
set -euo pipefail

branch=()
if [ -n "${1:-}" ]; then branch=(--branch "$1"); fi
matrix="$(npx tsx src/plan-comment/ci-stacks.ts --outdir "${CDKTF_OUT:-cdktf.out}" "${branch[@]}")"
{
  echo "matrix=$(jq -c . <<< "$matrix")"
  echo "open=$(jq -c 'map(select(.plan_environment == ""))' <<< "$matrix")"
  echo "approved=$(jq -c 'map(select(.plan_environment != ""))' <<< "$matrix")"
  echo "names=$(jq -r 'map(.stack) | join(",")' <<< "$matrix")"
} >> "${GITHUB_OUTPUT:?}"
jq -r '.[] | "- \(.stack) (\(.environment), \(.region))\(if .plan_environment != "" then ", after approval in \(.plan_environment)" else "" end)"' <<< "$matrix" >> "${GITHUB_STEP_SUMMARY:?}"
