/**
 * The config rules that stand in for what AWS refuses only at apply (tags, bucket names, RDS classes,
 * the versions catalog's support windows, Auto Mode's desired size, names derived from `project`),
 * the config files that fail while loading, the documentation placeholders on the AWS target, and
 * the promise that no credential in a config value comes back in any message.
 */
import { describe, expect, it } from "vitest";
import type { TerraformStack } from "cdktf";
import { ConfigError, checkEnvironment, validateEnvironments } from "../../src/config/validate";
import { AWS_TAG_RULES, MOST_OWN_TAGS_ON_A_RESOURCE, tagsOnEveryResource } from "../../src/config/tags";
import { S3_BUCKET_NAME_RULES, s3BucketNameProblems } from "../../src/config/s3-bucket-names";
import { dbInstanceClassCatalog, isOfferedForPostgres } from "../../src/config/db-instance-classes";
import { catalogIssues, CATALOG_VERSIONS } from "../../src/config/support-windows";
import { EKS_KUBERNETES_CALENDAR, KUBERNETES, POSTGRES, RDS_POSTGRES_CALENDAR } from "../../src/config/versions";
import { configFrom } from "../../src/config/load";
import { placeholderIssues, refusePlaceholders, reservedDomainOf } from "../../src/config/placeholders";
import { redactSecrets } from "../../src/config/secrets";
import type { EnvironmentInput } from "../../src/config/types";
import { dev, prod, staging } from "../../environments";
import { COMMON_TAGS } from "../../environments/common";
import { drOf } from "../../dr/config";
import { AWS, LOCAL, sharedTestApp, synthStack } from "../support/synth";
import { expectRefused, withDev } from "../support/config";

const accepted = (envs: readonly EnvironmentInput[]) => validateEnvironments(envs, () => []);

describe("tags by AWS's tagging rules", () => {
  const withTags = (tags: Record<string, string>) => withDev((e) => ({ ...e, tags }));

  it("refuses the reserved aws: prefix in a key or a value, in any case", () => {
    expectRefused(withTags({ "aws:owner": "platform" }), /dev: tags\.aws:owner: the tag key "aws:owner" \(value "platform"\) starts with "aws:", which AWS reserves.*Fix: drop the aws: prefix/);
    expectRefused(withTags({ "AWS:Owner": "platform" }), /dev: tags\.AWS:Owner: the tag key "AWS:Owner" \(value "platform"\) starts with "aws:"/);
    expectRefused(withTags({ Owner: "aws:platform" }), /dev: tags\.Owner: the value "aws:platform" of tag "Owner" starts with "aws:".*Fix: drop the aws: prefix from the value/);
  });

  it("refuses keys and values of the wrong length or characters", () => {
    expectRefused(withTags({ ["k".repeat(129)]: "v" }), /the tag key is 129 characters \(value "v"\); AWS takes 1 to 128\. Fix: shorten the key/);
    expectRefused(withTags({ Owner: "v".repeat(257) }), /dev: tags\.Owner: the value of tag "Owner" is 257 characters; AWS takes at most 256\. Fix: /);
    expectRefused(withTags({ "Cost#Center": "x" }), /dev: tags\.Cost#Center: the tag key "Cost#Center" \(value "x"\) has characters AWS refuses in tags\. Fix: use letters, digits, spaces and _ \. : \/ = \+ - @ only/);
    expectRefused(withTags({ Owner: "a;b" }), /dev: tags\.Owner: the value "a;b" of tag "Owner" has characters AWS refuses/);
    // Unicode letters, digits, spaces and the allowed symbols pass; an empty value is a value.
    expect(accepted(withTags({ "Équipe Plateforme": "données/été 2026", "team:email": "ops+alerts@acme.io", Empty: "" }))[0]!.tags["Empty"]).toBe("");
  });

  it("refuses more tags than fit in AWS's 50 per resource beside the aspect's and a resource's own", () => {
    const room = AWS_TAG_RULES.maxTagsPerResource - MOST_OWN_TAGS_ON_A_RESOURCE - tagsOnEveryResource({}).length;
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`Key${i}`, "v"]));
    expect(accepted(withTags(many(room)))[0]!.tags).toEqual(many(room));
    expectRefused(withTags(many(room + 1)), new RegExp(`dev: tags: ${room + 1} tags, with the tagging aspect's Project, Environment and ManagedBy ${room + 4} on every resource.*more than AWS's 50 tags per resource\\. Fix: keep tags at ${room} or fewer`));
    // A key the aspect sets already counts once.
    expect(accepted(withTags({ ...many(room), Project: "pipeops" }))).toHaveLength(3);
  });

  it("counts as many own tags on a resource as the synthesized stacks set at most (a subnet's four)", () => {
    const built = sharedTestApp(AWS);
    const everywhere = new Set(tagsOnEveryResource(COMMON_TAGS));
    let most = 0;
    // Platform stacks hold Kubernetes and Helm objects only: no AWS tags.
    for (const stack of (built.app.node.children as TerraformStack[]).filter((s) => !s.node.id.endsWith("-platform"))) {
      for (const resources of Object.values(synthStack(built, stack.node.id).json.resource ?? {})) {
        for (const body of Object.values(resources)) {
          const tags = body["tags"] as Record<string, string> | undefined;
          if (!tags) continue;
          expect(Object.keys(tags).length).toBeLessThanOrEqual(AWS_TAG_RULES.maxTagsPerResource);
          most = Math.max(most, Object.keys(tags).filter((key) => !everywhere.has(key)).length);
        }
      }
    }
    expect(most).toBe(MOST_OWN_TAGS_ON_A_RESOURCE);
  });
});

describe("the state buckets' names by S3's naming rules", () => {
  const withPrefix = (bucketPrefix: string) => withDev((e) => ({ ...e, stateBackend: { ...e.stateBackend, bucketPrefix } }));

  it("refuses a prefix that makes a bucket name S3 refuses, naming the field", () => {
    expectRefused(withPrefix("xn--state"), /dev: stateBackend\.bucketPrefix: "xn--state" makes the state buckets xn--state-dev-111111111111 and xn--state-dev-111111111111-logs; a bucket name must not start with "xn--", which S3 reserves.*Fix: choose another prefix/);
    expectRefused(withPrefix("sthree-state"), /bucketPrefix: "sthree-state".*must not start with "sthree-"/);
    expectRefused(withPrefix("amzn-s3-demo-state"), /must not start with "amzn-s3-demo-"/);
    expect(accepted(withPrefix("acme-tfstate"))[0]!.stateBackend.bucketPrefix).toBe("acme-tfstate");
  });

  it("checks every rule of the S3 user guide", () => {
    expect(s3BucketNameProblems("acme-tfstate-dev-111111111111")).toEqual([]);
    expect(s3BucketNameProblems("ab")).toEqual(["is 2 characters long; S3 takes 3 to 63"]);
    expect(s3BucketNameProblems("a".repeat(64))).toEqual(["is 64 characters long; S3 takes 3 to 63"]);
    expect(s3BucketNameProblems("Acme_State")).toEqual(["may hold only lowercase letters, digits, periods and hyphens", "must begin and end with a letter or digit"]);
    expect(s3BucketNameProblems("acme..state")).toEqual(["must not contain two adjacent periods"]);
    expect(s3BucketNameProblems("192.168.5.4")).toEqual(["must not be formatted as an IP address"]);
    for (const prefix of S3_BUCKET_NAME_RULES.reservedPrefixes) expect(s3BucketNameProblems(`${prefix}state`)).toEqual([`must not start with "${prefix}", which S3 reserves`]);
    for (const suffix of S3_BUCKET_NAME_RULES.reservedSuffixes) expect(s3BucketNameProblems(`state${suffix}`)).toEqual([`must not end with "${suffix}", which S3 reserves`]);
    expect(s3BucketNameProblems("state-an")).toEqual(['must not end with "-an", which S3 keeps for buckets of an account regional namespace']);
  });
});

describe("RDS classes against the recorded list for PostgreSQL", () => {
  const withClass = (instanceClass: string) => withDev((e) => ({ ...e, database: { ...e.database, instanceClass } }));

  it("refuses a class that does not exist and one RDS for PostgreSQL retired", () => {
    expectRefused(withClass("db.m5.3xlarge"), /dev: database\.instanceClass: db\.m5\.3xlarge is not a DB instance class RDS offers for PostgreSQL \(db\.m5 sizes for PostgreSQL: 12xlarge, 16xlarge, 24xlarge, 2xlarge, 4xlarge, 8xlarge, large, xlarge\)\. Fix: use an offered class.*rds-postgres-instance-classes\.json/);
    expectRefused(withClass("db.m1.large"), /dev: database\.instanceClass: db\.m1\.large is not a DB instance class RDS offers for PostgreSQL \(no db\.m1 class runs PostgreSQL; the types that do: db\.m5, /);
    // Only for PostgreSQL 12 and lower in the source: refused too.
    expectRefused(withClass("db.t2.medium"), /db\.t2\.medium is not a DB instance class RDS offers for PostgreSQL/);
    expect(accepted(withClass("db.r6g.2xlarge"))[0]!.database.instanceClass).toBe("db.r6g.2xlarge");
  });

  it("records where the list comes from, and holds the shipped environments' classes", () => {
    expect(dbInstanceClassCatalog().source).toMatch(/Supported DB engines for DB instance classes.*awsdocs\/amazon-rds-user-guide at f2e9ed3/);
    for (const env of [dev, staging, prod]) expect(isOfferedForPostgres(env.database.instanceClass), env.name).toBe(true);
  });
});

describe("the versions catalog against the recorded support windows", () => {
  const today = "2026-12-07";
  const issuesOf = (kubernetes: string, postgres: string) => catalogIssues({ kubernetes: { version: kubernetes }, postgres: { majorVersion: postgres } }, today).map((i) => `${i.environment}: ${i.path}: ${i.message}`);

  it("accepts the catalog as it is, inside standard support", () => {
    expect(catalogIssues(CATALOG_VERSIONS, today)).toEqual([]);
    expect(KUBERNETES.standardSupportEnds).toBe(EKS_KUBERNETES_CALENDAR.versions.find((v) => v.version === KUBERNETES.version)!.standardSupportEnds);
    expect(POSTGRES.standardSupportEnds).toBe(RDS_POSTGRES_CALENDAR.versions.find((v) => v.version === POSTGRES.majorVersion)!.standardSupportEnds);
  });

  it("refuses versions AWS does not offer, naming the catalog entry and the fix", () => {
    expect(issuesOf("1.99", POSTGRES.majorVersion)).toEqual([expect.stringMatching(/^versions catalog: KUBERNETES\.version: "1\.99" is not a Kubernetes version EKS offers \(the recorded calendar lists 1\.36, 1\.35, 1\.34, 1\.33, 1\.32\)\. Fix: use one in standard support \(1\.36, 1\.35\)/)]);
    expect(issuesOf(KUBERNETES.version, "99")).toEqual([expect.stringMatching(/^versions catalog: POSTGRES\.majorVersion: "99" is not a PostgreSQL major RDS offers .*Fix: use one in standard support \(18, 17, 16, 15, 14\)/)]);
  });

  it("refuses versions past standard support, a PostgreSQL version with a minor and a Kubernetes patch version", () => {
    expect(issuesOf("1.34", POSTGRES.majorVersion)).toEqual([expect.stringMatching(/KUBERNETES\.version: 1\.34 left AWS standard support on 2026-12-02 \(extended support, at extra cost, until 2027-12-02\)\. Fix: upgrade/)]);
    expect(issuesOf(KUBERNETES.version, "13")).toEqual([expect.stringMatching(/POSTGRES\.majorVersion: 13 left AWS standard support on 2026-02-28/)]);
    expect(issuesOf(KUBERNETES.version, "17.2")).toEqual([expect.stringMatching(/POSTGRES\.majorVersion: "17\.2" names a minor version; the catalog pins the PostgreSQL major only.*Fix: set POSTGRES\.majorVersion to "17"\./)]);
    expect(issuesOf("1.36.1", POSTGRES.majorVersion)).toEqual([expect.stringMatching(/KUBERNETES\.version: "1\.36\.1" is not a Kubernetes minor version as EKS takes it.*Fix: write the major and minor only/)]);
  });

  it("are refused by validation, with the environments' own problems, before anything is built", () => {
    const bad = { kubernetes: { version: "1.99" }, postgres: { majorVersion: "99" } };
    let error: unknown;
    try {
      validateEnvironments([{ ...structuredClone(dev), region: "mars-1" } as EnvironmentInput], () => [], AWS, bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => `${i.environment}: ${i.path}`)).toEqual(["versions catalog: KUBERNETES.version", "versions catalog: POSTGRES.majorVersion", "dev: region"]);
  });
});

describe("fields without effect and names derived from the project", () => {
  it("refuses desiredSize on an Auto Mode node group, and keeps it for managed node groups", () => {
    const group = dev.eks.nodeGroups[0]!;
    expectRefused(withDev((e) => ({ ...e, eks: { ...e.eks, nodeGroups: [{ ...group, desiredSize: 3 }] } })), /dev: eks\.nodeGroups\[0\]\.desiredSize: 3 in node group "general" has no effect: EKS Auto Mode starts the nodes pods need.*Fix: remove desiredSize/);
    const managed = withDev((e) => ({ ...e, eks: { ...e.eks, computeMode: "managed-node-groups", nodeGroups: [{ ...group, capacityType: "ON_DEMAND", desiredSize: 3 }] }, platform: { ...e.platform, loadBalancerController: { enabled: true } } }));
    expect(accepted(managed)[0]!.eks.nodeGroups[0]!.desiredSize).toBe(3);
  });

  it("refuses a project with a trailing or double dash, naming project and not a derived name", () => {
    const error = expectRefused(withDev((e) => ({ ...e, project: "pipeops-" })), /dev: project: "pipeops-": must be 2-21 lowercase letters, digits or single dashes, starting with a letter and ending with a letter or digit.*Fix: use a short project name/);
    expect(error.message).not.toMatch(/pipeops--dev/);
    expectRefused(withDev((e) => ({ ...e, project: "acme--shop" })), /dev: project: "acme--shop": must be/);
    expect(accepted(withDev((e) => ({ ...e, project: "acme-shop" })))[0]!.project).toBe("acme-shop");
  });
});

describe("config files that fail while loading", () => {
  it("reports prod without node groups with prod's own message, where DR's file used to throw at import", () => {
    const prodWithoutCapacity = { ...structuredClone(prod), eks: { ...prod.eks, nodeGroups: [] } };
    const dr = drOf(prodWithoutCapacity);
    expect(dr.eks.nodeGroups.map((g) => g.name)).toEqual(["standby"]);
    const error = expectRefused([dev, staging, prodWithoutCapacity, dr], /prod: eks\.nodeGroups: auto-mode mode has no capacity: no node groups are listed\. Fix: add one/);
    // Only prod's own problems (no capacity, and so too few nodes for its Argo CD): none in DR.
    expect(new Set(error.issues.map((i) => i.environment))).toEqual(new Set(["prod"]));
  });

  it("reports an error thrown while a config file loads like a schema error, beside every other problem", () => {
    const broken = configFrom("dr/config.ts", "dr", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'nodeGroups')");
    });
    const error = expectRefused([{ ...structuredClone(dev), region: "mars-1" } as EnvironmentInput, staging, prod, broken],
      /dev: region: unknown AWS region/,
      /dr: \(dr\/config\.ts\): loading the file failed with TypeError: Cannot read properties of undefined \(reading 'nodeGroups'\), so none of its fields could be checked\. Fix: correct dr\/config\.ts/);
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});

describe("documentation placeholders on the AWS target", () => {
  it("knows the names RFC 2606 and RFC 6761 reserve", () => {
    for (const name of ["example.com", "pipeops.example.com", "git.example.org", "x.example.net", "svc.test", "a.example", "b.invalid", "localhost"]) expect(reservedDomainOf(name), name).toBeDefined();
    for (const name of ["acme.io", "example.company.com", "myexample.com", "examples.org"]) expect(reservedDomainOf(name), name).toBeUndefined();
  });

  it("refuses the shipped placeholders with the field and the fix, and accepts real names", () => {
    let error: unknown;
    try {
      refusePlaceholders([dev, staging, prod, drOf(prod)]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/prod: dns\.zoneName: "pipeops\.example\.com" is a placeholder: example\.com is reserved for documentation \(RFC 2606, RFC 6761\), so on AWS it cannot work\. Fix: use your own domain/);
    expect(message).toMatch(/dev: alerts\.emails\[0\]: "platform-alerts@example\.com" is a placeholder.*Fix: use an address your team reads/);
    expect(message).toMatch(/dev: platform\.argocd\.gitopsRepoUrl: "https:\/\/git\.example\.com\/pipeops\/gitops\.git" is a placeholder/);
    expect(message).toMatch(/dr: dns\.zoneName:/);
    const real: EnvironmentInput = { ...structuredClone(prod), dns: { zoneName: "apps.acme.io" }, alerts: { emails: ["oncall@acme.io"], httpsEndpoints: ["https://events.pagerduty.com/x"] }, platform: { ...prod.platform, argocd: { ...prod.platform.argocd, gitopsRepoUrl: "https://github.com/acme/gitops.git" } } };
    expect(placeholderIssues(real)).toEqual([]);
    expect(() => refusePlaceholders([real])).not.toThrow();
    // With every other problem, in one pass.
    const withRegion = { ...structuredClone(dev), region: "mars-1" } as EnvironmentInput;
    expect(() => refusePlaceholders([withRegion], () => validateEnvironments([withRegion], () => []))).toThrow(/dev: region: unknown AWS region[\s\S]*dev: alerts\.emails\[0\]: "platform-alerts@example\.com" is a placeholder/);
  });

  it("leaves the emulator target and the template's synth alone", () => {
    expect(validateEnvironments([dev, staging, prod], () => [], LOCAL)).toHaveLength(3);
    expect(sharedTestApp(AWS).environments.map((env) => env.name)).toEqual(["dev", "staging", "prod", "dr"]);
  });
});

describe("no secret in any message", () => {
  const SECRETS = {
    password: "Zq8-pW3x-Lm2v",
    githubToken: `ghp_${"k3Y9".repeat(9)}`,
    queryToken: "tq7Rv2Xw9Hs4",
    awsAccessKey: "AKIAZ4EXAMPLEKEY7QX2",
  };
  const CARRIERS = [
    `https://deploy:${SECRETS.password}@git.acme.io/gitops.git`,
    `https://${SECRETS.githubToken}@github.com/acme/gitops.git`,
    `http://ci:${SECRETS.password}@hooks.acme.io/alerts`,
    `https://hooks.acme.io/alerts?token=${SECRETS.queryToken}`,
    `${SECRETS.awsAccessKey}`,
    `x-${SECRETS.githubToken}`,
  ];

  /** Every string field of a config, as paths, plus the optional ones the shipped dev leaves out. */
  function stringPaths(node: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (typeof node === "string") return [path];
    if (Array.isArray(node)) return node.flatMap((child, i) => stringPaths(child, [...path, i]));
    if (node && typeof node === "object") return Object.entries(node).flatMap(([key, child]) => stringPaths(child, [...path, key]));
    return [];
  }
  const OPTIONAL_STRINGS: (string | number)[][] = [
    ["alerts", "httpsEndpoints", 0], ["alerts", "emails", 1], ["dns", "zoneName"], ["eks", "adminPrincipalArns", 0], ["eks", "publicAccessCidrs", 0],
    ["platform", "policyEngine", "extraRegistries", 0], ["platform", "applicationNamespaces", 0, "name"], ["replication", "sourceEnvironment"],
  ];

  function withValue(path: (string | number)[], value: string): EnvironmentInput {
    const env = structuredClone(dev) as unknown as Record<string | number, unknown>;
    let node = env;
    path.slice(0, -1).forEach((key, i) => {
      node[key] ??= typeof path[i + 1] === "number" ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    });
    node[path.at(-1)!] = value;
    return env as unknown as EnvironmentInput;
  }

  function messagesOf(envs: readonly EnvironmentInput[]): string {
    const own = envs.flatMap((env) => checkEnvironment(env).issues.map((i) => `${i.environment} ${i.path} ${i.message}`));
    try {
      validateEnvironments(envs, () => []);
      return own.join("\n");
    } catch (error) {
      return [...own, (error as Error).message].join("\n");
    }
  }

  const leak = (text: string) => Object.values(SECRETS).filter((secret) => text.includes(secret));

  it("never repeats a credential put into any field, an unknown field, a tag or a failing config file", () => {
    const paths = [...stringPaths(dev), ...OPTIONAL_STRINGS];
    expect(paths.length).toBeGreaterThan(30);
    let refusals = 0;
    for (const carrier of CARRIERS) {
      const cases: EnvironmentInput[] = [
        ...paths.map((path) => withValue(path, carrier)),
        { ...structuredClone(dev), [carrier]: "x" } as EnvironmentInput,
        { ...structuredClone(dev), tags: { [carrier]: carrier } },
        configFrom("environments/dev.ts", "dev", () => {
          throw new Error(`could not read ${carrier}`);
        }),
      ];
      for (const env of cases) {
        const text = messagesOf([env]);
        if (text.includes("Fix:")) refusals++;
        expect(leak(text), text).toEqual([]);
      }
    }
    // Most of those were refused (the rest are values a field may hold, such as a tag key).
    expect(refusals).toBeGreaterThan(paths.length * CARRIERS.length * 0.8);
  });

  it("says a credential was found in an alert URL or the GitOps URL, names the field and shows the value redacted", () => {
    const cases: [EnvironmentInput, RegExp][] = [
      [withValue(["alerts", "httpsEndpoints", 0], CARRIERS[2]!), /alerts\.httpsEndpoints\[0\]: a credential was found in the URL \(http:\/\/\[redacted\]@hooks\.acme\.io\/alerts\)/],
      [withValue(["alerts", "httpsEndpoints", 0], CARRIERS[3]!), /alerts\.httpsEndpoints\[0\]: a credential was found in the URL \(https:\/\/hooks\.acme\.io\/alerts\?token=\[redacted\]\)/],
      [withValue(["platform", "argocd", "gitopsRepoUrl"], CARRIERS[0]!), /platform\.argocd\.gitopsRepoUrl: a credential was found in the URL \(https:\/\/\[redacted\]@git\.acme\.io\/gitops\.git\).*Fix: remove it from the URL and revoke it/],
      [withValue(["platform", "argocd", "gitopsRepoUrl"], CARRIERS[1]!), /platform\.argocd\.gitopsRepoUrl: a credential was found in the URL \(https:\/\/\[redacted\]@github\.com\/acme\/gitops\.git\)/],
    ];
    for (const [env, pattern] of cases) {
      const issues = checkEnvironment(env).issues.map((i) => `${i.path}: ${i.message}`);
      expect(issues).toEqual([expect.stringMatching(pattern)]);
    }
  });

  it("redacts URL credentials, credential query parameters and known token formats, and nothing else", () => {
    expect(redactSecrets(`see https://u:${SECRETS.password}@h.io/p and ${SECRETS.githubToken}, ${SECRETS.awsAccessKey}`)).toBe("see https://[redacted]@h.io/p and [redacted], [redacted]");
    expect(redactSecrets(`https://h.io/x?a=1&api_key=${SECRETS.queryToken}#f`)).toBe("https://h.io/x?a=1&api_key=[redacted]#f");
    const plain = "dev: tags.Owner: platform-alerts@example.com, arn:aws:iam::111111111111:role/admin, https://events.pagerduty.com/integration/abc/enqueue";
    expect(redactSecrets(plain)).toBe(plain);
  });
});
