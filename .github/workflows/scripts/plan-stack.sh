#!/usr/bin/env bash
# Plans one synthesized stack for the workflows in this folder (run from the repository root,
# after `cdktf synth`, `npm ci` and AWS credentials):
#
#   STACK=<stack> [PLAN_LOCK=false] bash .github/workflows/scripts/plan-stack.sh
#
# terraform init; plan -detailed-exitcode -out=tfplan (in the stack's folder); the JSON plan, with
# its sensitive values replaced, at $RUNNER_TEMP/plans/<stack>.json; the rendered plan in the job
# summary. Step outputs: changes=true|false and exitcode=0|2 (a failed plan fails the step).
# PLAN_LOCK=false plans without taking the state lock (drift detection never blocks a deploy).
set -euo pipefail

stack="${STACK:?STACK names the stack to plan}"
dir="cdktf.out/stacks/$stack"
plans="$RUNNER_TEMP/plans"

if [ ! -f "$dir/cdk.tf.json" ]; then
  echo "::warning title=No stack $stack::cdktf synth made no stack named $stack, so there is nothing to plan."
  echo "changes=false" >> "$GITHUB_OUTPUT"
  exit 0
fi

lock=(-lock-timeout=15m)
if [ "${PLAN_LOCK:-true}" = "false" ]; then lock=(-lock=false); fi

terraform -chdir="$dir" init -input=false
set +e
terraform -chdir="$dir" plan -input=false "${lock[@]}" -detailed-exitcode -out=tfplan
code=$?
set -e
case "$code" in
  0) changes=false ;;
  2) changes=true ;;
  *) exit "$code" ;;
esac
echo "changes=$changes" >> "$GITHUB_OUTPUT"
echo "exitcode=$code" >> "$GITHUB_OUTPUT"

mkdir -p "$plans"
terraform -chdir="$dir" show -json tfplan > "$plans/$stack.json"
npm run -s plan:comment -- --redact "$plans/$stack.json"
npm run -s plan:comment -- "$plans/$stack.json" --title "Plan of $stack" --commit "$GITHUB_SHA" \
  --run-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" >> "$GITHUB_STEP_SUMMARY"
echo "Plan file \`tfplan\`, sha256 \`$(sha256sum "$dir/tfplan" | cut -d' ' -f1)\`" >> "$GITHUB_STEP_SUMMARY"
