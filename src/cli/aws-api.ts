import { spawnSync } from "node:child_process";

/**
 * Calls the AWS API of the local emulator through boto3 (installed with the emulator itself): the
 * recovery command looks up what a killed apply left behind, and the end-to-end tests check real
 * API answers rather than Terraform's view of them.
 */
const SCRIPT = `
import json, sys, boto3, urllib3
urllib3.disable_warnings()
request = json.load(sys.stdin)
client = boto3.client(request["service"], endpoint_url=request["endpoint"], region_name=request["region"],
                      aws_access_key_id="test", aws_secret_access_key="test", verify=False)
if request["operation"] == "empty_bucket":
    bucket = request["params"]["Bucket"]
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    print("{}")
else:
    print(json.dumps(getattr(client, request["operation"])(**request["params"]), default=str))
`;

export function awsApi<T = Record<string, unknown>>(endpoint: string, service: string, region: string, operation: string, params: Record<string, unknown> = {}): T {
  const result = spawnSync("python3", ["-c", SCRIPT], {
    input: JSON.stringify({ endpoint, service, region, operation, params }),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${service}.${operation} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
