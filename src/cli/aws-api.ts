import { spawnSync } from "node:child_process";

/**
 * Calls the AWS API of the local emulator through boto3 (installed with the emulator itself): the
 * recovery command looks up what a killed apply left behind, the deploy counts what the emulator
 * holds against the state, and the end-to-end tests check real API answers rather than
 * Terraform's view of them.
 */
const SCRIPT = `
import json, sys, boto3, urllib3
urllib3.disable_warnings()
clients = {}
def call(endpoint, service, region, operation, params):
    key = (service, region)
    if key not in clients:
        clients[key] = boto3.client(service, endpoint_url=endpoint, region_name=region,
                                    aws_access_key_id="test", aws_secret_access_key="test", verify=False)
    client = clients[key]
    if operation == "empty_bucket":
        bucket = params["Bucket"]
        for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
        return {}
    if operation.startswith("all:"):
        # Every page of a listing, merged (a listing without pages answers in one).
        operation = operation[4:]
        if client.can_paginate(operation):
            return client.get_paginator(operation).paginate(**params).build_full_result()
    return getattr(client, operation)(**params)
request = json.load(sys.stdin)
if "calls" in request:
    print(json.dumps([call(request["endpoint"], c["service"], c["region"], c["operation"], c["params"]) for c in request["calls"]], default=str))
else:
    print(json.dumps(call(request["endpoint"], request["service"], request["region"], request["operation"], request["params"]), default=str))
`;

function python<T>(request: Record<string, unknown>, what: string): T {
  const result = spawnSync("python3", ["-c", SCRIPT], { input: JSON.stringify(request), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export function awsApi<T = Record<string, unknown>>(endpoint: string, service: string, region: string, operation: string, params: Record<string, unknown> = {}): T {
  return python<T>({ endpoint, service, region, operation, params }, `${service}.${operation}`);
}

export interface AwsApiCall {
  readonly service: string;
  readonly region: string;
  /** A boto3 client method; "all:<method>" merges every page of a listing. */
  readonly operation: string;
  readonly params?: Record<string, unknown>;
}

/** Several calls in one process (one start of Python and boto3 instead of one per call); answers in order. */
export function awsApiBatch(endpoint: string, calls: readonly AwsApiCall[]): Record<string, unknown>[] {
  if (calls.length === 0) return [];
  return python<Record<string, unknown>[]>({ endpoint, calls: calls.map((c) => ({ ...c, params: c.params ?? {} })) }, `${calls.length} AWS API calls`);
}
