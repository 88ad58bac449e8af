/**
 * Keeps credentials out of every message the config writes (CI logs keep them). A refusal names
 * the field and says a credential was found; the value it shows is redacted: the user name and
 * password of a URL, the values of credential-like query parameters, and tokens of the well-known
 * formats anywhere in the text.
 */

export const REDACTED = "[redacted]";

/** Token formats issued with a recognisable prefix (GitHub, GitLab, Slack, AWS access keys, private keys). */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** Query parameters whose value is a credential (`?token=…`, `&api_key=…`, `sig=…`). */
const SECRET_QUERY_PARAMETER = /([?&](?:[\w.-]*(?:token|secret|password|passwd|pwd|key|sig|signature|auth|credential)[\w.-]*)=)[^&#\s"'()]+/gi;

/** `scheme://user:password@host` or `scheme://token@host`: everything between `//` and `@`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@"']+@/gi;

/** `text` with every credential it carries replaced by [redacted]. */
export function redactSecrets(text: string): string {
  let result = text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(SECRET_QUERY_PARAMETER, `$1${REDACTED}`);
  for (const pattern of TOKEN_PATTERNS) result = result.replace(pattern, REDACTED);
  return result;
}

/** Whether a URL carries a credential: a user name or password, or a credential-like query parameter. */
export function urlCarriesCredential(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.username !== "" || url.password !== "") return true;
  } catch {
    // Not a URL: only the token formats below can tell.
  }
  return redactSecrets(value) !== value;
}
