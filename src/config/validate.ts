import type { z } from "zod";
import { crossEnvironmentIssues, environmentSchema, type ConfigIssue, type EnvironmentConfig } from "./schema";
import { nonPublicSourceBlockOf, parseCidr } from "../../modules/network/cidr";
import { redactSecrets } from "./secrets";
import { CATALOG_VERSIONS, catalogIssues, type CatalogVersions } from "./support-windows";
import { loadFailureIssue } from "./load";

/** Thrown before anything is synthesized when a config breaks a rule. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    // Every refusal passes through here: no credential in a config value reaches a log (secrets.ts).
    const redacted = issues.map(redactIssue);
    super(
      `Invalid configuration (${redacted.length} problem${redacted.length === 1 ? "" : "s"}); nothing was synthesized:\n` +
        redacted.map((i) => `  - ${i.environment}: ${i.path}: ${i.message}`).join("\n"),
    );
    this.issues = redacted;
    this.name = "ConfigError";
  }
}

function redactIssue(issue: ConfigIssue): ConfigIssue {
  return { environment: redactSecrets(issue.environment), path: redactSecrets(issue.path), message: redactSecrets(issue.message) };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), "");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), input);
}

function describeZodIssue(environment: string, input: unknown, issue: z.core.$ZodIssue): ConfigIssue {
  const path = formatPath(issue.path);
  // Messages written in the schema carry their fix; zod's own ones get a generic one. Both show the value.
  const value = valueAt(input, issue.path);
  const shown = redactSecrets(JSON.stringify(value) ?? "missing");
  const text = issue.message.includes("Fix:") ? issue.message : `${issue.message}. Fix: set ${path || "the config"} to a valid value (see environments/README.md).`;
  const mentionsValue = text.includes(shown) || (value !== undefined && new RegExp(`(^|[\\s"(])${escapeRegExp(redactSecrets(String(value)))}($|[\\s".,)])`).test(text));
  // A long value (a whole map, a 300-character string) is left to the message to describe.
  const message = mentionsValue || shown.length > 80 ? text : `${shown}: ${text}`;
  return { environment, path: path || "(root)", message };
}

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly innerType?: { _zod: { def: SchemaDef } };
  readonly element?: { _zod: { def: SchemaDef } };
  readonly in?: { _zod: { def: SchemaDef } };
}

/** The field names the schema allows at a path of the config (through optional, default, arrays, transforms). */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let def = (environmentSchema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const unwrap = () => {
    for (;;) {
      const next = def.type === "pipe" ? def.in : def.innerType;
      if (!next || !["pipe", "optional", "default", "nullable", "prefault"].includes(def.type)) return;
      def = next._zod.def;
    }
  };
  for (const key of path) {
    unwrap();
    const next = typeof key === "number" ? def.element : def.shape?.[String(key)];
    if (!next) return [];
    def = next._zod.def;
  }
  unwrap();
  return Object.keys(def.shape ?? {});
}

/** Edit distance, for the nearest valid field name of a misspelt one. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** One issue per unknown field, naming it and the nearest field the schema allows there. */
function describeUnknownFields(environment: string, issue: z.core.$ZodIssueUnrecognizedKeys): ConfigIssue[] {
  const fields = fieldsAt(issue.path);
  return issue.keys.map((key) => {
    const nearest = [...fields].sort((a, b) => distance(key, a) - distance(key, b))[0];
    const close = nearest !== undefined && distance(key, nearest) <= Math.max(2, Math.floor(nearest.length / 3));
    const fixText = close ? `rename it to ${nearest}` : `remove it; the fields here are ${fields.join(", ")}`;
    return { environment, path: formatPath([...issue.path, key]), message: `unknown field ${JSON.stringify(key)}: it would be ignored. Fix: ${fixText}.` };
  });
}

/** Parses one raw environment config, collecting every rule it breaks. */
export function checkEnvironment(raw: unknown): { config?: EnvironmentConfig; issues: ConfigIssue[] } {
  const label = typeof raw === "object" && raw !== null && typeof (raw as { name?: unknown }).name === "string" ? (raw as { name: string }).name : "(unnamed)";
  const failed = loadFailureIssue(raw);
  if (failed) return { issues: [redactIssue(failed)] };
  const result = environmentSchema.safeParse(raw);
  if (result.success) return { config: result.data, issues: [] };
  return {
    issues: result.error.issues
      .flatMap((issue) => (issue.code === "unrecognized_keys" ? describeUnknownFields(label, issue) : [describeZodIssue(label, raw, issue)]))
      .map(redactIssue),
  };
}

/**
 * Validates the versions catalog, every environment and the rules between them. Throws one
 * ConfigError listing all problems, so a user fixes them in one pass; returns the typed configs otherwise.
 */
export function validateEnvironments(
  raws: readonly unknown[],
  stackNamesOf: (env: EnvironmentConfig) => string[],
  target: { readonly kind: "aws" | "local" } = { kind: "aws" },
  catalog: CatalogVersions = CATALOG_VERSIONS,
): EnvironmentConfig[] {
  const checked = raws.map(checkEnvironment);
  // The versions catalog first: every environment is built with its versions.
  const issues = [...catalogIssues(catalog), ...checked.flatMap((c) => c.issues)];
  const configs = checked.flatMap((c) => (c.config ? [c.config] : []));
  const invalid = new Set(checked.flatMap((c) => c.issues.map((issue) => issue.environment)));
  issues.push(...crossEnvironmentIssues(configs, stackNamesOf, invalid));
  if (target.kind === "aws") issues.push(...configs.flatMap(realAwsIssues));
  if (issues.length > 0) throw new ConfigError(issues);
  return configs;
}

/**
 * What only matters on real AWS: the public API endpoint's ranges must be addresses the internet
 * can come from (the emulator has no network to protect, so local runs accept any).
 */
function realAwsIssues(env: EnvironmentConfig): ConfigIssue[] {
  return env.eks.publicAccessCidrs.flatMap((text, i) => {
    const parsed = parseCidr(text);
    // The whole internet (/0) is refused by the schema already, with its own message.
    const block = parsed && parsed.prefix > 0 ? nonPublicSourceBlockOf(parsed) : undefined;
    if (!block) return [];
    const message =
      `${text} overlaps the ${block} range: no VPN, office or CI runner reaches the public API endpoint from there, so no plan of the platform stack could. ` +
      "Fix: list your VPN's or runners' public egress ranges, or leave eks.publicAccessCidrs empty for a private-only endpoint (platform jobs then run on the PLAN_RUNNER and DEPLOY_RUNNER runners, docs/ci.md).";
    return [{ environment: env.name, path: `eks.publicAccessCidrs[${i}]`, message }];
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
