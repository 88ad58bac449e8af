import type { Tier } from "../config/types";

/**
 * A read-only view of one stack's resolved Terraform JSON, with the helpers rules need to read it
 * the way Terraform will: references (`${aws_kms_key.x.arn}`) count as set values, single nested
 * blocks may appear as an object or a one-element list, and companion resources are joined to the
 * resource they configure by reference.
 */

export type JsonObject = Record<string, unknown>;

/** What the guardrails know about the environment a stack was built from. */
export interface StackContext {
  readonly environment: string;
  readonly tier: Tier;
  readonly project?: string;
}

/** Tiers whose databases must survive a mistaken destroy and keep a week of backups. */
export const PRODUCTION_TIERS: readonly Tier[] = ["production", "disaster-recovery"];

export interface TerraformResourceJson {
  /** `type.name`, the address Terraform uses. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** Construct path (e.g. `dev-bootstrap/access-logs/bucket`), when cdktf recorded one. */
  readonly path?: string;
  readonly body: JsonObject;
}

export interface TerraformStackJson {
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly provider?: Record<string, JsonObject[]>;
  readonly data?: Record<string, Record<string, JsonObject>>;
  readonly [key: string]: unknown;
}

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A nested block as a list, however it was rendered (object, list of objects, absent). */
export function blocks(value: unknown): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first block of a single nested block. */
export function block(value: unknown): JsonObject | undefined {
  return blocks(value)[0];
}

/** A Terraform expression (`${…}`) whose value is only known at plan time. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Present and non-empty; a reference or other expression counts as set. */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** Literally true. An expression is not proof, so it does not count. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

export function asStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A CIDR that admits every address (0.0.0.0/0, ::/0, or any /0). */
export function allowsAllAddresses(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_.[\]"*-]+))?\}$/;

export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  readonly attribute?: string;
  /** `type.name` (or `data.type.name`). */
  readonly address: string;
}

/** Parses a whole-value reference such as `${aws_s3_bucket.logs.id}`; anything else is undefined. */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value.trim());
  if (!match) return undefined;
  const [, dataPrefix, type, name, attribute] = match;
  const data = dataPrefix !== undefined;
  return { data, type: type!, name: name!, attribute, address: `${data ? "data." : ""}${type}.${name}` };
}

export class StackView {
  private readonly byType = new Map<string, TerraformResourceJson[]>();
  private readonly byAddress = new Map<string, TerraformResourceJson>();

  constructor(
    readonly stackName: string,
    readonly context: StackContext | undefined,
    readonly json: TerraformStackJson,
    /** Addresses of resources whose type takes a `tags` map. */
    readonly taggable: ReadonlySet<string> = new Set(),
  ) {
    for (const [type, instances] of Object.entries(json.resource ?? {})) {
      const list: TerraformResourceJson[] = [];
      for (const [name, body] of Object.entries(instances)) {
        const metadata = block(block(body["//"])?.metadata);
        const path = typeof metadata?.path === "string" ? metadata.path : undefined;
        const resource = { address: `${type}.${name}`, type, name, path, body };
        list.push(resource);
        this.byAddress.set(resource.address, resource);
      }
      this.byType.set(type, list);
    }
  }

  private others: readonly StackView[] = [];

  /** Set once by the engine: every stack of the app, so that a rule may read a stack's neighbours. */
  withProject(views: readonly StackView[]): this {
    this.others = views.filter((view) => view !== this);
    return this;
  }

  /** The other stacks built from the same environment (a platform stack's core stack, for one). */
  sameEnvironment(): StackView[] {
    const environment = this.context?.environment;
    return environment === undefined ? [] : this.others.filter((view) => view.context?.environment === environment);
  }

  get isProductionTier(): boolean {
    return this.context !== undefined && PRODUCTION_TIERS.includes(this.context.tier);
  }

  resources(...types: string[]): TerraformResourceJson[] {
    return types.flatMap((type) => this.byType.get(type) ?? []);
  }

  all(): TerraformResourceJson[] {
    return [...this.byAddress.values()];
  }

  resource(address: string): TerraformResourceJson | undefined {
    return this.byAddress.get(address);
  }

  /** A data source's arguments by address (`data.<type>.<name>`), if it lives in this stack. */
  dataSource(address: string): JsonObject | undefined {
    const match = /^data\.([a-z][a-z0-9_]*)\.(.+)$/.exec(address);
    if (!match) return undefined;
    const body = this.json.data?.[match[1]!]?.[match[2]!];
    return isObject(body) ? body : undefined;
  }

  /** The AWS provider block a resource uses (`provider = "aws.<alias>"`, or the default one). */
  awsProviderOf(resource: TerraformResourceJson): JsonObject | undefined {
    const wanted = typeof resource.body.provider === "string" ? resource.body.provider.replace(/^aws\.?/, "") : "";
    return (this.json.provider?.aws ?? []).find((p) => (typeof p.alias === "string" ? p.alias : "") === wanted);
  }

  /** The region of the AWS provider a resource uses. */
  providerRegion(resource: TerraformResourceJson): string | undefined {
    const region = this.awsProviderOf(resource)?.region;
    return typeof region === "string" ? region : undefined;
  }

  /** The resource a whole-value reference points at, if it lives in this stack. */
  referenced(value: unknown, ...types: string[]): TerraformResourceJson | undefined {
    const ref = parseReference(value);
    if (!ref || ref.data || (types.length > 0 && !types.includes(ref.type))) return undefined;
    return this.byAddress.get(ref.address);
  }

  /**
   * The S3 bucket a companion resource (versioning, encryption, logging, …) configures: its
   * `bucket` argument references the bucket (`.id` / `.bucket`) or repeats its literal name.
   */
  bucketOf(companion: JsonObject): TerraformResourceJson | undefined {
    const target = companion.bucket;
    const byReference = this.referenced(target, "aws_s3_bucket");
    if (byReference) return byReference;
    if (typeof target !== "string" || isExpression(target)) return undefined;
    return this.resources("aws_s3_bucket").find((bucket) => bucket.body.bucket === target);
  }

  /** Companion resources of `type` that configure the given bucket. */
  bucketCompanions(bucket: TerraformResourceJson, type: string): TerraformResourceJson[] {
    return this.resources(type).filter((companion) => this.bucketOf(companion.body)?.address === bucket.address);
  }

  /** Default tags of the AWS provider a resource uses (`provider = "aws.<alias>"` or the default one). */
  providerDefaultTags(resource: TerraformResourceJson): Record<string, unknown> {
    const tags = block(this.awsProviderOf(resource)?.default_tags)?.tags;
    return isObject(tags) ? tags : {};
  }
}
