import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analysePlan, type ResourceChange, type TerraformPlan } from "../../src/plan-comment/plan";
import { GITHUB_COMMENT_LIMIT, renderComment, type StackEntry } from "../../src/plan-comment/render";
import { redactPlan, REDACTED, REDACTED_CHANGED } from "../../src/plan-comment/redact";
import { parseArguments, runCommand, UsageError } from "../../src/plan-comment/command";

/**
 * The plan comment, fed with real `terraform show -json` plans captured against the local AWS
 * emulator (__tests__/fixtures/plans, see capture.ts there): a bucket, an IAM role, a KMS key and
 * a secret whose value is sensitive.
 */

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const fixtureFile = (name: string) => join(FIXTURES, `${name}.json`);
const fixture = (name: string) => JSON.parse(readFileSync(fixtureFile(name), "utf8")) as TerraformPlan;
const stack = (name: string, plan = name) => analysePlan(name, fixture(plan));
const bytes = (text: string) => Buffer.byteLength(text, "utf8");
/** The dummy secret values the fixture stack stores: they must never reach a comment. */
const SECRET_VALUES = ["s3cr3t-1", "s3cr3t-2"];

function summaryRow(comment: string, stackName: string): string {
  const row = comment.split("\n").find((line) => line.startsWith(`| \`${stackName}\` |`));
  if (!row) throw new Error(`no summary row for ${stackName}`);
  return row;
}

/** The collapsible section of one resource change (not the drift list, which names it too). */
function detailsOf(comment: string, address: string): string {
  const start = comment.split("<details>").find((section) => section.startsWith(`\n<summary><code>`) && section.includes(` <code>${address}</code>`));
  if (!start) throw new Error(`no details for ${address}`);
  return start.slice(0, start.indexOf("</details>"));
}

describe("plan fixtures", () => {
  it("are real plans of Terraform 1.11.4 with the AWS provider 5.100.0", () => {
    for (const name of ["create", "update", "replace", "destroy", "no-op"]) {
      const plan = fixture(name) as TerraformPlan & { configuration: { provider_config: { aws: { version_constraint: string } } } };
      expect(plan.terraform_version).toBe("1.11.4");
      expect(plan.configuration.provider_config.aws.version_constraint).toBe("5.100.0");
    }
  });
});

describe("summary counts per stack", () => {
  it.each([
    ["create", { add: 6, change: 0, replace: 0, destroy: 0 }],
    ["update", { add: 0, change: 2, replace: 0, destroy: 0 }],
    ["replace", { add: 0, change: 0, replace: 3, destroy: 0 }],
    ["destroy", { add: 0, change: 0, replace: 0, destroy: 6 }],
    ["no-op", { add: 0, change: 0, replace: 0, destroy: 0 }],
  ])("counts the %s plan", (name, counts) => {
    expect(stack(name).counts).toMatchObject(counts);
    const comment = renderComment([stack(name)]);
    expect(summaryRow(comment, name)).toMatch(new RegExp(`^\\| \`${name}\` \\| ${counts.add} \\| ${counts.change} \\| ${counts.replace} \\| ${counts.destroy} \\|`));
  });

  it("adds a total row across several plans, in the order given", () => {
    const comment = renderComment([stack("dev", "create"), stack("staging", "update"), stack("prod", "replace")]);
    const rows = comment.split("\n").filter((line) => line.startsWith("| `") || line.startsWith("| **Total**"));
    expect(rows.map((row) => row.split("|")[1]!.trim())).toEqual(["`dev`", "`staging`", "`prod`", "**Total**"]);
    expect(rows[3]).toBe("| **Total** | **6** | **2** | **3** | **0** | |");
  });

  it("reports an expected stack without a plan as failed", () => {
    const comment = renderComment([stack("dev", "create"), { stack: "dev-platform", missing: true }]);
    expect(summaryRow(comment, "dev-platform")).toContain("no plan: the plan job failed");
    expect(comment).toContain("1 stack has no plan: `dev-platform`");
    expect(comment).toContain("### `dev-platform`: no plan");
  });
});

describe("destructive changes", () => {
  const comment = renderComment([stack("dev", "update"), stack("staging", "create"), stack("prod", "replace"), stack("dr", "destroy")]);

  it("are called out before any stack's details, in a list naming the stack", () => {
    const callout = comment.indexOf("### ⚠️ Destructive changes");
    expect(callout).toBeGreaterThan(comment.indexOf("| **Total**"));
    expect(callout).toBeLessThan(comment.indexOf("### `dev`"));
    const list = comment.slice(callout, comment.indexOf("### `dev`"));
    expect(list).toContain("- **replace** `aws_s3_bucket.artifacts` in `prod` (forced by `bucket`)");
    expect(list).toContain("- **replace** `aws_iam_role.app` in `prod` (forced by `name`; new object created before the old one is destroyed)");
    expect(list).toContain("- **destroy** `aws_kms_key.data` in `dr`");
    expect(list.match(/^- \*\*/gm)).toHaveLength(9);
  });

  it("are flagged in the summary and in a caution at the top", () => {
    expect(summaryRow(comment, "prod")).toContain("⚠️ destructive");
    expect(summaryRow(comment, "dev")).not.toContain("destructive");
    expect(comment).toContain("**9 resources will be destroyed or replaced.**");
  });

  it("come first within a stack's details", () => {
    const mixed = analysePlan("mixed", {
      format_version: "1.2",
      resource_changes: [...fixture("create").resource_changes!.slice(0, 2), ...fixture("destroy").resource_changes!.slice(2, 3), ...fixture("update").resource_changes!],
    });
    expect(mixed.changes.map((c) => c.kind)).toEqual(["destroy", "create", "create", "update", "update"]);
    const text = renderComment([mixed]);
    expect(text.indexOf("destroy <code>aws_s3_bucket.artifacts</code>")).toBeLessThan(text.indexOf("create <code>aws_iam_role.app</code>"));
  });
});

describe("per-resource details", () => {
  it("puts every changed resource in its own collapsible section", () => {
    const comment = renderComment([stack("replace")]);
    expect(comment.match(/<details>/g)).toHaveLength(3); // three replacements; Terraform reports no drift here
    expect(comment.match(/<\/details>/g)).toHaveLength(3);
    expect(comment).toContain("<summary><code>-/+</code> replace <code>aws_s3_bucket.artifacts</code> (forced by bucket)</summary>");
    expect(comment).toContain("<summary><code>+/-</code> replace <code>aws_iam_role.app</code>");
    // A blank line after each section, or the Markdown after it would not render.
    expect(comment).not.toMatch(/<\/details>\n[^\n]/);
  });

  it("shows in-place updates attribute by attribute, map keys one by one", () => {
    const details = detailsOf(renderComment([stack("update")]), "aws_s3_bucket.artifacts");
    expect(details).toContain('- tags.Tier = "fixture"\n+ tags.Tier = "fixture-updated"');
    expect(details).not.toContain("tags.Name");
    expect(detailsOf(renderComment([stack("update")]), "aws_kms_key.data")).toContain('- description = "Fixture key"\n+ description = "Fixture key (updated)"');
  });

  it("marks the attributes that force a replacement", () => {
    const details = detailsOf(renderComment([stack("replace")]), "aws_s3_bucket.artifacts");
    expect(details).toContain('- bucket = "pipeops-fixture-artifacts"  # forces replacement\n+ bucket = "pipeops-fixture-artifacts-v2"  # forces replacement');
    expect(details).toMatch(/# \(known after apply\): .*\barn\b/);
  });

  it("lists a new resource's configured values and what is known only after apply", () => {
    const details = detailsOf(renderComment([stack("create")]), "aws_s3_bucket.artifacts");
    expect(details).toContain('+ bucket = "pipeops-fixture-artifacts"');
    expect(details).toContain('+ tags.Name = "artifacts"');
    expect(details).toMatch(/# \(known after apply\): .*\bid\b/);
  });

  it("names a destroyed resource by its identity", () => {
    const details = detailsOf(renderComment([stack("destroy")]), "aws_iam_role.app");
    expect(details).toContain('- arn = "arn:aws:iam::123456789012:role/pipeops-fixture-app"');
  });

  it.each(["create", "replace", "destroy", "update", "no-op"])("never prints a sensitive value (%s plan)", (name) => {
    const comment = renderComment([stack(name)]);
    for (const secret of SECRET_VALUES) expect(comment).not.toContain(secret);
  });

  it("says that a sensitive attribute changes without showing it", () => {
    expect(detailsOf(renderComment([stack("create")]), "aws_secretsmanager_secret_version.db-value")).toContain("+ secret_string = (sensitive value)");
    expect(detailsOf(renderComment([stack("replace")]), "aws_secretsmanager_secret_version.db-value")).toContain(
      "- secret_string = (sensitive value)  # forces replacement\n+ secret_string = (sensitive value)  # forces replacement",
    );
  });

  it("escapes HTML in summaries and fences code that holds backticks", () => {
    const plan: TerraformPlan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: 'aws_ssm_parameter.x["<b>"]',
          type: "aws_ssm_parameter",
          name: "x",
          mode: "managed",
          change: { actions: ["update"], before: { value: "a" }, after: { value: "```js\nalert(1)\n```" } },
        },
      ],
    };
    const comment = renderComment([analysePlan("dev", plan)]);
    expect(comment).toContain("<code>aws_ssm_parameter.x[&quot;&lt;b&gt;&quot;]</code>");
    expect(comment).toContain("````diff");
  });
});

describe("no-op plans", () => {
  const comment = renderComment([stack("dev", "no-op")]);

  it("say there is nothing to change, with no resource sections", () => {
    expect(summaryRow(comment, "dev")).toMatch(/^\| `dev` \| 0 \| 0 \| 0 \| 0 \| no changes/);
    expect(comment).toContain("### `dev`: no changes");
    expect(comment).toContain("Terraform: `No changes. Your infrastructure matches the configuration.`");
    expect(comment).not.toMatch(/<summary><code>/);
    expect(comment).not.toContain("Destructive changes");
  });

  it("report no drift, as Terraform does when nothing is planned (the emulator's tags read back as {} are noise)", () => {
    expect(summaryRow(comment, "dev")).not.toContain("changed outside Terraform");
    expect(comment).not.toContain("changed outside Terraform");
  });
});

describe("the comment size limit", () => {
  /** A plan with `count` replaced resources, each with a long attribute, plus one update per resource. */
  function hugePlan(count: number): TerraformPlan {
    const changes: ResourceChange[] = [];
    for (let i = 0; i < count; i++) {
      const policy = JSON.stringify({ Statement: Array.from({ length: 30 }, (_, s) => ({ Sid: `S${i}x${s}`, Effect: "Allow", Action: "s3:GetObject", Resource: "*" })) });
      changes.push({
        address: `module.tenant_${i}.aws_s3_bucket.data`,
        type: "aws_s3_bucket",
        name: "data",
        mode: "managed",
        change: {
          actions: ["delete", "create"],
          before: { bucket: `tenant-${i}`, policy, tags: { Owner: "a" } },
          after: { bucket: `tenant-${i}-v2`, policy: `${policy} `, tags: { Owner: "b" } },
          replace_paths: [["bucket"]],
        },
      });
      changes.push({
        address: `module.tenant_${i}.aws_iam_role.app`,
        type: "aws_iam_role",
        name: "app",
        mode: "managed",
        change: { actions: ["update"], before: { description: "old ".repeat(100) }, after: { description: "new ".repeat(100) } },
      });
    }
    return { format_version: "1.2", resource_changes: changes };
  }

  const entries: StackEntry[] = [
    analysePlan("dev", hugePlan(1500)),
    analysePlan("staging", hugePlan(400)),
    analysePlan("prod", fixture("update")),
    { stack: "dr", missing: true },
  ];
  const comment = renderComment(entries, { runUrl: "https://github.com/pipeops/infrastructure/actions/runs/1" });

  it(`stays under GitHub's ${GITHUB_COMMENT_LIMIT}-character limit, counted in characters and in bytes`, () => {
    expect(comment.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(bytes(comment)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(bytes(comment)).toBeGreaterThan(GITHUB_COMMENT_LIMIT / 2);
  });

  it("keeps the summary whole", () => {
    expect(summaryRow(comment, "dev")).toMatch(/^\| `dev` \| 0 \| 1500 \| 1500 \| 0 \| ⚠️ destructive/);
    expect(summaryRow(comment, "staging")).toMatch(/^\| `staging` \| 0 \| 400 \| 400 \| 0 \|/);
    expect(summaryRow(comment, "prod")).toMatch(/^\| `prod` \| 0 \| 2 \| 0 \| 0 \|/);
    expect(summaryRow(comment, "dr")).toContain("no plan");
    expect(comment).toContain("| **Total** | **0** | **1902** | **1900** | **0** | |");
    expect(comment).toContain("**1900 resources will be destroyed or replaced.**");
  });

  it("cuts the destructive list and the details, and says so", () => {
    expect(comment).toMatch(/- _…and \d+ more: see the stacks below/);
    expect(comment).toMatch(/The details were cut to keep this comment under GitHub's 65,536-character limit: \d+ resource changes are not shown/);
    expect(comment).toMatch(/_Not shown in `dev`: \d+ replacements, \d+ updates \(\d+ of 3000 changes shown\)\. See \[the full plan of `dev`\]\(https:/);
  });

  it("never cuts a section in half", () => {
    expect(comment.match(/<details>/g)!.length).toBe(comment.match(/<\/details>/g)!.length);
    expect((comment.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it("still heads every stack that did not fit", () => {
    for (const name of ["dev", "staging", "prod", "dr"]) expect(comment).toContain(`### \`${name}\``);
  });

  it("cuts long values and long attribute lists of one resource", () => {
    const long = analysePlan("dev", {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_iam_policy.big",
          type: "aws_iam_policy",
          name: "big",
          mode: "managed",
          change: { actions: ["create"], before: null, after: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`attr${String(i).padStart(3, "0")}`, "x".repeat(5000)])) },
        },
      ],
    });
    const text = renderComment([long]);
    expect(text).toContain("… (4802 more characters)");
    expect(text).toContain("_…and 60 more attribute lines._");
    expect(bytes(text)).toBeLessThan(20_000);
  });
});

describe("redaction of plan files", () => {
  it.each(["create", "update", "replace", "destroy", "no-op"])("removes every sensitive value of the %s plan and keeps the masks", (name) => {
    const original = fixture(name);
    const redacted = redactPlan(original);
    const text = JSON.stringify(redacted);
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    expect(JSON.stringify(original)).toContain(SECRET_VALUES[0]!); // the input is left untouched
    const version = redacted.resource_changes!.find((rc) => rc.address === "aws_secretsmanager_secret_version.db-value")!;
    expect(version.change.after_sensitive).toEqual(original.resource_changes!.find((rc) => rc.address === version.address)!.change.after_sensitive);
  });

  it("keeps the fact that a sensitive value changes", () => {
    const version = redactPlan(fixture("replace")).resource_changes!.find((rc) => rc.address === "aws_secretsmanager_secret_version.db-value")!;
    expect(version.change.before).toMatchObject({ secret_string: REDACTED });
    expect(version.change.after).toMatchObject({ secret_string: REDACTED_CHANGED });
    const unchanged = redactPlan(fixture("no-op")).resource_changes!.find((rc) => rc.address === "aws_secretsmanager_secret_version.db-value")!;
    expect(unchanged.change.after).toMatchObject({ secret_string: REDACTED });
  });

  it("renders a redacted plan exactly like the original", () => {
    for (const name of ["create", "update", "replace", "destroy", "no-op"]) {
      expect(renderComment([analysePlan(name, redactPlan(fixture(name)))])).toBe(renderComment([stack(name)]));
    }
  });
});

describe("npm run plan:comment", () => {
  const work = mkdtempSync(join(tmpdir(), "pipeops-plan-comment-"));

  it("reads plan files named after their stacks and writes the comment", () => {
    const out = join(work, "comment.md");
    const comment = runCommand([fixtureFile("create"), `dev-platform=${fixtureFile("replace")}`, "--out", out, "--commit", "0123456789abcdef0123", "--title", "Terraform plan: merging into main"]);
    expect(readFileSync(out, "utf8")).toBe(comment);
    expect(comment.startsWith("<!-- pipeops:terraform-plan -->\n## Terraform plan: merging into main\n")).toBe(true);
    expect(comment).toContain("Commit `0123456789ab`");
    expect(summaryRow(comment, "create")).toBeDefined();
    expect(summaryRow(comment, "dev-platform")).toContain("⚠️ destructive");
  });

  it("orders the stacks as --expect lists them and reports the missing ones", () => {
    const comment = runCommand([`dev=${fixtureFile("no-op")}`, "--expect", "dev,dev-platform"]);
    expect(comment.indexOf("| `dev` |")).toBeLessThan(comment.indexOf("| `dev-platform` |"));
    expect(summaryRow(comment, "dev-platform")).toContain("no plan");
  });

  it("names the stacks pull requests do not plan (--deferred), and only when given", () => {
    const comment = runCommand([`dev=${fixtureFile("no-op")}`, "--expect", "dev", "--deferred", "dev-platform"]);
    expect(comment).toContain("> [!NOTE]\n> Not planned on pull requests: `dev-platform`. A pull-request plan reads no secret value");
    expect(comment).toContain("The deploy workflow plans it after the merge");
    expect(runCommand([`dev=${fixtureFile("no-op")}`, "--expect", "dev", "--deferred", ""])).not.toContain("Not planned on pull requests");
  });

  it("shows Infracost's monthly total and change per environment next to its budget, with --infracost", () => {
    const withBudget = (limit: string) => {
      const plan = fixture("no-op") as TerraformPlan & { resource_changes: ResourceChange[] };
      const budget = { address: "aws_budgets_budget.budget", mode: "managed", type: "aws_budgets_budget", name: "budget", change: { actions: ["no-op"], before: { limit_amount: limit }, after: { limit_amount: limit } } };
      return JSON.stringify({ ...plan, resource_changes: [...(plan.resource_changes ?? []), budget] });
    };
    const dir = mkdtempSync(join(work, "infracost-"));
    writeFileSync(join(dir, "prod.plan.json"), withBudget("2500.0"));
    writeFileSync(join(dir, "dev.plan.json"), withBudget("500.0"));
    const costs = mkdtempSync(join(work, "costs-"));
    // Infracost's output version 0.2: amounts are decimal strings, or null.
    writeFileSync(join(costs, "prod.json"), JSON.stringify({ version: "0.2", currency: "USD", totalMonthlyCost: "2212.5", diffTotalMonthlyCost: "35.2" }));
    writeFileSync(join(costs, "prod-platform.json"), JSON.stringify({ version: "0.2", currency: "USD", totalMonthlyCost: "0", diffTotalMonthlyCost: "0" }));
    writeFileSync(join(costs, "dev.json"), JSON.stringify({ version: "0.2", currency: "USD", totalMonthlyCost: "612.75", diffTotalMonthlyCost: "-12.25" }));
    const comment = runCommand([`dev=${join(dir, "dev.plan.json")}`, `prod=${join(dir, "prod.plan.json")}`, `prod-platform=${fixtureFile("no-op")}`, "--infracost", costs]);
    const rows = comment.split("\n").filter((line) => /^\| `(dev|prod)` \| \$/.test(line));
    expect(rows).toEqual(["| `prod` | $2,212.50 | +$35.20 | $2,500.00 (89 %) |", "| `dev` | $612.75 | −$12.25 | $500.00 (123 % ⚠️ over) |"]);
    expect(comment).toContain("| Environment | Monthly after this change | Change | Budget |");
    // Without --infracost (the job did not run): no cost table.
    expect(runCommand([`dev=${join(dir, "dev.plan.json")}`])).not.toContain("Monthly after this change");
    writeFileSync(join(costs, "dev.json"), "not json");
    expect(() => runCommand([`dev=${join(dir, "dev.plan.json")}`, "--infracost", costs])).toThrow(/dev\.json is not JSON\. Fix: write it with `infracost diff/);
  });

  it("renders a comment for a branch with nothing to plan", () => {
    expect(runCommand(["--expect", ""])).toContain("No stack is deployed from this branch");
  });

  it("redacts plan files in place with --redact", () => {
    const file = join(work, "replace.json");
    writeFileSync(file, readFileSync(fixtureFile("replace"), "utf8"));
    runCommand(["--redact", file]);
    const text = readFileSync(file, "utf8");
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    expect(analysePlan("replace", JSON.parse(text) as TerraformPlan).counts.replace).toBe(3);
  });

  it("refuses what is not a plan, naming the file and the fix", () => {
    const file = join(work, "broken.json");
    writeFileSync(file, "Terraform used the selected providers…");
    expect(() => runCommand([file])).toThrow(/broken\.json is not JSON\. Fix: save the plan with `terraform show -json/);
    writeFileSync(file, JSON.stringify({ hello: "world" }));
    expect(() => runCommand([file])).toThrow(/not `terraform show -json <planfile>` output/);
  });

  /**
   * A plan job's upload, as plan-stack.sh writes it: `<stack>.json` and `<stack>.diagnostics.json`
   * (an empty list when Terraform said nothing); a failed plan leaves only the diagnostics. Here
   * the real plan of the project's dev core stack and DR's real failure (prod not applied yet).
   */
  const artifacts = () => {
    const dir = mkdtempSync(join(work, "plans-"));
    writeFileSync(join(dir, "dev.json"), gunzipSync(readFileSync(join(FIXTURES, "all-stacks", "dev.json.gz"))));
    writeFileSync(join(dir, "dev.diagnostics.json"), "[]\n");
    writeFileSync(join(dir, "dr.diagnostics.json"), gunzipSync(readFileSync(join(FIXTURES, "all-stacks", "dr.diagnostics.json.gz"))));
    writeFileSync(join(dir, "staging.diagnostics.json"), JSON.stringify([{ severity: "error", summary: "Error acquiring the state lock", detail: "ConditionalCheckFailedException" }]));
    return dir;
  };

  it("reads the plans of a plan-artifact folder, never its diagnostics files as plans (the workflow's old `plans/*.json` did: exit 1)", () => {
    const dir = artifacts();
    expect(() => runCommand([join(dir, "dev.json"), join(dir, "dev.diagnostics.json"), "--plans-dir", dir])).toThrow(/dev\.diagnostics\.json holds Terraform's diagnostics, not a plan\. Fix: pass the plans' folder \(--plans-dir <dir>\)/);
    const comment = runCommand(["--plans-dir", dir, "--expect", "dev,staging,dr"]);
    expect(summaryRow(comment, "dev")).not.toContain("no plan");
    expect(summaryRow(comment, "staging")).toContain("❌ no plan: Error acquiring the state lock");
    // DR's plan waits for prod: a note, not a failure.
    expect(summaryRow(comment, "dr")).toContain("⏳ waiting for prod: apply `prod` first");
    expect(comment).toContain("### `dr`: waiting for prod");
    expect(comment).toMatch(/> \[!WARNING\]\n> 1 stack has no plan: `staging`\./);
    expect(comment).toMatch(/> \[!NOTE\]\n> `dr` waits for prod \(`prod` has not been applied\)/);
    // Missing folder (no plan job uploaded anything): every expected stack has no plan.
    expect(runCommand(["--plans-dir", join(dir, "none"), "--expect", "dev"])).toContain("1 stack has no plan: `dev`");
  });

  it("prints the environment a failed plan waits for with --waiting-for, nothing for any other failure", () => {
    const dir = artifacts();
    expect(runCommand(["--waiting-for", join(dir, "dr.diagnostics.json")])).toBe("prod\n");
    expect(runCommand(["--waiting-for", join(dir, "staging.diagnostics.json")])).toBe("");
    expect(runCommand(["--waiting-for", join(dir, "dev.diagnostics.json")])).toBe("");
  });

  it("refuses unknown options, no plans and duplicate stacks", () => {
    expect(() => parseArguments(["--colour"])).toThrow(UsageError);
    expect(() => parseArguments([])).toThrow(/at least one plan file \(terraform show -json output\) or --plans-dir/);
    expect(() => parseArguments(["dev=a.json", "dev=b.json"])).toThrow(/two plans for stack dev/);
    expect(parseArguments(["plans/dev-platform.json", "--max-length=20000"])).toMatchObject({ plans: [{ stack: "dev-platform", file: "plans/dev-platform.json" }], maxLength: 20000 });
  });
});
