import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/synth";
import { projectTypeScript } from "../support/project-files";

/**
 * The folder boundaries (README "Layout", rules in .dependency-cruiser.cjs): data flows one way,
 * main.ts → src/app → src/stacks → backend/, dr/, modules/, everything on the shared base, and
 * modules/ self-contained. dependency-cruiser checks every import of the project's own code.
 */

const ROOT = join(__dirname, "..", "..");
const config = createRequire(__filename)(join(ROOT, ".dependency-cruiser.cjs")) as { forbidden: unknown[]; options: Record<string, unknown> };

/** The project's TypeScript, tests aside. (Listed explicitly: TypeScript 7 has no compiler API for directory scanning.) */
const projectFiles = (dir: string) => projectTypeScript(dir);

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

async function violationsIn(baseDir: string, files: string[]): Promise<string[]> {
  const { cruise } = await import("dependency-cruiser");
  const { exclude, doNotFollow, enhancedResolveOptions } = config.options as Record<string, never>;
  const result = await cruise(
    files,
    { baseDir, validate: true, ruleSet: { forbidden: config.forbidden } as never, exclude, doNotFollow, enhancedResolveOptions, outputType: "json" } as never,
  );
  const output = typeof result.output === "string" ? (JSON.parse(result.output) as { summary: { violations: Violation[] } }) : (result.output as { summary: { violations: Violation[] } });
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe("folder boundaries", () => {
  it("hold for every import of the project", async () => {
    const files = projectFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(["main.ts", "src/app.ts", "modules/network/network.ts", "backend/state-backend.ts", "dr/replication.ts"]));
    expect(await violationsIn(ROOT, files)).toEqual([]);
  });

  it("fail on a deliberate back-edge: a module reaching into the config, backend into a stack or the target, src into DR", async () => {
    const dir = tempDir("back-edge");
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write("src/config/types.ts", "export interface EnvironmentConfig { readonly name: string }\n");
    write("src/stacks/core-stack.ts", "export const CORE = 1;\n");
    write("modules/network/network.ts", 'import type { EnvironmentConfig } from "../../src/config/types";\nexport type Env = EnvironmentConfig;\n');
    write("backend/state-backend.ts", 'import { CORE } from "../src/stacks/core-stack";\nexport const USED = CORE;\n');
    write("src/config/schema.ts", 'import { CORE } from "../stacks/core-stack";\nexport const X = CORE;\n');
    // The two doors that used to stand open: the state location bounced into src/target, and the core stack imported DR.
    write("src/target.ts", "export const TARGET = 1;\n");
    write("backend/github-oidc.ts", 'import { TARGET } from "../src/target";\nexport const T = TARGET;\n');
    write("dr/replication.ts", "export const DR_REPLICATION = 1;\n");
    write("src/app.ts", 'import { DR_REPLICATION } from "../dr/replication";\nexport const WIRED = DR_REPLICATION;\n');
    expect(await violationsIn(dir, projectFiles(dir))).toEqual(
      expect.arrayContaining([
        "modules-are-self-contained: modules/network/network.ts → src/config/types.ts",
        "backend-takes-its-inputs-as-props: backend/state-backend.ts → src/stacks/core-stack.ts",
        "shared-base-imports-nothing-above-it: src/config/schema.ts → src/stacks/core-stack.ts",
        "backend-takes-its-inputs-as-props: backend/github-oidc.ts → src/target.ts",
        "dr-is-composed-from-the-root: src/app.ts → dr/replication.ts",
      ]),
    );
  });
});
