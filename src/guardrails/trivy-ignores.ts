import { writeFileSync } from "node:fs";
import type { WaiverRecord } from "./report";

/**
 * The guardrail waivers as Trivy's ignore file, so one list (environments/waivers.ts) governs both
 * the synth-time guardrails and the Trivy scan CI runs on the synthesized stacks:
 *
 *   trivy config --ignorefile cdktf.out/trivyignore.yaml cdktf.out/stacks
 *
 * Format: `.trivyignore.yaml` of aquasecurity/trivy (docs/docs/configuration/filtering.md at
 * v0.74.0, read 2026-12-01): `misconfigurations` entries with `id`, `paths` (globs relative to the
 * scan target), `statement` and `expired_at` (YYYY-MM-DD). Trivy ignores by file, not by resource:
 * each entry names the stack's `cdk.tf.json` and, in its statement, the resource the waiver is for;
 * the guardrails keep the per-resource check. Only waivers of Trivy's checks (AWS-NNNN, the
 * trivy-checks v2 IDs) are exported; PIPEOPS rules are this project's own.
 */
export const TRIVY_IGNORE_FILE_NAME = "trivyignore.yaml";

const TRIVY_CHECK_ID = /^AWS-\d{4}$/;

/** One YAML scalar: JSON strings are valid YAML, with every special character escaped. */
const scalar = (value: string) => JSON.stringify(value);

export function trivyIgnoreFile(waivers: readonly WaiverRecord[]): string {
  const entries = waivers
    .filter((waiver) => waiver.status === "applied" && TRIVY_CHECK_ID.test(waiver.rule))
    .map((waiver) =>
      [
        `  - id: ${waiver.rule}`,
        `    paths:`,
        `      - ${scalar(`${waiver.stack}/cdk.tf.json`)}`,
        `    statement: ${scalar(`${waiver.resource}: ${waiver.reason}`)}`,
        ...(waiver.expires ? [`    expired_at: ${waiver.expires}`] : []),
      ].join("\n"),
    );
  const header = "# Generated at synth from environments/waivers.ts (src/guardrails/trivy-ignores.ts). Do not edit.\n";
  return `${header}misconfigurations:${entries.length === 0 ? " []" : `\n${entries.join("\n")}`}\n`;
}

export function writeTrivyIgnoreFile(path: string, waivers: readonly WaiverRecord[]): void {
  writeFileSync(path, trivyIgnoreFile(waivers));
}
