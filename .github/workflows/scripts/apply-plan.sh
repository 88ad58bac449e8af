#!/usr/bin/env bash
# The apply job of the deploy workflow (deploy-stack.yml), with the deploy role's credentials:
#
#   STACK=<stack> bash apply-plan.sh [<folder>]
#
# <folder> (default `stack`) holds the tfplan-<stack> artifact of this run's plan job: the saved
# plan, the stack's cdk.tf.json and its lock file. terraform init, apply exactly that plan, then
# the stack's non-sensitive outputs at outputs-<stack>.json and in the job summary (sensitive
# outputs are left out, never printed).
set -euo pipefail

stack="${STACK:?STACK names the stack to apply}"
dir="${1:-stack}"
echo "Applying the plan of $stack from this run (sha256 $(sha256sum "$dir/tfplan" | cut -d' ' -f1))"
terraform -chdir="$dir" init -input=false
terraform -chdir="$dir" apply -input=false -lock-timeout=15m tfplan

terraform -chdir="$dir" output -json | jq 'with_entries(select(.value.sensitive | not) | .value |= .value)' > "outputs-$stack.json"
{
  echo "### Outputs of $stack"
  echo
  echo "| output | value |"
  echo "| --- | --- |"
  jq -r 'to_entries[] | "| `\(.key)` | `\(.value | tojson)` |"' "outputs-$stack.json"
} >> "${GITHUB_STEP_SUMMARY:?}"
