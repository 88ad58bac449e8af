import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkIfAllDependantsAreIncluded, checkIfAllDependenciesAreIncluded, getMultipleStacks, getSingleStack } from "@cdktf/cli-core/src/lib/helpers/stack-helpers";
import { writtenSharedApp } from "../support/synth";

/**
 * Every command the README, docs/ and the runbooks tell a person to run, checked as written:
 *  - `cdktf` commands (with or without npx) against the synthesized app, with cdktf-cli 0.21's own
 *    stack selection and dependency checks (@cdktf/cli-core `helpers/stack-helpers`, the functions
 *    `cdktf deploy`, `destroy`, `diff` and `output` call: a deploy of a stack without the stacks it
 *    depends on is refused with "The following dependencies are not included in the stacks to run");
 *    and the stacks a deploy lists come in the order the deploy workflow deploys them, each after
 *    what it depends on in the synthesized manifest (nothing hard-coded here);
 *  - `npm run <script>`: the script exists; `npx tsx <file>`: the file exists; `npx vitest --project`:
 *    the projects exist.
 * What the commands then do is run by the suites themselves (the e2e files run `local:deploy`'s
 * path, the DR drill, the destroy); nothing here applies anything.
 */

const root = join(__dirname, "..", "..");

/** The project's documentation: the README and everything under docs/ (the runbooks included). */
function documents(dir = join(root, "docs")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? documents(join(dir, entry.name)) : entry.name.endsWith(".md") ? [join(dir, entry.name)] : [],
  );
}
const DOCUMENTS = [join(root, "README.md"), ...documents()];

export interface DocumentedCommand {
  readonly where: string;
  readonly command: string;
}

/** Splits a shell line into the simple commands it runs (`&&`, `||`, `;`, pipes, subshells, `$(…)`). */
function simpleCommands(line: string): string[] {
  const withoutComment = line.replace(/(^|\s)#(?![^"]*"[^"]*$).*$/, "");
  return withoutComment
    .split(/&&|\|\||;|\||\$\(|\(|\)/)
    .map((part) => part.replace(/^[\s"']+|[\s"']+$/g, "").trim())
    .filter((part) => part.length > 0);
}

/**
 * Fenced shell blocks: every npx, npm and cdktf command of every line. Inline code: the npx and
 * npm commands (a bare `cdktf deploy` in a sentence names the verb, it is not a command to run).
 */
export function documentedCommands(path: string): DocumentedCommand[] {
  const text = readFileSync(path, "utf8");
  const found: DocumentedCommand[] = [];
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  const where = (index: number) => `${relative(root, path)}:${lineOf(index)}`;
  const fences = /^( *)```(\w*)\n([\s\S]*?)^\1```/gm;
  let fenced: RegExpExecArray | null;
  const fencedRanges: [number, number][] = [];
  while ((fenced = fences.exec(text))) {
    fencedRanges.push([fenced.index, fenced.index + fenced[0].length]);
    if (!["sh", "bash", "shell", ""].includes(fenced[2]!)) continue;
    const body = fenced[3]!.replace(/\\\n\s*/g, " ");
    for (const line of body.split("\n")) {
      for (const command of simpleCommands(line)) if (/^(npx|npm|cdktf)\s/.test(command)) found.push({ where: where(fenced.index), command });
    }
  }
  const inline = /`([^`\n]+)`/g;
  let span: RegExpExecArray | null;
  while ((span = inline.exec(text))) {
    if (fencedRanges.some(([start, end]) => span!.index >= start && span!.index < end)) continue;
    for (const command of simpleCommands(span[1]!)) if (/^(npx|npm)\s/.test(command)) found.push({ where: where(span.index), command });
  }
  return found;
}

// ------------------------------------------------------------------ the synthesized app and the workflow

interface ManifestStack {
  readonly name: string;
  readonly dependencies: string[];
}
const outdir = writtenSharedApp();
const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, ManifestStack> };
const STACKS = Object.values(manifest.stacks) as never[];
const stack = (name: string) => manifest.stacks[name];
const ENVIRONMENTS = Object.keys(manifest.stacks)
  .filter((name) => name.endsWith("-bootstrap"))
  .map((name) => name.replace(/-bootstrap$/, ""));

/** The stacks the deploy workflow deploys, in its order: each job after the jobs it needs. */
function workflowOrder(): string[] {
  const workflow = parseYaml(readFileSync(join(root, ".github", "workflows", "deploy.yml"), "utf8")) as { jobs: Record<string, { needs?: string | string[]; with?: { stack?: string } }> };
  const jobs = Object.entries(workflow.jobs);
  const order: string[] = [];
  const seen: string[] = [];
  for (const [id, job] of jobs) {
    const needs = [job.needs ?? []].flat();
    for (const need of needs) if (!seen.includes(need)) throw new Error(`deploy.yml: job ${id} needs ${need}, listed after it`);
    seen.push(id);
    if (job.with?.stack) order.push(job.with.stack);
  }
  return order;
}
const WORKFLOW_ORDER = workflowOrder();

/** Every stack a stack depends on, directly or not, in the synthesized manifest. */
function dependenciesOf(name: string, found = new Set<string>()): Set<string> {
  for (const dependency of stack(name)?.dependencies ?? []) {
    if (!found.has(dependency)) dependenciesOf(dependency, found.add(dependency));
  }
  return found;
}

/** `<env>` and `<stack>` placeholders, expanded to every environment and stack of the app. */
function expand(command: string): string[] {
  if (command.includes("<env>")) return ENVIRONMENTS.flatMap((env) => expand(command.replaceAll("<env>", env)));
  if (command.includes("<stack>")) return Object.keys(manifest.stacks).flatMap((name) => expand(command.replaceAll("<stack>", name)));
  return [command];
}

/** What is wrong with a cdktf command, as cdktf-cli 0.21 and the deploy workflow see it; undefined when nothing. */
export function cdktfProblem(args: readonly string[]): string | undefined {
  const [verb, ...rest] = args;
  const flags = rest.filter((arg) => arg.startsWith("-"));
  const names = rest.filter((arg) => !arg.startsWith("-"));
  try {
    switch (verb) {
      case "synth":
      case "get":
        return undefined;
      case "diff":
      case "plan":
        getSingleStack(STACKS, names[0], verb);
        return undefined;
      case "output":
        getMultipleStacks(STACKS, names, "deploy");
        return undefined;
      case "destroy": {
        const selected = getMultipleStacks(STACKS, names, "destroy");
        if (!flags.includes("--ignore-missing-stack-dependencies")) checkIfAllDependantsAreIncluded(selected, STACKS);
        return undefined;
      }
      case "deploy":
      case "apply": {
        const selected = getMultipleStacks(STACKS, names, "deploy") as unknown as ManifestStack[];
        if (!flags.includes("--ignore-missing-stack-dependencies")) checkIfAllDependenciesAreIncluded(selected as never[]);
        const listed = selected.map((s) => s.name);
        for (const [i, name] of listed.entries()) {
          const late = [...dependenciesOf(name)].filter((dependency) => listed.indexOf(dependency) > i);
          if (late.length > 0) return `${name} is listed before ${late.join(", ")}, which it depends on`;
        }
        const inWorkflow = listed.filter((name) => WORKFLOW_ORDER.includes(name));
        const workflowSorted = [...inWorkflow].sort((a, b) => WORKFLOW_ORDER.indexOf(a) - WORKFLOW_ORDER.indexOf(b));
        if (inWorkflow.join(" ") !== workflowSorted.join(" ")) return `the stacks are listed as ${inWorkflow.join(", ")}; the deploy workflow deploys them as ${workflowSorted.join(", ")}`;
        return undefined;
      }
      default:
        return `unknown cdktf command ${verb}`;
    }
  } catch (error) {
    return (error as Error).message;
  }
}

const PACKAGE = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
const VITEST_PROJECTS = [...readFileSync(join(root, readdirSync(root).find((name) => /^vitest\.config\.m?ts$/.test(name))!), "utf8").matchAll(/name: "([a-z]+)"/g)].map((m) => m[1]!);

/** What is wrong with a documented command; undefined when nothing. */
export function commandProblem(command: string): string | undefined {
  const words = command.split(/\s+/);
  if (words[0] === "npx" && words[1] === "cdktf") return cdktfProblem(words.slice(2));
  if (words[0] === "cdktf") return cdktfProblem(words.slice(1));
  if (words[0] === "npm") {
    const args = words.slice(1).filter((word) => word !== "-s" && word !== "--silent");
    if (args[0] === "ci" || args[0] === "install") return undefined;
    const script = args[0] === "run" ? args[1] : args[0];
    return script && PACKAGE.scripts[script] !== undefined ? undefined : `package.json has no script ${JSON.stringify(script)}`;
  }
  if (words[0] === "npx" && words[1] === "tsx") {
    const file = words.slice(2).find((word) => !word.startsWith("-"));
    return file && existsSync(join(root, file)) ? undefined : `no file ${file}`;
  }
  if (words[0] === "npx" && words[1] === "vitest") {
    const projects = words.includes("--project") ? words[words.indexOf("--project") + 1]!.split("|") : [];
    const unknown = projects.filter((project) => !VITEST_PROJECTS.includes(project));
    const files = words.slice(2).filter((word) => /\.test\.ts$/.test(word) && !existsSync(join(root, word)));
    return unknown.length + files.length === 0 ? undefined : `unknown vitest project or file: ${[...unknown, ...files].join(", ")}`;
  }
  return `no check for ${words.slice(0, 2).join(" ")}`;
}

const COMMANDS = DOCUMENTS.flatMap(documentedCommands).flatMap(({ where, command }) => expand(command).map((expanded) => ({ where, command: expanded })));

describe("the commands the documentation gives", () => {
  it("finds the deploy and runbook commands, and reads the deploy order from the workflow and the synthesized app", () => {
    expect(COMMANDS.map((c) => c.command)).toEqual(expect.arrayContaining(["npx cdktf deploy dev-bootstrap", "npx cdktf diff dev", "npm run dr:drill"]));
    expect(COMMANDS.some((c) => c.where.startsWith("docs/runbooks/") && /cdktf deploy dr/.test(c.command))).toBe(true);
    expect(WORKFLOW_ORDER.length).toBeGreaterThan(0);
    for (const name of WORKFLOW_ORDER) expect(stack(name), name).toBeDefined();
  });

  it.each(COMMANDS.map((c) => [`${c.where}: ${c.command}`, c.command] as const))("%s", (_, command) => {
    expect(commandProblem(command)).toBeUndefined();
  });
});

describe("the command check itself", () => {
  it("fails a platform stack deployed without its core stack, with cdktf's own message", () => {
    expect(commandProblem("npx cdktf deploy dev-platform")).toMatch(/^Usage Error: The following dependencies are not included in the stacks to run: dev\. Either add them or add the --ignore-missing-stack-dependencies flag\.$/);
    expect(commandProblem("npx cdktf deploy dev dev-platform")).toBeUndefined();
  });

  it("fails stacks listed against the synthesized dependencies or the deploy workflow's order", () => {
    expect(commandProblem("npx cdktf deploy dev-platform dev")).toMatch(/dev-platform is listed before dev, which it depends on/);
    const [first, second] = WORKFLOW_ORDER.filter((name) => (stack(name)?.dependencies ?? []).length === 0);
    expect(commandProblem(`npx cdktf deploy ${second} ${first}`)).toMatch(/the deploy workflow deploys them as/);
  });

  it("fails a destroy that leaves a dependant stack behind, an unknown stack and an unknown script", () => {
    expect(commandProblem("npx cdktf destroy dev")).toMatch(/dependant stacks are not included in the stacks to run: dev-cost-tags, dev-platform/);
    expect(commandProblem("npx cdktf diff nowhere")).toMatch(/Could not find stack: nowhere/);
    expect(commandProblem("npm run nothing:here")).toMatch(/no script "nothing:here"/);
  });
});
