import { z } from "zod";
import { environmentSchema } from "./schema";

/**
 * The environments reference (environments/README.md), generated from the schema: every field the
 * schema describes, its meaning and rules, its default and what it takes. `npm run docs:environments`
 * rewrites the table; a unit test fails while the README's copy is stale.
 */

export const REFERENCE_START = "<!-- environment reference: generated from src/config/schema.ts by `npm run docs:environments` -->";
export const REFERENCE_END = "<!-- end of environment reference -->";

interface JsonSchema {
  readonly type?: string | string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Record<string, JsonSchema>;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly additionalProperties?: JsonSchema | boolean;
}

function takes(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(", ");
  if (schema.anyOf) return schema.anyOf.map(takes).filter(Boolean).join(" or ");
  if (schema.type === "array" && schema.items) return `list of ${takes(schema.items) || "values"}`;
  if (schema.type === "object") return schema.additionalProperties && !schema.properties ? "map" : "object";
  return Array.isArray(schema.type) ? schema.type.join(" / ") : (schema.type ?? "");
}

function rows(schema: JsonSchema, path: string): string[] {
  const own = schema.description
    ? [`| \`${path}\` | ${schema.description.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;")} | ${schema.default === undefined ? "" : `\`${JSON.stringify(schema.default)}\``} | ${takes(schema)} |`]
    : [];
  const nested = Object.entries(schema.properties ?? {}).flatMap(([key, child]) => rows(child, path ? `${path}.${key}` : key));
  const items = schema.type === "array" && schema.items?.properties ? rows({ properties: schema.items.properties }, `${path}[]`) : [];
  return [...own, ...nested, ...items];
}

/** The Markdown table of every described field of an environment config. */
export function environmentReference(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return ["| Field | Meaning and rules | Default | Takes |", "|---|---|---|---|", ...rows(schema, "")].join("\n");
}

/** `text` with the generated table between the reference markers. */
export function withReference(text: string): string {
  const start = text.indexOf(REFERENCE_START);
  const end = text.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`environments/README.md has no ${REFERENCE_START} … ${REFERENCE_END} block.`);
  return `${text.slice(0, start + REFERENCE_START.length)}\n${environmentReference()}\n${text.slice(end)}`;
}
