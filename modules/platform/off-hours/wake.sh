# Wakes the workloads the sleep script recorded: WAKE_FIRST's first, waiting until its Deployments
# are Available (its admission webhooks refuse pods elsewhere until then), then all the others;
# then empties the record. Keys are namespace.kind.name: namespaces and kinds hold no dot.
#   STATE            the ConfigMap of counts, in STATE_NAMESPACE
#   WAKE_FIRST       optional: the namespace woken and waited for first
set -euo pipefail
state="$(kubectl get configmap "$STATE" -n "$STATE_NAMESPACE" -o json | jq -c '.data // {}')"
first="${WAKE_FIRST:-}"

# $1 = true: the workloads of WAKE_FIRST; false: all the others.
restore() {
  jq -r --arg first "$first" --argjson inFirst "$1" \
    'to_entries[] | select(($first != "" and (.key | startswith($first + "."))) == $inFirst) | "\(.key) \(.value)"' <<<"$state" \
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
  restore true
  kubectl wait deployment --all -n "$first" --for=condition=Available --timeout=15m
fi
restore false
kubectl patch configmap "$STATE" -n "$STATE_NAMESPACE" --type json -p '[{"op":"replace","path":"/data","value":{}}]'
