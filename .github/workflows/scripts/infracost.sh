#!/usr/bin/env bash
# The Infracost job of the pull-request workflow (after `infracost` is set up and the plans are
# downloaded into plans/):
#
#   GITHUB_TOKEN=… PULL_REQUEST=<number> bash .github/workflows/scripts/infracost.sh
#
# `infracost diff` of every plan in plans/ (the <stack>.json files; never the diagnostics files
# beside them), one JSON per stack in infracost/ (the plan comment reads them), and one Infracost
# comment on the pull request with all of them.
set -euo pipefail
shopt -s nullglob

mkdir -p infracost
plans=()
for file in plans/*.json; do
  case "$file" in *.diagnostics.json) continue ;; esac
  plans+=("$file")
done
if [ "${#plans[@]}" -eq 0 ]; then
  echo "::notice title=Infracost skipped::no plan to price"
  exit 0
fi
for plan in "${plans[@]}"; do
  infracost diff --path "$plan" --format json --out-file "infracost/$(basename "$plan")"
done
infracost comment github --path "infracost/*.json" --repo "${GITHUB_REPOSITORY:?}" \
  --github-token "${GITHUB_TOKEN:?}" --pull-request "${PULL_REQUEST:?}" --behavior update
