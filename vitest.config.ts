type TestSpecification = import("vitest/node").TestSpecification;

// CommonJS on purpose: the package is CommonJS, and Vite warns about ESM syntax in a file it loads as
// CommonJS (its native config loader's rule). Node >= 20.19 loads these ESM-only packages with require().
const { defineConfig } = require("vitest/config") as typeof import("vitest/config");
const { BaseSequencer } = require("vitest/node") as typeof import("vitest/node");

/**
 * The DR failover end-to-end file alone takes about 12 of the run's 13 minutes: it starts first,
 * and the other files share the second worker meanwhile. (Without a timing cache, vitest orders
 * files by size, which put it last once another end-to-end file grew.)
 */
const LONGEST_FIRST = ["__tests__/e2e/dr-failover.test.ts"];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (file: TestSpecification) => LONGEST_FIRST.some((path) => file.moduleId.endsWith(path));
    return [...sorted.filter(first), ...sorted.filter((file) => !first(file))];
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
    // Two files at a time (the machines have two cores); each end-to-end file has its own emulator.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    setupFiles: ["__tests__/support/creation-stacks.ts", "__tests__/support/cdktf-matchers.ts"],
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
