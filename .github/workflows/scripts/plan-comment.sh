#!/usr/bin/env bash
# The comment job of the pull-request workflow renders the plan comment (run from the repository
# root, after `npm ci` and the downloads):
#
#   SYNTH_RESULT=success|failure STACKS=a,b [DEFERRED=c,d] BASE_REF=… HEAD_SHA=… RUN_URL=… \
#     bash .github/workflows/scripts/plan-comment.sh
#
# reads what the earlier jobs uploaded: plans/ (each plan job's <stack>.json and
# <stack>.diagnostics.json; a failed plan leaves only its diagnostics, a cancelled job nothing),
# infracost/ (Infracost's <stack>.json, when it priced the plans) and synth-error/synth.txt (when
# synth failed); writes comment.md and the job summary. Every stack of STACKS without a plan is
# reported: failed with its errors, or waiting for the environment it reads. DEFERRED names the
# stacks pull requests do not plan (the platform stacks: the deploy workflow plans them).
set -euo pipefail
shopt -s nullglob

title="Terraform plan: merging into ${BASE_REF:?}"
meta=(--commit "${HEAD_SHA:?}" --run-url "${RUN_URL:?}")
if [ "${SYNTH_RESULT:?}" != "success" ]; then
  # No stack was planned: say so, with the synth error, instead of leaving the last plan up.
  mkdir -p synth-error
  touch synth-error/synth.txt
  npm run -s plan:comment -- --synth-failed synth-error/synth.txt --title "$title" "${meta[@]}" --out comment.md
else
  costs=()
  priced=(infracost/*.json)
  if [ "${#priced[@]}" -gt 0 ]; then costs=(--infracost infracost); fi
  npm run -s plan:comment -- --plans-dir plans --expect "${STACKS:-}" --deferred "${DEFERRED:-}" --title "$title" "${meta[@]}" "${costs[@]}" --out comment.md
fi
cat comment.md >> "${GITHUB_STEP_SUMMARY:?}"
