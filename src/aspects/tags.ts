import { Aspects, TerraformResource, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

/** Resources that take a plain `tags` map. */
interface Taggable {
  tags?: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return node instanceof TerraformResource && "tagsInput" in node;
}

/**
 * The one place tags are applied. Every taggable resource gets the given tags; a tag set on the
 * resource itself (e.g. a Name) wins over these defaults.
 */
export class TaggingAspect implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (isTaggable(node)) {
      node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
    }
  }
}

/** The tag that names a resource's environment: what each environment's budget filters on. */
export const ENVIRONMENT_TAG = "Environment";

export function standardTags(project: string, environment: string, extra: Readonly<Record<string, string>>): Record<string, string> {
  return { Project: project, [ENVIRONMENT_TAG]: environment, ManagedBy: "cdktf", ...extra };
}

export function tagEverything(scope: IConstruct, tags: Readonly<Record<string, string>>): void {
  Aspects.of(scope).add(new TaggingAspect(tags));
}
