# Puts workloads to sleep: records the replicas of each StatefulSet and Deployment that has any,
# then scales it to zero. Each count is recorded before its workload is scaled, so a failure never
# loses one; workloads already at zero are skipped, so a rerun keeps the counts it recorded.
# Targets go in the order given, StatefulSets before Deployments: the GitOps namespace comes
# first, so Argo CD's application controller (a StatefulSet) stops before anything it would heal.
#   TARGETS          space-separated, in order: "namespace" (every StatefulSet and Deployment
#                    there) or "namespace:name" (that Deployment only)
#   STATE            the ConfigMap the counts go to, in STATE_NAMESPACE, keyed namespace.kind.name
set -euo pipefail
for target in $TARGETS; do
  ns="${target%%:*}"
  if [[ "$target" == *:* ]]; then
    kinds="deployment"
    only=(--field-selector "metadata.name=${target#*:}")
  else
    kinds="statefulset deployment"
    only=()
  fi
  for kind in $kinds; do
    kubectl get "$kind" -n "$ns" "${only[@]}" -o json \
      | jq -r '.items[] | select(.spec.replicas > 0) | "\(.metadata.name) \(.spec.replicas)"' \
      | while read -r name replicas; do
          # Kubernetes names and counts need no JSON escaping.
          kubectl patch configmap "$STATE" -n "$STATE_NAMESPACE" --type merge -p "{\"data\":{\"$ns.$kind.$name\":\"$replicas\"}}"
          kubectl scale "$kind/$name" -n "$ns" --replicas=0
          echo "$ns $kind/$name: $replicas -> 0"
        done
  done
done
