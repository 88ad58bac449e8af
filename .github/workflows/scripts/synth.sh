#!/usr/bin/env bash
# The synth job of the pull-request workflow (run from the repository root, after `npm ci`):
#
#   bash .github/workflows/scripts/synth.sh
#
# cdktf synth into cdktf.out, its output in the log. When it fails: the last 200 lines of that
# output, secrets removed, at synth-error/synth.txt, which the plan comment quotes; the exit code
# is synth's. SYNTH_COMMAND replaces `npx cdktf synth` (the CI rehearsal test synthesizes a small
# app of its own with it).
set -uo pipefail

log="${RUNNER_TEMP:?RUNNER_TEMP names the temporary folder of the runner}/synth.log"
${SYNTH_COMMAND:-npx cdktf synth} 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
if [ "$code" -ne 0 ]; then
  mkdir -p synth-error
  tail -n 200 "$log" > synth-error/synth.txt
  npm run -s plan:comment -- --redact synth-error/synth.txt > /dev/null
fi
exit "$code"
