import { describe, expect, it } from "vitest";
import { AmbiguousObjectError, EXISTING_OBJECT_FINDERS, type AwsCall, type LookupContext } from "../../src/recovery/existing-objects";
import { importCandidates } from "../../src/recovery/recover";
import { sharedTestApp, synthStack } from "../support/synth";
import { ENVIRONMENTS } from "../../main";
import { stackNames } from "../../src/stacks/names";

/** Recovery after a killed apply: the finder table covers the project's stacks, and its lookups. */

const awsStacks = ENVIRONMENTS.flatMap((env) => {
  const names = stackNames(env.name);
  return [names.bootstrap, names.core];
});

describe("finding what a killed apply left outside the state", () => {
  it("has a finder (or a reason a second create is harmless) for every resource type of every AWS stack", () => {
    const built = sharedTestApp();
    const types = new Set(awsStacks.flatMap((stack) => Object.keys(synthStack(built, stack).json.resource ?? {})));
    expect([...types].filter((type) => !EXISTING_OBJECT_FINDERS[type]).sort()).toEqual([]);
    expect(types.size).toBeGreaterThan(30);
  });

  it("finds by Name tag only resources that set one", () => {
    const built = sharedTestApp();
    const untagged = awsStacks.flatMap((stack) =>
      Object.entries(synthStack(built, stack).json.resource ?? {}).flatMap(([type, resources]) => {
        const finder = EXISTING_OBJECT_FINDERS[type];
        if (finder?.kind !== "import" || !finder.byNameTag) return [];
        return Object.entries(resources).filter(([, body]) => !(body.tags as Record<string, unknown> | undefined)?.Name).map(([name]) => `${stack}: ${type}.${name}`);
      }),
    );
    expect(untagged).toEqual([]);
  });

  const context = (aws: AwsCall, resource: LookupContext["config"]["resource"] = {}): LookupContext => ({ aws, awsIn: () => aws, region: "us-west-2", accountId: "123456789012", config: { resource } });
  const noAws: AwsCall = () => {
    throw new Error("no AWS call expected");
  };

  it("derives IDs from planned values, and fills in another orphan's ID where the plan does not know it yet", () => {
    const tags: AwsCall = (service, operation, params) => {
      expect([service, operation]).toEqual(["ec2", "describe_tags"]);
      const name = (params!.Filters as { Values: string[] }[])[1]!.Values[0];
      return { Tags: name === "pipeops-dev-public" ? [{ ResourceId: "rtb-1" }, { ResourceId: "vpc-9" }] : [] };
    };
    const candidates = importCandidates(
      [
        { address: "aws_route.default_A", type: "aws_route", after: { destination_cidr_block: "0.0.0.0/0" } },
        { address: "aws_route_table.public_B", type: "aws_route_table", after: { tags: { Name: "pipeops-dev-public" } } },
        { address: "aws_iam_role.node_C", type: "aws_iam_role", after: { name: "pipeops-dev-node" } },
        { address: "aws_subnet.a_D", type: "aws_subnet", after: { tags: { Name: "pipeops-dev-public-a" } } },
      ],
      context(tags, { aws_route: { default_A: { route_table_id: "${aws_route_table.public_B.id}" } } }),
    );
    expect(candidates).toEqual({ "aws_route_table.public_B": "rtb-1", "aws_route.default_A": "rtb-1_0.0.0.0/0", "aws_iam_role.node_C": "pipeops-dev-node" });
  });

  it("looks a resource of an aliased provider up in that provider's region", () => {
    const regions: string[] = [];
    const awsIn = (region: string): AwsCall => () => {
      regions.push(region);
      return { Aliases: [{ AliasName: "alias/pipeops-prod-rds-backups", TargetKeyId: `key-in-${region}` }] };
    };
    const config = {
      resource: { aws_kms_key: { backup_K: { provider: "aws.backup_region" } }, aws_kms_alias: { a: { name: "alias/pipeops-prod-rds-backups", target_key_id: "${aws_kms_key.backup_K.key_id}" } } },
      provider: { aws: [{ region: "us-west-2" }, { region: "us-east-1", alias: "backup_region" }] },
    };
    const context: LookupContext = { aws: awsIn("us-west-2"), awsIn, region: "us-west-2", accountId: "123456789012", config };
    expect(importCandidates([{ address: "aws_kms_key.backup_K", type: "aws_kms_key", after: { description: "backups" } }], context)).toEqual({ "aws_kms_key.backup_K": "key-in-us-east-1" });
    expect(regions).toEqual(["us-east-1"]);
  });

  it("refuses to choose between two objects that answer one lookup", () => {
    const twoVpcs: AwsCall = () => ({ Tags: [{ ResourceId: "vpc-1" }, { ResourceId: "vpc-2" }] });
    expect(() => importCandidates([{ address: "aws_vpc.main", type: "aws_vpc", after: { tags: { Name: "pipeops-dev" } } }], context(twoVpcs))).toThrow(AmbiguousObjectError);
    expect(() => importCandidates([{ address: "aws_vpc.main", type: "aws_vpc", after: { tags: { Name: "pipeops-dev" } } }], context(twoVpcs))).toThrow(/vpc-1, vpc-2.*delete the extra/);
  });

  it("finds a customer key through its configured alias, or else the one enabled key with its description and no alias", () => {
    const withAlias: AwsCall = (_service, operation) => (operation === "list_aliases" ? { Aliases: [{ AliasName: "alias/pipeops-dev-db", TargetKeyId: "key-1" }] } : {});
    const config = { aws_kms_alias: { db: { name: "alias/pipeops-dev-db", target_key_id: "${aws_kms_key.db_K.key_id}" } } };
    expect(importCandidates([{ address: "aws_kms_key.db_K", type: "aws_kms_key", after: { description: "db" } }], context(withAlias, config))).toEqual({ "aws_kms_key.db_K": "key-1" });

    const orphan: AwsCall = (_service, operation, params) => {
      if (operation === "list_aliases") return { Aliases: [{ AliasName: "alias/other", TargetKeyId: "key-0" }] };
      if (operation === "list_keys") return { Keys: [{ KeyId: "key-0" }, { KeyId: "key-2" }, { KeyId: "key-3" }] };
      const descriptions: Record<string, [string, string]> = { "key-0": ["db", "Enabled"], "key-2": ["db", "Enabled"], "key-3": ["db", "PendingDeletion"] };
      const [description, state] = descriptions[params!.KeyId as string]!;
      return { KeyMetadata: { Description: description, KeyState: state } };
    };
    expect(importCandidates([{ address: "aws_kms_key.db_K", type: "aws_kms_key", after: { description: "db" } }], context(orphan, config))).toEqual({ "aws_kms_key.db_K": "key-2" });
  });

  it("treats a lookup's not-found answer as nothing to import, and any other failure as an error", () => {
    const missingCluster: AwsCall = () => {
      throw new Error("eks.list_nodegroups failed: An error occurred (ResourceNotFoundException)");
    };
    const group = { address: "aws_eks_node_group.general", type: "aws_eks_node_group", after: { cluster_name: "pipeops-dev", tags: { Name: "pipeops-dev-general" } } };
    expect(importCandidates([group], context(missingCluster))).toEqual({});
    const denied: AwsCall = () => {
      throw new Error("eks.list_nodegroups failed: AccessDeniedException");
    };
    expect(() => importCandidates([group], context(denied))).toThrow(/AccessDenied/);
    expect(importCandidates([{ address: "aws_iam_role_policy_attachment.a", type: "aws_iam_role_policy_attachment", after: { role: "r" } }], context(noAws))).toEqual({});
  });
});
