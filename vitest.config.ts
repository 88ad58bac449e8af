type TestSpecification = import("vitest/node").TestSpecification;

// CommonJS on purpose: the package is CommonJS, and Vite warns about ESM syntax in a file it loads as
// CommonJS (its native config loader's rule). Node >= 20.19 loads these ESM-only packages with require().
const { defineConfig } = require("vitest/config") as typeof import("vitest/config");
const { BaseSequencer } = require("vitest/node") as typeof import("vitest/node");

/**
 * The longest files start first, longest first, so the short ones fill the other workers around
 * them. (Without a timing cache, vitest orders files by size, which put the longest last once
 * another end-to-end file grew.)
 */
const CRITICAL_PATH = "__tests__/e2e/dr-failover.test.ts";
const LONGEST_FIRST = [CRITICAL_PATH, "__tests__/e2e/dev-core.test.ts", "__tests__/e2e/state-backend.test.ts", "__tests__/e2e/ci-rehearsal.test.ts"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(path));
    const first = sorted.filter((file) => rank(file) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...first, ...sorted.filter((file) => rank(file) < 0)];
  }
}

/**
 * Three suites, run together by `npm test`:
 *  - unit:     synth-and-assert, in-process, seconds;
 *  - validate: `terraform init` + `terraform validate` of every AWS stack with the real provider;
 *  - e2e:      apply / plan / destroy against the local AWS emulator, started by the suite.
 */
module.exports = defineConfig({
  test: {
    // Three files at a time on two cores: the DR drill spends most of its time in the AWS provider's
    // waiters, while the rest of the run shares the other two workers; with four, the run was
    // CPU-bound (README "Tests": where CI's time goes). Each end-to-end file has its own emulator.
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    setupFiles: ["__tests__/support/creation-stacks.ts", "__tests__/support/cdktf-matchers.ts", "__tests__/support/critical-path-first.ts"],
    // The drill runs at normal CPU priority, every other file below it (critical-path-first.ts).
    provide: { criticalPath: CRITICAL_PATH },
    // One temp folder per run, removed at the end: tests leave nothing in the system temp folder.
    globalSetup: ["__tests__/support/temp-root.ts"],
    projects: [
      // Worker threads, not child processes: measured paired on the two-core machine, the same suite in less CPU time.
      { extends: true, test: { name: "unit", include: ["__tests__/unit/**/*.test.ts"], testTimeout: 60_000, isolate: false, pool: "threads" } },
      { extends: true, test: { name: "validate", include: ["__tests__/validate/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 } },
      { extends: true, test: { name: "e2e", include: ["__tests__/e2e/**/*.test.ts"], testTimeout: 1_800_000, hookTimeout: 1_800_000 } },
    ],
  },
});
