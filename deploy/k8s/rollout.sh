#!/usr/bin/env bash
# One release, in the order the platform needs (README "On Kubernetes"):
#   deploy/k8s/rollout.sh deploy/k8s/overlays/production
# 1. apply everything but the Deployments (label credit-repair/rollout=after): the configuration,
#    the broker topology, the databases and this release's migration and queue Jobs, named
#    after the image tag;
# 2. wait for both Jobs to complete (the old release keeps serving meanwhile, so a migration
#    must work with the code before it: add first, remove a release later);
# 3. apply everything, which rolls the Deployments to the new image.
# A Job that fails stops here with the Deployments untouched.
set -euo pipefail
overlay="${1:?usage: deploy/k8s/rollout.sh <overlay directory>}"
timeout_s="${ROLLOUT_JOB_TIMEOUT_S:-1800}"
namespace=$(kubectl kustomize "$overlay" | awk '/^kind: Namespace$/{ns=1} ns && /^  name:/{print $2; exit}')

applied=$(kubectl apply -k "$overlay" -l 'credit-repair/rollout!=after' -o name)
jobs=$(grep '^job' <<<"$applied" || true)
[ -n "$jobs" ] || { echo "no migration Job in $overlay" >&2; exit 1; }

deadline=$(( $(date +%s) + timeout_s ))
for job in $jobs; do
  echo "waiting for $job"
  while :; do
    state=$(kubectl -n "$namespace" get "$job" \
      -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
    case " $state " in
      *" Complete "*) echo "$job complete"; break ;;
      *" Failed "*) echo "$job failed: kubectl -n $namespace logs $job --all-containers" >&2; exit 1 ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$job not complete after ${timeout_s} s" >&2; exit 1
    fi
    sleep 5
  done
done

kubectl apply -k "$overlay"
