#!/usr/bin/env bash
# A stand-in for kubectl for the off-hours scripts' test: the few commands they use, against a
# cluster held in a JSON file, each checked against RBAC rules as the API server would check it.
#   FAKE_CLUSTER  {"workloads": {"ns/kind/name": replicas}, "configmaps": {"ns/name": {data}},
#                  "available": {"ns": false}}  (namespaces whose Deployments never become Available)
#   FAKE_RULES    [{"namespace", "resources": [...], "verbs": [...], "resourceNames": [...]}]
#   FAKE_LOG      every request, one line each: "ALLOWED verb resource namespace name" or "FORBIDDEN ..."
# One jq run per call decides, answers and updates the cluster.
set -euo pipefail

command="$1"
shift
ns="" selector="" patch="null" patchType="" replicas="0" args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) ns="$2"; shift 2 ;;
    -o) shift 2 ;;
    --field-selector) selector="${2#metadata.name=}"; shift 2 ;;
    --type) patchType="$2"; shift 2 ;;
    -p) patch="$2"; shift 2 ;;
    --replicas=*) replicas="${1#--replicas=}"; shift ;;
    --for=*|--timeout=*|--all) shift ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$command" in
  get|patch|wait) kind="${args[0]}"; name="${args[1]:-}" ;;
  scale) kind="${args[0]%%/*}"; name="${args[0]#*/}" ;;
  *) echo "fake kubectl: $command is not a command the off-hours scripts use" >&2; exit 2 ;;
esac

# shellcheck disable=SC2016
program='
def allowed($verb; $resource; $name):
  any($rules[0][]; .namespace == $ns and (.resources | index($resource)) and (.verbs | index($verb))
      and ((.resourceNames | length) == 0 or ($name != "" and (.resourceNames | index($name)))));
def request:
  if $command == "get" and $kind == "configmap" then [["get", "configmaps", $name]]
  elif $command == "get" then [["list", $kind + "s", ""]]
  elif $command == "patch" then [["patch", "configmaps", $name]]
  elif $command == "scale" then [["patch", $kind + "s/scale", $name]]
  else [["list", "deployments", ""], ["watch", "deployments", ""]] end;
def outcome:
  if $command == "get" and $kind == "configmap" then {out: {data: .configmaps[$ns + "/" + $name]}}
  elif $command == "get" then
    {out: {items: [.workloads | to_entries[] | select(.key | startswith($ns + "/" + $kind + "/"))
      | {metadata: {name: (.key | ltrimstr($ns + "/" + $kind + "/"))}, spec: {replicas: .value}}
      | select($only == "" or .metadata.name == $only)]}}
  elif $command == "patch" and $patchType == "merge" then {next: (.configmaps[$ns + "/" + $name] += $patch.data)}
  elif $command == "patch" then {next: (.configmaps[$ns + "/" + $name] = $patch[0].value)}
  elif $command == "scale" then
    if .workloads | has($ns + "/" + $kind + "/" + $name) then {next: (.workloads[$ns + "/" + $kind + "/" + $name] = ($replicas | tonumber))}
    else {error: "Error from server (NotFound): \($kind) \"\($name)\" not found"} end
  elif (.available // {})[$ns] == false then {error: "error: timed out waiting for the condition on deployments"}
  else {} end;
[request[] as [$verb, $resource, $n] | {verb: $verb, resource: $resource, name: $n, ok: allowed($verb; $resource; $n)}] as $checks
| ($checks | map("\(if .ok then "ALLOWED" else "FORBIDDEN" end) \(.verb) \(.resource) \($ns) \(.name)") | join("\n")),
  (if all($checks[]; .ok) then outcome
   else {error: "Error from server (Forbidden): \($checks | map(select(.ok | not))[0] | "\(.resource) \"\(.name)\" is forbidden: cannot \(.verb) in the namespace \"\($ns)\"")"} end
   | (.error // ""), (.out // "" | if . == "" then "" else tojson end), (.next // "" | if . == "" then "" else tojson end)),
  "end"
'
answer="$(jq -r --slurpfile rules "$FAKE_RULES" --arg command "$command" --arg kind "$kind" --arg name "$name" --arg ns "$ns" \
  --arg only "$selector" --arg patchType "$patchType" --argjson patch "$patch" --arg replicas "$replicas" "$program" "$FAKE_CLUSTER")"
# The last line ("end") keeps empty answer lines from being cut off.
checks="$(head -n -4 <<<"$answer")"
{ read -r error; read -r out; read -r next; } < <(tail -n 4 <<<"$answer")
echo "$checks" >>"$FAKE_LOG"
if [[ -n "$error" ]]; then
  echo "$error" >&2
  exit 1
fi
[[ -n "$out" ]] && echo "$out"
[[ -n "$next" ]] && printf '%s' "$next" >"$FAKE_CLUSTER"
exit 0
