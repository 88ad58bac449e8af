#!/usr/bin/env bash
# Plans one synthesized stack for the workflows in this folder (run from the repository root,
# after `cdktf synth`, `npm ci` and AWS credentials):
#
#   STACK=<stack> [PLAN_LOCK=false] bash .github/workflows/scripts/plan-stack.sh
#
# terraform init; plan -detailed-exitcode -out=tfplan (in the stack's folder); the JSON plan, with
# its sensitive values replaced, at $RUNNER_TEMP/plans/<stack>.json, and the warnings and errors
# Terraform reported (its -json diagnostics, secrets removed) at
# $RUNNER_TEMP/plans/<stack>.diagnostics.json — written when the plan fails too, so the comment can
# quote the error; the rendered plan in the job summary and the log.
# Step outputs: changes=true|false and exitcode=0|2 (a failed plan fails the step).
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

mkdir -p "$plans"
events="$RUNNER_TEMP/plan-$stack.jsonl"
diagnostics="$plans/$stack.diagnostics.json"

set +e
terraform -chdir="$dir" init -input=false -no-color > "$RUNNER_TEMP/init-$stack.log" 2>&1
code=$?
if [ "$code" -eq 0 ]; then
  # Machine-readable UI: every warning and error arrives as a typed diagnostic.
  terraform -chdir="$dir" plan -input=false -json "${lock[@]}" -detailed-exitcode -out=tfplan > "$events"
  code=$?
fi
set -e
cat "$RUNNER_TEMP/init-$stack.log"
if [ -s "$events" ]; then
  jq -r 'select(."@message") | ."@message"' "$events"
  jq -s '[.[] | select(.type == "diagnostic") | .diagnostic]' "$events" > "$diagnostics"
else
  # init failed: its last lines are the error.
  tail -n 40 "$RUNNER_TEMP/init-$stack.log" | jq -Rs '[{severity: "error", summary: "terraform init failed", detail: .}]' > "$diagnostics"
fi
npm run -s plan:comment -- --redact "$diagnostics" > /dev/null
case "$code" in
  0) changes=false ;;
  2) changes=true ;;
  *) exit "$code" ;;
esac
echo "changes=$changes" >> "$GITHUB_OUTPUT"
echo "exitcode=$code" >> "$GITHUB_OUTPUT"

terraform -chdir="$dir" show -no-color tfplan
terraform -chdir="$dir" show -json tfplan > "$plans/$stack.json"
npm run -s plan:comment -- --redact "$plans/$stack.json"
npm run -s plan:comment -- "$plans/$stack.json" --title "Plan of $stack" --commit "$GITHUB_SHA" \
  --run-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" >> "$GITHUB_STEP_SUMMARY"
echo "Plan file \`tfplan\`, sha256 \`$(sha256sum "$dir/tfplan" | cut -d' ' -f1)\`" >> "$GITHUB_STEP_SUMMARY"
