#!/usr/bin/env bash
# Plans one synthesized stack for the workflows in this folder (run from the repository root,
# after `cdktf synth`, `npm ci` and AWS credentials):
#
#   STACK=<stack> [PLAN_LOCK=false] [PLAN_REFRESH=false] [PLAN_WAITING_PASSES=true] bash .github/workflows/scripts/plan-stack.sh
#
# terraform init; plan -detailed-exitcode -out=tfplan (in the stack's folder); the JSON plan, with
# its sensitive values replaced, at $RUNNER_TEMP/plans/<stack>.json, and the warnings and errors
# Terraform reported (its -json diagnostics, secrets removed) at
# $RUNNER_TEMP/plans/<stack>.diagnostics.json — written when the plan fails too, so the comment can
# quote the error; the rendered plan in the job summary and the log.
# $RUNNER_TEMP/plans/<stack>.changes holds true or false once the plan ran (drift detection reads it).
# Step outputs: changes=true|false and exitcode=0|2 (a failed plan fails the step).
# PLAN_LOCK=false plans without taking the state lock (drift detection never blocks a deploy).
# PLAN_REFRESH=false plans without refreshing (pull requests: their role reads no secret value, and
# the AWS provider refreshes a secret version with GetSecretValue); the plan compares the
# configuration with the state as the last apply or refresh left it.
# PLAN_WAITING_PASSES=true (pull requests): a plan that failed only because a stack it reads has not
# been applied yet (the platform stack before its core stack, DR before prod; see
# src/plan-comment/waiting.ts) passes, with the step output waiting=<environment> and a notice; the
# comment shows it as waiting. On a deploy it fails: there the stack before it has just been applied.
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
refresh=()
if [ "${PLAN_REFRESH:-true}" = "false" ]; then refresh=(-refresh=false); fi

mkdir -p "$plans"
events="$RUNNER_TEMP/plan-$stack.jsonl"
diagnostics="$plans/$stack.diagnostics.json"

set +e
terraform -chdir="$dir" init -input=false -no-color > "$RUNNER_TEMP/init-$stack.log" 2>&1
code=$?
if [ "$code" -eq 0 ]; then
  # Machine-readable UI: every warning and error arrives as a typed diagnostic.
  terraform -chdir="$dir" plan -input=false -json "${lock[@]}" "${refresh[@]}" -detailed-exitcode -out=tfplan > "$events"
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
  *)
    waiting="$(npm run -s plan:comment -- --waiting-for "$diagnostics")"
    if [ -n "$waiting" ] && [ "${PLAN_WAITING_PASSES:-false}" = "true" ]; then
      echo "::notice title=$stack waits for $waiting::$stack reads the state of a stack of $waiting that has not been applied yet; it plans once that apply has run."
      echo "waiting=$waiting" >> "$GITHUB_OUTPUT"
      echo "changes=false" >> "$GITHUB_OUTPUT"
      exit 0
    fi
    exit "$code"
    ;;
esac
echo "changes=$changes" >> "$GITHUB_OUTPUT"
echo "exitcode=$code" >> "$GITHUB_OUTPUT"
echo "$changes" > "$plans/$stack.changes"

terraform -chdir="$dir" show -no-color tfplan
terraform -chdir="$dir" show -json tfplan > "$plans/$stack.json"
npm run -s plan:comment -- --redact "$plans/$stack.json"
npm run -s plan:comment -- "$plans/$stack.json" --title "Plan of $stack" --commit "$GITHUB_SHA" \
  --run-url "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" >> "$GITHUB_STEP_SUMMARY"
echo "Plan file \`tfplan\`, sha256 \`$(sha256sum "$dir/tfplan" | cut -d' ' -f1)\`" >> "$GITHUB_STEP_SUMMARY"
