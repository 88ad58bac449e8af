import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { marked, type Token, type Tokens } from "marked";
import { analysePlan, type TerraformPlan } from "../../src/plan-comment/plan";
import { GITHUB_COMMENT_LIMIT, markStale, renderComment, renderSynthFailure, type StackEntry } from "../../src/plan-comment/render";
import { parseDiagnostics, redactDiagnosticsFile, redactText } from "../../src/plan-comment/diagnostics";
import { stackEntries } from "../../src/plan-comment/command";
import { reviewRank } from "../../src/plan-comment/ci-stacks";

/**
 * What a reviewer must see in the plan comment, checked against Terraform's own rendering of the
 * same plans (__tests__/fixtures/plans: <name>.json, Terraform's `terraform show` text <name>.txt,
 * the diagnostics of `terraform plan -json` <name>.diagnostics.json; see capture.ts there).
 */

const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const read = (file: string) => {
  const path = join(FIXTURES, file);
  return path.endsWith(".gz") ? gunzipSync(readFileSync(path)).toString("utf8") : readFileSync(path, "utf8");
};
const diagnosticsOf = (name: string) => (existsSync(join(FIXTURES, `${name}.diagnostics.json`)) ? parseDiagnostics(read(`${name}.diagnostics.json`)) : []);
const planOf = (name: string, options: { refreshOnly?: boolean } = {}) =>
  analysePlan(name, JSON.parse(read(`${name}.json`)) as TerraformPlan, { ...options, diagnostics: diagnosticsOf(name) });
/** Terraform's own summary line in its rendering of the plan. */
const terraformLine = (name: string) => /^(Plan: .*|No changes\..*)$/m.exec(read(`${name}.txt`))?.[1];
const SECRET_VALUES = ["s3cr3t-1", "s3cr3t-2"];

const FIXTURE_PLANS = ["create", "no-op", "update", "replace", "trust-policy", "deprecation", "drift", "moved-import-forget", "destroy"];

/** Structural problems a Markdown parser finds: unbalanced sections, broken tables, unclosed fences. */
function markdownProblems(markdown: string): string[] {
  const problems: string[] = [];
  const tokens = marked.lexer(markdown);
  let open = 0;
  const walk = (list: readonly Token[]) => {
    for (const token of list) {
      if (token.type === "html") {
        open += (token.raw.match(/<details>/g) ?? []).length - (token.raw.match(/<\/details>/g) ?? []).length;
        if (open < 0) problems.push("a </details> without its <details>");
      }
      if (token.type === "code" && /<\/?details>|^### /m.test((token as Tokens.Code).text)) problems.push(`a code block swallowed the structure: ${(token as Tokens.Code).text.slice(0, 80)}`);
      if (token.type === "table") {
        const table = token as Tokens.Table;
        if (table.rows.some((row) => row.length !== table.header.length)) problems.push("a table row with the wrong number of cells");
      }
      if ("tokens" in token && Array.isArray(token.tokens)) walk(token.tokens);
    }
  };
  walk(tokens);
  if (open !== 0) problems.push(`${open} <details> left open`);
  const fences = (markdown.match(/^`{3,}/gm) ?? []).length;
  if (fences % 2 !== 0) problems.push("an odd number of code fences");
  return problems;
}

describe.each(FIXTURE_PLANS)("the %s fixture", (name) => {
  const plan = planOf(name);
  const comment = renderComment([plan]);

  it("shows Terraform's own Plan line", () => {
    expect(terraformLine(name)).toBeDefined();
    expect(plan.planLine).toBe(terraformLine(name));
    expect(comment).toContain(`Terraform: \`${terraformLine(name)}\``);
  });

  it("reports drift exactly where Terraform does", () => {
    const terraformDrift = [...read(`${name}.txt`).matchAll(/^ {2}# (\S+) has (?:changed|been deleted)$/gm)].map((m) => m[1]);
    expect(plan.drift.map((d) => d.resource.address)).toEqual(terraformDrift);
  });

  it("never prints a secret, fits the limit and is well-formed Markdown", () => {
    for (const secret of SECRET_VALUES) expect(comment).not.toContain(secret);
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(markdownProblems(comment)).toEqual([]);
  });

  it("shows every attribute Terraform shows as changed", () => {
    // Terraform's text marks each changed attribute `~ name = a -> b`; the comment names each one.
    const changed = [...read(`${name}.txt`).matchAll(/^ {6}~ ([a-z_]+)\s+=/gm)].map((m) => m[1]!);
    for (const attribute of changed) expect(comment, attribute).toMatch(new RegExp(`^[-+] ${attribute}\\b|\\(known after apply\\): .*\\b${attribute}\\b`, "m"));
  });
});

describe("changes a reviewer could miss", () => {
  it("shows a one-word edit inside the role's trust policy, element by element", () => {
    const comment = renderComment([planOf("trust-policy")]);
    const path = 'assume_role_policy.Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]';
    expect(comment).toContain(`- ${path} = "repo:pipeops/infrastructure:ref:refs/heads/main"\n+ ${path} = "repo:pipeops/infrastructure:ref:refs/heads/release"`);
    // Only the changed element: the audience condition did not change.
    expect(comment).not.toContain("aud");
  });

  it("shows the changed element of a long list inside a block", () => {
    const subnets = (n: number) => Array.from({ length: n }, (_, i) => `subnet-0000000000000${i}`);
    const plan = analysePlan("prod", {
      format_version: "1.2",
      resource_changes: [
        {
          address: "aws_eks_cluster.main",
          type: "aws_eks_cluster",
          name: "main",
          mode: "managed",
          change: { actions: ["update"], before: { vpc_config: [{ subnet_ids: subnets(9), endpoint_private_access: true }] }, after: { vpc_config: [{ subnet_ids: [...subnets(8), "subnet-0000000000000x"], endpoint_private_access: true }] } },
        },
      ],
    });
    const comment = renderComment([plan]);
    expect(comment).toContain('- vpc_config[0].subnet_ids: "subnet-00000000000008"\n+ vpc_config[0].subnet_ids: "subnet-0000000000000x"');
  });

  it("shows a change at the end of a long string around the difference, never cut before it", () => {
    const before = `${"x".repeat(500)}-main`;
    const plan = analysePlan("dev", {
      format_version: "1.2",
      resource_changes: [{ address: "aws_ssm_parameter.p", type: "aws_ssm_parameter", name: "p", mode: "managed", change: { actions: ["update"], before: { value: before }, after: { value: `${"x".repeat(500)}-release` } } }],
    });
    const comment = renderComment([plan]);
    expect(comment).toMatch(/- value = "…x+-main"\n\+ value = "…x+-release"/);
  });

  it("writes (known after apply) as words, not as a quoted string", () => {
    const comment = renderComment([planOf("create")]);
    expect(comment).toContain("(known after apply)");
    expect(comment).not.toContain('"(known after apply)"');
  });

  it("renders moves, imports and forgets with what they mean, never as an empty section", () => {
    const plan = planOf("moved-import-forget");
    const comment = renderComment([plan]);
    expect(plan.counts).toMatchObject({ move: 1, forget: 1, import: 1 });
    expect(comment).toContain("Moved from `aws_s3_bucket.artifacts`; no attribute changes.");
    expect(comment).toContain("forget (remove from state, keep the object) <code>aws_kms_key.data</code>");
    expect(comment).toMatch(/imported/);
    expect(comment).toContain("⚠️ Warning: Some objects will no longer be managed by Terraform");
    expect(comment).not.toMatch(/<summary>[^\n]*<\/summary>\n\n\n<\/details>/);
  });
});

describe("drift", () => {
  it("is what Terraform reports: nothing in a plan whose only difference is the change it makes", () => {
    // The audit log's retention was set from 30 to 7 days by hand; the plan sets it back.
    const plan = planOf("drift");
    expect(plan.drift).toEqual([]);
    expect(renderComment([plan])).toContain("- retention_in_days = 7\n+ retention_in_days = 30");
  });

  it("is every changed object in a refresh-only plan, with the attributes that changed, not 'no changes'", () => {
    const plan = planOf("refresh-only", { refreshOnly: true });
    const comment = renderComment([plan]);
    const terraformDrift = [...read("refresh-only.txt").matchAll(/^ {2}# (\S+) has changed$/gm)].map((m) => m[1]);
    expect(plan.drift.map((d) => d.resource.address)).toEqual(terraformDrift);
    expect(terraformDrift).toContain("aws_cloudwatch_log_group.audit");
    expect(comment).not.toContain("no changes");
    expect(comment).toContain("This is a refresh-only plan");
    expect(comment).toContain("- retention_in_days = 30\n+ retention_in_days = 7");
    expect(markdownProblems(comment)).toEqual([]);
  });

  it("makes an applyable plan that changes no resource or output a refresh-only plan, flag or not (a no-op plan stays 'no changes')", () => {
    const unflagged = planOf("refresh-only");
    expect(unflagged.refreshOnly).toBe(true);
    expect(unflagged.planLine).toMatch(/^Refresh-only plan: \d+ objects? changed outside Terraform/);
    expect(unflagged.drift.map((d) => d.resource.address)).toEqual(planOf("refresh-only", { refreshOnly: true }).drift.map((d) => d.resource.address));
    expect(renderComment([unflagged])).not.toContain("no changes");
    const noOp = planOf("no-op");
    expect(noOp.refreshOnly).toBe(false);
    expect(noOp.planLine).toBe("No changes. Your infrastructure matches the configuration.");
  });

  it("in a normal plan keeps only the drifted attributes relevant to a planned change", () => {
    const drifted = { address: "aws_cloudwatch_log_group.a", type: "aws_cloudwatch_log_group", name: "a", mode: "managed" as const };
    const plan = analysePlan("dev", {
      format_version: "1.2",
      resource_drift: [
        { ...drifted, change: { actions: ["update"], before: { retention_in_days: 30, tags: null }, after: { retention_in_days: 7, tags: {} } } },
        { ...drifted, address: "aws_iam_role.noise", change: { actions: ["update"], before: { tags: null }, after: { tags: {} } } },
      ],
      resource_changes: [{ ...drifted, change: { actions: ["update"], before: { retention_in_days: 7 }, after: { retention_in_days: 30 } } }],
      relevant_attributes: [{ resource: "aws_cloudwatch_log_group.a", attribute: ["retention_in_days"] }],
    });
    expect(plan.drift.map((d) => [d.resource.address, d.paths])).toEqual([["aws_cloudwatch_log_group.a", [["retention_in_days"]]]]);
    const comment = renderComment([plan]);
    expect(comment).toContain("1 resource changed outside Terraform since the last apply, in attributes this plan depends on");
    expect(comment).not.toContain("aws_iam_role.noise");
  });
});

describe("errors and warnings", () => {
  it("lists the warnings Terraform reported, once each", () => {
    const plan = planOf("deprecation");
    expect(plan.diagnostics.map((d) => `${d.severity}: ${d.summary}`)).toEqual(["warning: Argument is deprecated"]);
    const comment = renderComment([plan]);
    expect(comment).toContain("⚠️ Warning: Argument is deprecated");
    expect(comment).toContain("managed_policy_arns is deprecated");
  });

  it("quotes the error of a stack whose plan failed, in its section and in the summary", () => {
    const entries = stackEntries({ plans: [], expect: ["dr"], refreshOnly: false, plansDir: FIXTURES });
    expect(entries).toEqual([{ stack: "dr", missing: true, diagnostics: [] }]);
    const failed: StackEntry = { stack: "dr", missing: true, diagnostics: parseDiagnostics(read("failed.diagnostics.json")) };
    const comment = renderComment([failed]);
    expect(comment).toMatch(/\| `dr` \| – \| – \| – \| – \| ❌ no plan: Unable to find remote state \|/);
    expect(comment).toContain("❌ Error: Unable to find remote state");
    expect(comment).toContain("No stored state was found for the given workspace in the given backend.");
    expect(markdownProblems(comment)).toEqual([]);
  });

  it("removes secrets and Terraform's source snippets from saved diagnostics", () => {
    const raw = JSON.stringify([
      { severity: "error", summary: "bad", detail: "password = \"hunter2hunter2\" and AKIAABCDEFGHIJKLMNOP and ghp_abcdefghijklmnopqrstuvwxyz0123", snippet: { code: "secret_string = \"s3cr3t-1\"" } },
    ]);
    const saved = redactDiagnosticsFile(raw);
    for (const leaked of ["hunter2hunter2", "AKIAABCDEFGHIJKLMNOP", "ghp_abcdefghijklmnopqrstuvwxyz0123", "s3cr3t-1", "snippet"]) expect(saved).not.toContain(leaked);
    expect(redactText("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----")).toBe("(private key removed)");
  });

  it("says a failed synth planned nothing, with the error, so no older plan stays up unmarked", () => {
    const comment = renderSynthFailure(parseDiagnostics("Error: dev: eks.version: 1.99 is not a supported version. Fix: use 1.34."), { commit: "0123456789abcdef", runUrl: "https://example.invalid/run/1" });
    expect(comment.startsWith("<!-- pipeops:terraform-plan -->\n")).toBe(true);
    expect(comment).toContain("`cdktf synth` failed at this commit, so no stack was planned.");
    expect(comment).toContain("eks.version: 1.99 is not a supported version");
    expect(markdownProblems(comment)).toEqual([]);
  });

  it("marks an earlier push's comment outdated until the new plans replace it, once", () => {
    const old = renderComment([planOf("update")], { commit: "aaaaaaaaaaaa1111" });
    const stale = markStale(old, { commit: "bbbbbbbbbbbb2222", runUrl: "https://example.invalid/run/2" });
    expect(stale.startsWith("<!-- pipeops:terraform-plan -->\n## Terraform plan\n")).toBe(true);
    expect(stale).toContain("**Outdated:** this plan is for commit `aaaaaaaaaaaa`, not for the pull request's head `bbbbbbbbbbbb`.");
    const again = markStale(stale, { commit: "cccccccccccc3333" });
    expect(again.match(/Outdated/g)).toHaveLength(1);
    expect(again).toContain("head `cccccccccccc`");
    expect(markdownProblems(again)).toEqual([]);
  });
});

describe("the budget, on the project's own stacks planned together", () => {
  const names = readdirSync(join(FIXTURES, "all-stacks")).filter((f) => f.endsWith(".json.gz") && !f.endsWith(".diagnostics.json.gz")).map((f) => f.replace(/\.json\.gz$/, ""));
  const plans = names.map((name) => analysePlan(name, JSON.parse(read(`all-stacks/${name}.json.gz`)) as TerraformPlan));
  const failed: StackEntry[] = readdirSync(join(FIXTURES, "all-stacks"))
    .filter((f) => f.endsWith(".diagnostics.json.gz") && !names.includes(f.replace(/\.diagnostics\.json\.gz$/, "")))
    .map((f) => ({ stack: f.replace(/\.diagnostics\.json\.gz$/, ""), missing: true as const, diagnostics: parseDiagnostics(read(`all-stacks/${f}`)) }));
  const entries = [...plans, ...failed].sort((a, b) => reviewRank(a.stack) - reviewRank(b.stack));
  const runUrl = "https://github.com/pipeops/infrastructure/actions/runs/1";
  const comment = renderComment(entries, { runUrl });

  it("orders prod and DR before staging and dev", () => {
    expect(entries.map((e) => e.stack)).toEqual(["prod", "dr", "staging", "dev"]);
    const headings = [...comment.matchAll(/^### `(\w+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual(["prod", "dr", "staging", "dev"]);
  });

  it("keeps every stack's heading, Terraform's Plan line and errors, within the limit", () => {
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    for (const plan of plans) expect(comment).toContain(`Terraform: \`${plan.planLine}\``);
    for (const plan of plans) expect(plan.planLine).toBe(/^(Plan: .*)$/m.exec(read(`all-stacks/${plan.stack}.txt.gz`))?.[1]);
    // DR before prod exists: the project's guard stops the plan with a message naming the fix.
    expect(comment).toMatch(/\| `dr` \| – \| – \| – \| – \| ❌ no plan: Resource precondition failed \|/);
    expect(comment).toContain("prod's state has no db_instance_arn output. Apply prod's core stack first: cdktf deploy prod");
    expect(markdownProblems(comment)).toEqual([]);
  });

  it("gives prod's resources room before dev's, and says per stack what was cut, with a link", () => {
    const shown = (stack: string) => {
      const section = comment.slice(comment.indexOf(`### \`${stack}\``)).split(/^### /m)[1] ?? "";
      return (section.match(/<summary><code>/g) ?? []).length;
    };
    const prod = plans.find((p) => p.stack === "prod")!;
    expect(shown("prod")).toBeGreaterThan(0);
    expect(shown("prod")).toBeGreaterThanOrEqual(Math.min(prod.changes.length, shown("dev")));
    for (const plan of plans) {
      const hidden = plan.changes.length - shown(plan.stack);
      if (hidden > 0) expect(comment).toContain(`(${shown(plan.stack)} of ${plan.changes.length} changes shown). See [the full plan of \`${plan.stack}\`](${runUrl})`);
    }
  });
});
