import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { gvkOf, isTerraformExpression, type KubernetesObject } from "./objects";
import { loadCrdFiles, loadKubernetesFile, type CrdFile, type KubernetesFile } from "./schema-files";

/**
 * Validates Kubernetes objects against the vendored schemas as the API server does with
 * server-side field validation (`fieldValidation=Strict`, kubectl's default since 1.27): a field the
 * schema does not declare is an error, and so is a value of the wrong type.
 *
 * - Kubernetes kinds: the OpenAPI definitions of the catalog's version. Every object definition
 *   with properties is closed (`additionalProperties: false`); maps declare theirs. IntOrString
 *   takes an integer or a string, a Quantity a string or a number, as the API server decodes them.
 * - Custom resources: the served version's openAPIV3Schema from the CRD. Structural schemas prune
 *   (strict validation rejects) undeclared fields except under `x-kubernetes-preserve-unknown-fields`;
 *   `x-kubernetes-int-or-string` and `nullable` widen the type; `metadata` is the API's ObjectMeta.
 * - Not evaluated: CEL rules (`x-kubernetes-validations`) and formats, which need the server.
 *
 * A value that is one whole Terraform expression is known only after apply: any type is accepted
 * there, but the field itself must exist.
 */

type Json = Record<string, unknown>;
const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/**
 * A schema closed to undeclared fields, with the Kubernetes type widenings applied. For a CRD's
 * structural schema (`structural`), an object with neither properties nor additionalProperties
 * keeps no field either (the API server prunes them all) unless it preserves unknown fields or is
 * an embedded resource. Branches of anyOf/oneOf/allOf/not only restrict values (structural schemas
 * declare every field outside them), so they are left open.
 */
export function strict(schema: unknown, structural = false, branch = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strict(s, structural, branch));
  if (!schema || typeof schema !== "object") return schema;
  const s = schema as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    const inBranch = branch || ["anyOf", "oneOf", "allOf", "not"].includes(key);
    out[key] = key === "properties" || key === "definitions" || key === "patternProperties" ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, strict(v, structural, branch)])) : strict(value, structural, inBranch);
  }
  if (s["x-kubernetes-int-or-string"] === true || s.format === "int-or-string") out.type = ["integer", "string"];
  if (s.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  const open = s["x-kubernetes-preserve-unknown-fields"] === true || s["x-kubernetes-embedded-resource"] === true;
  const closedByProperties = s.properties !== undefined;
  const closedAsStructural = structural && s.type === "object" && s.patternProperties === undefined;
  if ((closedByProperties || closedAsStructural) && s.additionalProperties === undefined && !open && !branch) out.additionalProperties = false;
  return out;
}

/** The shape of one or more instances: the keys of their objects and the items of their lists, merged. */
interface Shape {
  props?: Map<string, Shape>;
  items?: Shape;
}

function addToShape(shape: Shape, value: unknown): Shape {
  if (Array.isArray(value)) {
    shape.items ??= {};
    for (const item of value) addToShape(shape.items, item);
  } else if (value && typeof value === "object") {
    shape.props ??= new Map();
    for (const [key, child] of Object.entries(value)) {
      if (!shape.props.has(key)) shape.props.set(key, {});
      addToShape(shape.props.get(key)!, child);
    }
  }
  return shape;
}

/** The merged shape of every value of a map (for `additionalProperties`). */
function allValues(shape: Shape): Shape {
  const out: Shape = {};
  for (const child of shape.props?.values() ?? []) mergeShape(out, child);
  return out;
}

function mergeShape(into: Shape, from: Shape): void {
  if (from.items) mergeShape((into.items ??= {}), from.items);
  for (const [key, child] of from.props ?? []) {
    into.props ??= new Map();
    if (!into.props.has(key)) into.props.set(key, {});
    mergeShape(into.props.get(key)!, child);
  }
}

/**
 * The schema restricted to what the instances contain: the subschema of a property no instance has
 * is never applied, so it becomes `{}`, and `$ref`s are inlined as deep as the instances go. Ajv
 * then compiles a schema the size of the objects instead of the whole API (the CRDs of Argo CD,
 * Kyverno and External Secrets take seconds each to compile whole); the result of validating those
 * instances is the same.
 */
function prune(schema: unknown, shape: Shape, resolve: (ref: string) => unknown): unknown {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return schema;
  let s = schema as Json;
  while (typeof s.$ref === "string") {
    const { $ref, ...rest } = s;
    s = { ...(resolve($ref as string) as Json), ...rest };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === "definitions") continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, shape.props?.has(k) ? prune(v, shape.props.get(k)!, resolve) : {}]));
    } else if (key === "additionalProperties" || key === "patternProperties") {
      out[key] = key === "patternProperties" ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, prune(v, allValues(shape), resolve)])) : prune(value, allValues(shape), resolve);
    } else if (key === "items") {
      out.items = Array.isArray(value) ? value.map((v) => prune(v, shape.items ?? {}, resolve)) : prune(value, shape.items ?? {}, resolve);
    } else if (key === "anyOf" || key === "oneOf" || key === "allOf") {
      out[key] = (value as unknown[]).map((v) => prune(v, shape, resolve));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The keys and list lengths of a value, scalars left out: two values with one skeleton share a schemaForInstances result. */
export const skeletonOf = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (v === null || typeof v !== "object" ? 0 : v));

/** `schema` restricted to what `instances` contain (see prune), `$ref`s resolved by JSON pointer in `root`. */
export function schemaForInstances(schema: unknown, instances: readonly unknown[], root: unknown = schema): unknown {
  const shape: Shape = {};
  for (const instance of instances) addToShape(shape, instance);
  return prune(schema, shape, (ref) => {
    if (!ref.startsWith("#/")) throw new Error(`unsupported schema reference ${ref}`);
    const found = valueAt(root, ref.slice(1));
    if (found === undefined) throw new Error(`unresolved schema reference ${ref}`);
    return found;
  });
}

/** A CRD's root schema with the API's ObjectMeta for metadata, and apiVersion, kind and metadata required. */
function customResourceSchema(schema: unknown): Json {
  const root = schema as Json;
  const properties = { ...((root.properties as Json | undefined) ?? {}), metadata: { $ref: `#/definitions/${OBJECT_META}` } };
  return { ...root, properties, required: [...new Set([...((root.required as string[] | undefined) ?? []), "apiVersion", "kind", "metadata"])] };
}

/** The value at a JSON pointer (Ajv's instancePath). */
export function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Json)[part] : undefined), root);
}

const VALUE_KEYWORDS = new Set(["type", "enum", "const", "format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "multipleOf", "anyOf", "oneOf"]);

/** A readable message: the field path (dots) and what is wrong. */
export function describe(error: ErrorObject): string {
  const path = error.instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).join(".") || "(root)";
  if (error.keyword === "additionalProperty" || error.keyword === "additionalProperties") {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    return `${path === "(root)" ? "" : `${path}.`}${field}: unknown field (not in the schema; server-side field validation rejects it)`;
  }
  return `${path}: ${error.message}${error.keyword === "enum" ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : ""}`;
}

export class KubernetesSchemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly definitions: Record<string, unknown>;
  private readonly schemas = new Map<string, Json>();
  private readonly compiledAs = new Map<string, ValidateFunction>();

  constructor(
    readonly kubernetes: KubernetesFile = loadKubernetesFile(),
    readonly crds: Record<string, CrdFile> = loadCrdFiles(),
  ) {
    this.definitions = strict(kubernetes.definitions) as Record<string, unknown>;
    // The API server decodes a Quantity from a JSON number as well as a string.
    this.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = { type: ["string", "number"] };
    for (const [gvk, name] of Object.entries(kubernetes.gvks)) this.schemas.set(gvk, { $ref: `#/definitions/${name}` });
    for (const file of Object.values(crds)) {
      for (const [gvk, { schema }] of Object.entries(file.kinds)) this.schemas.set(gvk, customResourceSchema(strict(schema, true)));
    }
  }

  /** Every `group/version/Kind` with a schema. */
  get knownKinds(): string[] {
    return [...this.schemas.keys()].sort();
  }

  /** The problems of each object (same order); an empty list when it is valid. Objects of one kind are checked with one compiled schema. */
  validateAll(objects: readonly KubernetesObject[]): string[][] {
    const results: string[][] = objects.map(() => []);
    const byKind = new Map<string, number[]>();
    objects.forEach((object, i) => byKind.set(gvkOf(object), [...(byKind.get(gvkOf(object)) ?? []), i]));
    for (const [gvk, indexes] of byKind) {
      const schema = this.schemas.get(gvk);
      if (!schema) {
        for (const i of indexes) results[i] = [`${gvk} has no vendored schema: add its CRD (or API group) to src/kubernetes/sources.ts and run npm run k8s:schemas`];
        continue;
      }
      const validate = this.ajv.compile(schemaForInstances(schema, indexes.map((i) => objects[i]), { definitions: this.definitions }) as Json);
      for (const i of indexes) results[i] = problemsOf(validate, objects[i]!);
    }
    return results;
  }

  /** The problems of each value against an API definition (a Helm value a chart renders into that field); values of one definition share one compiled schema. */
  validateAs(values: readonly { definition: string; value: unknown }[]): string[][] {
    const byDefinition = new Map<string, number[]>();
    values.forEach(({ definition }, i) => byDefinition.set(definition, [...(byDefinition.get(definition) ?? []), i]));
    const results: string[][] = values.map(() => []);
    for (const [definition, indexes] of byDefinition) {
      const instances = indexes.map((i) => values[i]!.value);
      const key = `${definition} ${skeletonOf(instances)}`;
      let validate = this.compiledAs.get(key);
      if (!validate) this.compiledAs.set(key, (validate = this.ajv.compile(schemaForInstances({ $ref: `#/definitions/${definition}` }, instances, { definitions: this.definitions }) as Json)));
      for (const i of indexes) results[i] = problemsOf(validate, values[i]!.value as KubernetesObject);
    }
    return results;
  }

  /** The problems of one object; empty when it is valid. */
  validate(object: KubernetesObject): string[] {
    return this.validateAll([object])[0]!;
  }
}

function problemsOf(validate: ValidateFunction, object: KubernetesObject): string[] {
  if (validate(object)) return [];
  const errors = (validate.errors ?? []).filter((error) => !(VALUE_KEYWORDS.has(error.keyword) && isTerraformExpression(valueAt(object, error.instancePath))));
  // anyOf/oneOf restate their branches' errors; keep the branches' (they name the field).
  const specific = errors.filter((error) => error.keyword !== "anyOf" && error.keyword !== "oneOf");
  return [...new Set((specific.length > 0 ? specific : errors).map(describe))];
}
