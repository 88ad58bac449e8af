import { standardTags } from "../aspects/tags";

const fix = (text: string) => ` Fix: ${text}`;

/**
 * AWS's tagging rules, the same in every service the stacks tag (e.g. Amazon ECS API reference,
 * "Tag"; AWS Batch user guide, "Tag restrictions"; Amazon Personalize developer guide, "Guidelines
 * and requirements"; read 2026-12-07): at most 50 user tags per resource; keys of 1-128 and values
 * of 0-256 Unicode characters: letters, numbers, spaces and _ . : / = + - @; `aws:` in any case is
 * reserved for AWS as the prefix of a key or a value.
 */
export const AWS_TAG_RULES = { maxTagsPerResource: 50, maxKeyLength: 128, maxValueLength: 256, reservedPrefix: "aws:" } as const;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * The most tags a module sets on one resource itself, besides the aspect's: a subnet's Name, Tier
 * and two kubernetes.io tags (modules/network/network.ts). A unit test measures it on the
 * synthesized stacks, so a module that adds more fails there first.
 */
export const MOST_OWN_TAGS_ON_A_RESOURCE = 4;

/** The tags every resource carries: the aspect's (Project, Environment, ManagedBy) and `tags`. */
export function tagsOnEveryResource(tags: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(standardTags("project", "environment", {})), ...Object.keys(tags)])];
}

/** Every tagging rule `tags` breaks, reported through `issue` (path and message with its fix). */
export function tagIssues(tags: Readonly<Record<string, string>>, issue: (path: (string | number)[], message: string) => void): void {
  const rules = AWS_TAG_RULES;
  const reserved = (text: string) => text.toLowerCase().startsWith(rules.reservedPrefix);
  for (const [key, value] of Object.entries(tags)) {
    const at = ["tags", key];
    const keyLength = [...key].length;
    if (keyLength < 1 || keyLength > rules.maxKeyLength) {
      issue(at, `the tag key is ${keyLength} characters (value ${JSON.stringify(value)}); AWS takes 1 to ${rules.maxKeyLength}.` + fix(`shorten the key to at most ${rules.maxKeyLength} characters.`));
    }
    if (!TAG_CHARACTERS.test(key)) {
      issue(at, `the tag key ${JSON.stringify(key)} (value ${JSON.stringify(value)}) has characters AWS refuses in tags.` + fix("use letters, digits, spaces and _ . : / = + - @ only."));
    }
    if (reserved(key)) {
      issue(at, `the tag key ${JSON.stringify(key)} (value ${JSON.stringify(value)}) starts with "aws:", which AWS reserves for its own tags (any case); creating the resource would fail.` + fix("drop the aws: prefix, e.g. \"owner\" instead of \"aws:owner\"."));
    }
    if ([...value].length > rules.maxValueLength) {
      issue(at, `the value of tag ${JSON.stringify(key)} is ${[...value].length} characters; AWS takes at most ${rules.maxValueLength}.` + fix(`shorten it to ${rules.maxValueLength} characters or fewer.`));
    }
    if (!TAG_CHARACTERS.test(value)) {
      issue(at, `the value ${JSON.stringify(value)} of tag ${JSON.stringify(key)} has characters AWS refuses in tags.` + fix("use letters, digits, spaces and _ . : / = + - @ only."));
    }
    if (reserved(value)) {
      issue(at, `the value ${JSON.stringify(value)} of tag ${JSON.stringify(key)} starts with "aws:", which AWS reserves (any case).` + fix("drop the aws: prefix from the value."));
    }
  }
  const everywhere = tagsOnEveryResource(tags).length;
  const room = rules.maxTagsPerResource - MOST_OWN_TAGS_ON_A_RESOURCE;
  if (everywhere > room) {
    issue(["tags"], `${Object.keys(tags).length} tags, with the tagging aspect's Project, Environment and ManagedBy ${everywhere} on every resource, and up to ${MOST_OWN_TAGS_ON_A_RESOURCE} a resource sets itself (a subnet: Name, Tier, two kubernetes.io tags): more than AWS's ${rules.maxTagsPerResource} tags per resource.` +
      fix(`keep tags at ${room - (everywhere - Object.keys(tags).length)} or fewer (drop or merge some).`));
  }
}
