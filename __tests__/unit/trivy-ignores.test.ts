import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { trivyIgnoreFile } from "../../src/guardrails/trivy-ignores";
import type { WaiverRecord } from "../../src/guardrails/report";
import { AWS, sharedReport } from "../support/synth";
import { WAIVERS } from "../../main";

interface TrivyIgnoreEntry {
  id: string;
  paths: string[];
  statement: string;
  expired_at?: string;
}

const record = (patch: Partial<WaiverRecord>): WaiverRecord => ({
  stack: "dev-bootstrap",
  resource: "dev-bootstrap/access-logs/bucket",
  rule: "AWS-0089",
  reason: "a reason long enough to pass the guardrails' own checks",
  status: "applied",
  matched: ["aws_s3_bucket.x"],
  ...patch,
});

describe("guardrail waivers exported as Trivy's ignore file", () => {
  it("has one entry per applied waiver of the shipped app", () => {
    const file = parse(trivyIgnoreFile(sharedReport(AWS).waivers)) as { misconfigurations: TrivyIgnoreEntry[] };
    expect(file.misconfigurations).toHaveLength(WAIVERS.length);
    for (const waiver of WAIVERS) {
      expect(file.misconfigurations).toContainEqual({ id: waiver.rule, paths: [`${waiver.stack}/cdk.tf.json`], statement: `${waiver.resource}: ${waiver.reason}` });
    }
  });

  it("carries the expiry, leaves out this project's own rules and waivers that matched nothing", () => {
    const text = trivyIgnoreFile([
      record({ expires: "2027-03-31" }),
      record({ rule: "PIPEOPS-0001" }),
      record({ rule: "AWS-0132", status: "other-stack" }),
      record({ rule: "AWS-0040", status: "stale" }),
    ]);
    expect((parse(text) as { misconfigurations: TrivyIgnoreEntry[] }).misconfigurations).toEqual([
      { id: "AWS-0089", paths: ["dev-bootstrap/cdk.tf.json"], statement: `dev-bootstrap/access-logs/bucket: ${record({}).reason}`, expired_at: "2027-03-31" },
    ]);
  });

  it("quotes reasons so that YAML-special characters survive", () => {
    const reason = 'says: "quoted" # not a comment, {braces} & [brackets]';
    const parsed = parse(trivyIgnoreFile([record({ reason })])) as { misconfigurations: TrivyIgnoreEntry[] };
    expect(parsed.misconfigurations[0]!.statement).toBe(`dev-bootstrap/access-logs/bucket: ${reason}`);
    expect((parse(trivyIgnoreFile([])) as { misconfigurations: unknown[] }).misconfigurations).toEqual([]);
  });
});
