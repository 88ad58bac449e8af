import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** The top level the design card fixes (README "Layout"). */
const ROOT = join(__dirname, "..", "..");
const DESIGN_CARD_TOP_LEVEL = ["main.ts", "src", "modules", "environments", "dr", "backend", "__tests__", "cdktf.json", "package.json", "tsconfig.json", "vitest.config.ts"];

describe("layout", () => {
  it("has every top-level entry the design card names", () => {
    expect(DESIGN_CARD_TOP_LEVEL.filter((entry) => !existsSync(join(ROOT, entry)))).toEqual([]);
  });

  it("loads vitest.config.ts without Vite's warning about ESM syntax in a CommonJS file", () => {
    // Loading the configuration is enough: a file filter that matches nothing runs no test.
    const run = spawnSync("npx", ["vitest", "list", "--project", "unit", "__tests__/unit/matches-no-file"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true" } });
    const output = `${run.stdout}${run.stderr}`;
    expect(output).not.toMatch(/Your Vite config uses features that are unsupported/);
    expect(output).not.toMatch(/ESM syntax in a file loaded as CommonJS/);
  });
});
