# Wakes the workloads the sleep script recorded: WAKE_FIRST's first, waiting until its Deployments
# are Available (its admission webhooks refuse pods elsewhere until then), then all the others but
# WAKE_LAST's, then WAKE_LAST's (Argo CD: it finds every workload back at its count before its
# controller compares anything with Git); then empties the record. Keys are namespace.kind.name:
# namespaces and kinds hold no dot.
#   STATE            the ConfigMap of counts, in STATE_NAMESPACE
#   WAKE_FIRST       optional: the namespace woken and waited for first
#   WAKE_LAST        optional: the namespace woken last
set -euo pipefail
state="$(kubectl get configmap "$STATE" -n "$STATE_NAMESPACE" -o json | jq -c '.data // {}')"
first="${WAKE_FIRST:-}"
last="${WAKE_LAST:-}"

# $1 = first, last or rest: the workloads of WAKE_FIRST, of WAKE_LAST, or all the others.
restore() {
  jq -r --arg first "$first" --arg last "$last" --arg which "$1" '
    def in_ns($ns): $ns != "" and (.key | startswith($ns + "."));
    to_entries[]
    | select(if $which == "first" then in_ns($first) elif $which == "last" then in_ns($last) else (in_ns($first) or in_ns($last)) | not end)
    | "\(.key) \(.value)"' <<<"$state" \
    | while read -r key replicas; do
        ns="${key%%.*}"
        rest="${key#*.}"
        kind="${rest%%.*}"
        name="${rest#*.}"
        kubectl scale "$kind/$name" -n "$ns" --replicas="$replicas"
        echo "$ns $kind/$name: 0 -> $replicas"
      done
}

if [[ -n "$first" ]] && jq -e --arg first "$first" 'keys | any(startswith($first + "."))' <<<"$state" >/dev/null; then
  restore first
  kubectl wait deployment --all -n "$first" --for=condition=Available --timeout=15m
fi
restore rest
restore last
kubectl patch configmap "$STATE" -n "$STATE_NAMESPACE" --type json -p '[{"op":"replace","path":"/data","value":{}}]'
