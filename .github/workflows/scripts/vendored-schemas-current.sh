#!/usr/bin/env bash
# The versions workflow's check that the vendored Kubernetes schemas are those of the catalog's
# versions: regenerates them from their sources (npm run k8s:schemas) and fails on any difference.
#
#   bash .github/workflows/scripts/vendored-schemas-current.sh
set -euo pipefail

npm run -s k8s:schemas
changes=$(git status --porcelain -- src/kubernetes/schemas)
if [ -n "$changes" ]; then
  git diff --stat -- src/kubernetes/schemas
  echo "$changes"
  echo "::error::src/kubernetes/schemas differs from its sources at the catalog's versions: run npm run k8s:schemas and commit the result"
  exit 1
fi
echo "src/kubernetes/schemas matches its sources at the catalog's versions"
