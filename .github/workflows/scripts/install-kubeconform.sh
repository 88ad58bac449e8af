#!/usr/bin/env bash
# The versions workflow's kubeconform, from its release tarball, checked against the release's
# CHECKSUMS before it is unpacked:
#
#   KUBECONFORM_VERSION=<tag> bash .github/workflows/scripts/install-kubeconform.sh
#
# Puts kubeconform in $RUNNER_TEMP and that folder on the PATH of the later steps.
set -euo pipefail

base="https://github.com/yannh/kubeconform/releases/download/${KUBECONFORM_VERSION:?KUBECONFORM_VERSION is the catalog tag}"
cd "${RUNNER_TEMP:?}"
curl -fsSLO "$base/kubeconform-linux-amd64.tar.gz"
curl -fsSLO "$base/CHECKSUMS"
grep ' kubeconform-linux-amd64.tar.gz$' CHECKSUMS | sha256sum --check --strict
tar -xzf kubeconform-linux-amd64.tar.gz kubeconform
echo "$RUNNER_TEMP" >> "${GITHUB_PATH:?}"
