/**
 * The warnings and errors Terraform reported while planning a stack, as the plan workflow saves
 * them: the `diagnostic` events of `terraform plan -json` (an array in <stack>.diagnostics.json),
 * or, for a failure that reported none (a crashed init, a failed synth), the text of its log.
 * Secrets are removed before a diagnostic is saved or reaches a comment: credentials, tokens,
 * private keys and `password = "…"` values; Terraform's source snippets are dropped, since they
 * quote the configuration.
 */

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail: string;
  /** The resource it is about, when Terraform says. */
  readonly address?: string;
}

/** Longest detail kept per diagnostic; a reviewer needs the message, the log has the rest. */
const MAX_DETAIL = 1500;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, "(private key removed)"],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, "(access key removed)"],
  [/\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{20,}\b|\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, "(token removed)"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/g, "$1 (token removed)"],
  [/((?:password|passwd|secret|token|secret_string|private_key)\w*["']?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}]+)/gi, "$1(redacted)"],
];

export function redactText(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** A saved diagnostics file: Terraform's JSON diagnostics (an array, or the -json event lines), else plain text. */
export function parseDiagnostics(text: string): Diagnostic[] {
  const structured = jsonDiagnostics(text);
  if (structured) {
    const seen = new Set<string>();
    return structured
      .map((d) => ({
        severity: d.severity === "warning" ? ("warning" as const) : ("error" as const),
        summary: redactText(String(d.summary ?? "")),
        detail: cap(redactText(String(d.detail ?? ""))),
        ...(d.address ? { address: String(d.address) } : {}),
      }))
      .filter((d) => {
        // Terraform reports a validation warning twice (validate, then plan).
        const key = `${d.severity}|${d.summary}|${d.detail}|${d.address ?? ""}`;
        return seen.has(key) ? false : (seen.add(key), true);
      });
  }
  const trimmed = redactText(text.replace(/\r\n/g, "\n")).trim();
  return trimmed ? [{ severity: "error", summary: trimmed.split("\n")[0]!.slice(0, 200), detail: cap(trimmed) }] : [];
}

interface RawDiagnostic {
  readonly severity?: string;
  readonly summary?: unknown;
  readonly detail?: unknown;
  readonly address?: unknown;
}

function jsonDiagnostics(text: string): RawDiagnostic[] | undefined {
  const trimmed = text.trim();
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (Array.isArray(parsed)) return parsed as RawDiagnostic[];
  } catch {
    // not one JSON document: maybe event lines
  }
  const lines = trimmed.split("\n").filter(Boolean);
  if (lines.length === 0 || !lines.every((line) => line.startsWith("{"))) return undefined;
  try {
    const events = lines.map((line) => JSON.parse(line) as { type?: string; diagnostic?: RawDiagnostic });
    return events.filter((e) => e.type === "diagnostic" && e.diagnostic).map((e) => e.diagnostic!);
  } catch {
    return undefined;
  }
}

/** The saved form of a diagnostics file: redacted, without Terraform's source snippets. */
export function redactDiagnosticsFile(text: string): string {
  return `${JSON.stringify(parseDiagnostics(text), null, 1)}\n`;
}

function cap(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL)}\n… (${text.length - MAX_DETAIL} more characters in the workflow log)`;
}
