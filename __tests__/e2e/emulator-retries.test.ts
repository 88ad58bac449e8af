import { readFileSync } from "node:fs";
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsApi, awsApiBatch } from "../../src/cli/aws-api";
import { assertEmulatorHoldsState } from "../../src/cli/emulator-duplicates";
import { startTestEmulator } from "../support/emulator";

/**
 * The emulator's answer to SDK retries (src/cli/emulator-server.py) and the duplicate check that
 * deploys and end-to-end applies run (src/cli/emulator-duplicates.ts), against a real emulator.
 * One emulator, a few API calls, no Terraform: 17 s measured at load average 6 on two cores,
 * 62 s at 15 (most of it starting Python and moto's EC2 backend).
 */

let emulator: Awaited<ReturnType<typeof startTestEmulator>>;
const region = "us-west-2";

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(() => emulator?.stop());

/** One EC2 query-API call as an AWS SDK sends it: its invocation ID and attempt number in the headers. */
function ec2Call(form: string, invocation: string, attempt: number): Promise<{ status: number; body: string }> {
  const body = `${form}&Version=2016-11-15`;
  return new Promise((resolve, reject) => {
    const call = request(
      `${emulator.endpoint}/`,
      {
        method: "POST",
        rejectUnauthorized: false,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          // The emulator reads the region from the credential scope; it checks no signature.
          authorization: `AWS4-HMAC-SHA256 Credential=test/20261207/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
          "amz-sdk-invocation-id": invocation,
          "amz-sdk-request": `attempt=${attempt}; max=25`,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

const vpcsOf = (cidr: string) =>
  awsApi<{ Vpcs: { VpcId: string }[] }>(emulator.endpoint, "ec2", region, "describe_vpcs", { Filters: [{ Name: "cidr", Values: [cidr] }] }).Vpcs.map((vpc) => vpc.VpcId);

describe("the emulator and SDK retries", () => {
  it("answers a retried invocation once: attempt 2 of an answered CreateVpc gets the same VPC, and no second one exists", async () => {
    const first = await ec2Call("Action=CreateVpc&CidrBlock=10.91.0.0/16", "invocation-retried", 1);
    const retried = await ec2Call("Action=CreateVpc&CidrBlock=10.91.0.0/16", "invocation-retried", 2);
    expect([first.status, retried.status]).toEqual([200, 200]);
    const id = /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/.exec(first.body)?.[1];
    expect(id).toBeDefined();
    expect(retried.body).toContain(id);
    expect(vpcsOf("10.91.0.0/16")).toEqual([id]);
    expect(readFileSync(emulator.logFile, "utf8")).toMatch(/emulator retry: CreateVpc attempt 2 \(invocation invocation-retried\): the client retried an operation the emulator had already answered \(200 to attempt 1/);
  });

  it("moto itself is not idempotent: the same create as a new invocation makes a second VPC (what a retry did before)", async () => {
    await ec2Call("Action=CreateVpc&CidrBlock=10.92.0.0/16", "invocation-a", 1);
    await ec2Call("Action=CreateVpc&CidrBlock=10.92.0.0/16", "invocation-b", 1);
    expect(vpcsOf("10.92.0.0/16")).toHaveLength(2);
  });

  it("runs a retried attempt whose earlier attempts got no answer, and says so in the log", async () => {
    const retried = await ec2Call("Action=CreateVpc&CidrBlock=10.93.0.0/16", "invocation-never-answered", 3);
    expect(retried.status).toBe(200);
    expect(vpcsOf("10.93.0.0/16")).toHaveLength(1);
    expect(readFileSync(emulator.logFile, "utf8")).toContain("CreateVpc attempt 3 (invocation invocation-never-answered): retried before any answer was given");
  });
});

describe("the check that the emulator holds exactly what the state lists, on the emulator's real answers", () => {
  const tags = (name: string) => [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: name }] }];
  const stateOf = (vpcId: string, keyId: string, keyArn: string, aclId: string) =>
    JSON.stringify({
      version: 4,
      resources: [
        { mode: "managed", type: "aws_vpc", name: "vpc", instances: [{ attributes: { id: vpcId, arn: `arn:aws:ec2:${region}:123456789012:vpc/${vpcId}`, tags: { Name: "check-vpc" } } }] },
        { mode: "managed", type: "aws_kms_key", name: "key", instances: [{ attributes: { id: keyId, arn: keyArn, description: "check key" } }] },
        {
          mode: "managed",
          type: "aws_network_acl",
          name: "acl",
          instances: [{ attributes: { id: aclId, arn: `arn:aws:ec2:${region}:123456789012:network-acl/${aclId}`, tags: { Name: "check-acl" }, ingress: [{ rule_no: 100 }], egress: [] } }],
        },
      ],
    });

  it("passes on exactly the state's objects and names a VPC, key or network ACL rule created twice", () => {
    const batch = (...calls: [string, string, Record<string, unknown>][]) => awsApiBatch(emulator.endpoint, calls.map(([service, operation, params]) => ({ service, region, operation, params })));
    const createVpc: [string, string, Record<string, unknown>] = ["ec2", "create_vpc", { CidrBlock: "10.94.0.0/16", TagSpecifications: tags("check-vpc") }];
    const createKey: [string, string, Record<string, unknown>] = ["kms", "create_key", { Description: "check key" }];
    const [vpc, created] = batch(createVpc, createKey) as [{ Vpc: { VpcId: string } }, { KeyMetadata: { KeyId: string; Arn: string } }];
    const vpcId = vpc.Vpc.VpcId;
    const key = created.KeyMetadata;
    const [acl] = batch(["ec2", "create_network_acl", { VpcId: vpcId, TagSpecifications: [{ ResourceType: "network-acl", Tags: [{ Key: "Name", Value: "check-acl" }] }] }]) as [{ NetworkAcl: { NetworkAclId: string } }];
    const aclId = acl.NetworkAcl.NetworkAclId;
    const rule = (RuleNumber: number): [string, string, Record<string, unknown>] => ["ec2", "create_network_acl_entry", { NetworkAclId: aclId, RuleNumber, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "10.94.1.0/24", PortRange: { From: 5432, To: 5432 } }];
    batch(rule(100));
    const state = stateOf(vpcId, key.KeyId, key.Arn, aclId);
    expect(() => assertEmulatorHoldsState(emulator.endpoint, [state], "the check fixture", emulator.logFile)).not.toThrow();

    const [twin, twinCreated] = batch(createVpc, createKey, rule(110)) as [{ Vpc: { VpcId: string } }, { KeyMetadata: { KeyId: string } }];
    const twinVpc = twin.Vpc.VpcId;
    const twinKey = twinCreated.KeyMetadata.KeyId;
    let message = "";
    try {
      assertEmulatorHoldsState(emulator.endpoint, [state], "the check fixture", emulator.logFile);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("the emulator does not hold exactly what the state of the check fixture lists (emulator duplicates, not a flaky test)");
    expect(message).toContain(`vpc with Name tag "check-vpc" in us-west-2 (aws_vpc.vpc): the state lists ${vpcId}; the emulator also holds ${twinVpc}`);
    expect(message).toContain(`KMS key with description "check key" in us-west-2 (aws_kms_key.key): the state lists ${key.KeyId}; the emulator also holds ${twinKey}`);
    expect(message).toContain(`rules of network ACL ${aclId} (aws_network_acl.acl): the state lists ingress rule 100; the emulator also holds ingress rule 110`);
    // The retries of the first test are in this emulator's log: the message quotes them as the cause to look at.
    expect(message).toContain("emulator retry: CreateVpc attempt 2 (invocation invocation-retried)");
  });
});
