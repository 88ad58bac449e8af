#!/usr/bin/env bash
# The report job of the drift workflow (run from the repository root, after `npm ci` and the
# download of every detect job's files into plans/):
#
#   STACKS=a,b RUN_URL=… bash .github/workflows/scripts/drift-report.sh
#
# Each detect job leaves <stack>.changes (true or false) when its plan ran, its plan and its
# diagnostics (also when the plan failed, so the issue can say why). Writes issue.md, the body of
# the drift issue (the report with a first paragraph naming the drifted and unchecked stacks), the
# job summary, and the step output open=true when the issue should be open (a stack drifted or
# could not be checked), false when it should be closed.
set -euo pipefail

# "`a`, `b`"
listed() { local out="" item; for item in "$@"; do out="${out:+$out, }\`$item\`"; done; echo "$out"; }

drifted=()
unchecked=()
for stack in ${STACKS//,/ }; do
  if [ ! -f "plans/$stack.changes" ]; then
    unchecked+=("$stack")
  elif [ "$(cat "plans/$stack.changes")" = "true" ]; then
    drifted+=("$stack")
  fi
done

npm run -s plan:comment -- --plans-dir plans --expect "${STACKS:-}" --title "Infrastructure drift" \
  --marker "<!-- pipeops:drift-detection -->" --commit "${GITHUB_SHA:?}" --run-url "${RUN_URL:?}" \
  --max-length 63000 --out report.md

intro=()
if [ "${#drifted[@]}" -gt 0 ]; then intro+=("Stacks whose infrastructure differs from their branch: $(listed "${drifted[@]}").") ; fi
if [ "${#unchecked[@]}" -gt 0 ]; then intro+=("Stacks that could not be checked (their plan failed; Terraform's errors are below): $(listed "${unchecked[@]}").") ; fi
if [ "${#intro[@]}" -gt 0 ]; then
  intro+=("Apply the branch again or bring the code in line with the change made outside Terraform.")
  { head -n 2 report.md; echo; echo "${intro[*]}"; tail -n +3 report.md; } > issue.md
  echo "open=true" >> "${GITHUB_OUTPUT:?}"
else
  cp report.md issue.md
  echo "open=false" >> "${GITHUB_OUTPUT:?}"
fi
cat issue.md >> "${GITHUB_STEP_SUMMARY:?}"
