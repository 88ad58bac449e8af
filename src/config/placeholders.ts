import type { ConfigIssue } from "./schema";
import type { EnvironmentInput } from "./types";
import { ConfigError } from "./validate";

/**
 * The shipped environments carry documentation names (pipeops.example.com, platform-alerts@example.com,
 * git.example.com) until a team writes its own. On real AWS they cannot work: Route 53 refuses the
 * zone ("InvalidDomainName: example.com is reserved by AWS!"), an SNS e-mail subscription to them is
 * never confirmed, Argo CD never reaches the repository. The names are reserved for documentation
 * and testing by RFC 2606 ("Reserved Top Level DNS Names": the TLDs test, example, invalid,
 * localhost and the second-level example.com, example.net, example.org) and RFC 6761 ("Special-Use
 * Domain Names", section 6), read 2026-12-07 in IANA's reserved-TLDs registry as Debian's doc-iana
 * ships it and the RFC 6761 text.
 *
 * `cdktf synth` for the AWS target (main.ts) refuses them, with the field and the fix, before the
 * app exists; the emulator target and the test suite, which synthesize the shipped template, keep them.
 */
export const RESERVED_DOMAINS = ["example.com", "example.net", "example.org", "test", "example", "invalid", "localhost"] as const;

/** The reserved name `host` is, or lies under; undefined for a name a team can own. */
export function reservedDomainOf(host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, "");
  return RESERVED_DOMAINS.find((reserved) => name === reserved || name.endsWith(`.${reserved}`));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The placeholders of one environment file (read before validation, so nothing exists yet). */
export function placeholderIssues(env: EnvironmentInput): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (path: string, value: string, host: string | undefined, fixText: string) => {
    const reserved = host === undefined ? undefined : reservedDomainOf(host);
    if (reserved) {
      issues.push({ environment: env.name, path, message: `${JSON.stringify(value)} is a placeholder: ${reserved} is reserved for documentation (RFC 2606, RFC 6761), so on AWS it cannot work. Fix: ${fixText}` });
    }
  };
  if (typeof env.dns?.zoneName === "string") check("dns.zoneName", env.dns.zoneName, env.dns.zoneName, 'use your own domain (a zone your registrar can delegate to Route 53), e.g. "apps.acme.io" (environments/common.ts FAILOVER_DNS), or remove dns.');
  (env.alerts?.emails ?? []).forEach((email, i) => check(`alerts.emails[${i}]`, email, email.split("@").pop(), "use an address your team reads, e.g. the on-call list (environments/common.ts ALERT_RECEIVERS); SNS mails it a confirmation link first."));
  (env.alerts?.httpsEndpoints ?? []).forEach((url, i) => check(`alerts.httpsEndpoints[${i}]`, url, hostOf(url), "use your paging service's HTTPS endpoint (environments/common.ts ALERT_RECEIVERS)."));
  const repo = env.platform?.argocd?.gitopsRepoUrl;
  if (repo) check("platform.argocd.gitopsRepoUrl", repo, hostOf(repo), "use your GitOps repository's HTTPS clone URL.");
  return issues;
}

/**
 * Throws one ConfigError for every placeholder of every environment (the AWS target's synth), with
 * whatever else `validate` finds, so that a user fixes everything in one pass.
 */
export function refusePlaceholders(envs: readonly EnvironmentInput[], validate: () => unknown = () => undefined): void {
  const placeholders = envs.flatMap(placeholderIssues);
  if (placeholders.length === 0) return;
  let others: readonly ConfigIssue[] = [];
  try {
    validate();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    others = error.issues;
  }
  throw new ConfigError([...others, ...placeholders]);
}
