import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../src/cli/emulator";
import { compareWithEmulator, describeMismatches, inventoryCalls, keyDescriptionCalls, stateResources } from "../../src/cli/emulator-duplicates";

describe("the local emulator's port", () => {
  it("is the port this checkout used last when that one is free, so a restart keeps the stacks' endpoints", async () => {
    const port = await freeLoopbackPort();
    expect(await freeLoopbackPort(port)).toBe(port);
  });

  it("is another free port when the last one is taken", async () => {
    const server = createServer();
    const taken = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    try {
      const port = await freeLoopbackPort(taken);
      expect(port).not.toBe(taken);
      expect(port).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe("the check that the emulator holds exactly what the state lists", () => {
  const region = "us-west-2";
  const arn = (kind: string, id: string) => `arn:aws:ec2:${region}:123456789012:${kind}/${id}`;
  const resource = (address: string, attributes: Record<string, unknown>) => ({ mode: "managed", type: address.split(".")[0], name: address.split(".")[1], instances: [{ attributes }] });
  const show = (...resources: ReturnType<typeof resource>[]) => JSON.stringify({ version: 4, resources });
  const state = stateResources(
    show(
      resource("aws_vpc.vpc", { id: "vpc-1", arn: arn("vpc", "vpc-1"), tags: { Name: "pipeops-dev" } }),
      resource("aws_subnet.a", { id: "subnet-1", arn: arn("subnet", "subnet-1"), tags: { Name: "pipeops-dev-private-a" } }),
      resource("aws_network_acl.database", {
        id: "acl-1",
        arn: arn("network-acl", "acl-1"),
        tags: { Name: "pipeops-dev-database" },
        ingress: [{ rule_no: 100 }, { rule_no: 110 }],
        egress: [{ rule_no: 100 }],
      }),
      resource("aws_kms_key.secrets", { id: "key-1", arn: `arn:aws:kms:${region}:123456789012:key/key-1`, description: "Encrypts the secrets of pipeops-dev" }),
      { mode: "data", type: "aws_region", name: "current", instances: [{ attributes: { id: region } }] },
    ),
  );
  const calls = inventoryCalls(state);
  const entries = (...rules: [boolean, number][]) => [...rules, [false, 32767], [true, 32767]].map(([Egress, RuleNumber]) => ({ Egress, RuleNumber }));
  const tagged = (name: string) => [{ Key: "Name", Value: name }, { Key: "Environment", Value: "dev" }];
  /** The emulator's answers: what the state lists, plus `extra` objects. */
  const answers = (extra: { vpcs?: object[]; acl?: object; nat?: object[] } = {}) =>
    calls.map((call) => {
      switch (call.operation) {
        case "all:describe_vpcs":
          return { Vpcs: [{ VpcId: "vpc-1", State: "available", Tags: tagged("pipeops-dev") }, { VpcId: "vpc-default", State: "available" }, ...(extra.vpcs ?? [])] };
        case "all:describe_subnets":
          return { Subnets: [{ SubnetId: "subnet-1", Tags: tagged("pipeops-dev-private-a") }, { SubnetId: "subnet-prod", Tags: tagged("pipeops-prod-private-a") }] };
        case "all:describe_network_acls":
          return { NetworkAcls: [extra.acl ?? { NetworkAclId: "acl-1", Tags: tagged("pipeops-dev-database"), Entries: entries([false, 100], [false, 110], [true, 100]) }] };
        case "all:describe_nat_gateways":
          return { NatGateways: extra.nat ?? [] };
        case "all:list_keys":
          return { Keys: [{ KeyId: "key-1" }, { KeyId: "key-2" }] };
        default:
          return {};
      }
    });
  const key = (id: string, description: string, KeyState = "Enabled") => ({ KeyMetadata: { KeyId: id, Arn: `arn:aws:kms:${region}:123456789012:key/${id}`, Description: description, KeyState } });
  const keys = [key("key-1", "Encrypts the secrets of pipeops-dev"), key("key-2", "Encrypts the secrets of pipeops-dev", "PendingDeletion")];

  it("asks each region of the state once per kind of object, and describes every listed key", () => {
    expect(calls.map((c) => `${c.region} ${c.service} ${c.operation}`)).toContain("us-west-2 ec2 all:describe_vpcs");
    expect(new Set(calls.map((c) => c.region))).toEqual(new Set([region]));
    expect(keyDescriptionCalls(calls, answers()).map((c) => c.params)).toEqual([{ KeyId: "key-1" }, { KeyId: "key-2" }]);
  });

  it("passes when the emulator holds exactly the state's objects (other environments' objects, untagged defaults, deleted gateways and keys pending deletion do not count)", () => {
    expect(compareWithEmulator(state, calls, answers({ nat: [{ NatGatewayId: "nat-9", State: "deleted", Tags: tagged("pipeops-dev") }] }), keys)).toEqual([]);
  });

  it("names a second VPC with the same Name tag as a duplicate of the state's VPC", () => {
    const found = compareWithEmulator(state, calls, answers({ vpcs: [{ VpcId: "vpc-2", State: "available", Tags: tagged("pipeops-dev") }] }), keys);
    expect(found).toEqual([{ addresses: ["aws_vpc.vpc"], identity: 'vpc with Name tag "pipeops-dev" in us-west-2', listed: ["vpc-1"], extra: ["vpc-2"], missing: [] }]);
  });

  it("names a second enabled KMS key with the same description as a duplicate", () => {
    const found = compareWithEmulator(state, calls, answers(), [...keys, key("key-3", "Encrypts the secrets of pipeops-dev")]);
    expect(found.map((m) => [m.addresses, m.extra])).toEqual([[["aws_kms_key.secrets"], ["key-3"]]]);
  });

  it("names network ACL rules the state does not list, and state objects the emulator does not hold", () => {
    const acl = { NetworkAclId: "acl-1", Tags: tagged("pipeops-dev-database"), Entries: entries([false, 100], [false, 110], [false, 120]) };
    const found = compareWithEmulator(state, calls, answers({ acl }), keys);
    expect(found).toEqual([{ addresses: ["aws_network_acl.database"], identity: "rules of network ACL acl-1", listed: ["ingress rule 100", "ingress rule 110", "egress rule 100"], extra: ["ingress rule 120"], missing: ["egress rule 100"] }]);
    const gone = compareWithEmulator(state, calls, answers().map((answer) => ("Subnets" in answer ? { Subnets: [] } : answer)), keys);
    expect(gone.map((m) => [m.identity, m.missing])).toEqual([['subnet with Name tag "pipeops-dev-private-a" in us-west-2', ["subnet-1"]]]);
  });

  it("reports each duplicate with the retries the emulator logged as its cause, and the fix", () => {
    const found = compareWithEmulator(state, calls, answers({ vpcs: [{ VpcId: "vpc-2", State: "available", Tags: tagged("pipeops-dev") }] }), keys);
    const retry = "emulator retry: CreateVpc attempt 2 (invocation abc): the client retried an operation the emulator had already answered (200 to attempt 1 at 22:02:29, 0.31 s in the emulator); replayed that answer instead of acting twice";
    const message = describeMismatches("dev", found, [retry], "/x/emulator.log");
    expect(message).toContain("emulator duplicates, not a flaky test");
    expect(message).toContain('vpc with Name tag "pipeops-dev" in us-west-2 (aws_vpc.vpc): the state lists vpc-1; the emulator also holds vpc-2');
    expect(message).toContain(retry);
    expect(message).toContain("Fix: delete the extra object(s)");
    expect(describeMismatches("dev", found, [])).toContain("The emulator saw no retried operation");
  });
});
