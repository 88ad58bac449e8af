import { defineConfig } from "vitest/config";

/**
 * Three suites, run together by `npm test`:
 *  - unit:     synth-and-assert, in-process, seconds;
 *  - validate: `terraform init` + `terraform validate` of every AWS stack with the real provider;
 *  - e2e:      apply / plan / destroy against the local AWS emulator, started by the suite.
 */
export default defineConfig({
  test: {
    // Two files at a time (the machines have two cores); each end-to-end file has its own emulator.
    maxWorkers: 2,
    setupFiles: ["__tests__/support/creation-stacks.ts", "__tests__/support/cdktf-matchers.ts"],
    // One temp folder per run, removed at the end: tests leave nothing in the system temp folder.
    globalSetup: ["__tests__/support/temp-root.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["__tests__/unit/**/*.test.ts"], testTimeout: 60_000, isolate: false } },
      { extends: true, test: { name: "validate", include: ["__tests__/validate/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 } },
      { extends: true, test: { name: "e2e", include: ["__tests__/e2e/**/*.test.ts"], testTimeout: 1_800_000, hookTimeout: 1_800_000 } },
    ],
  },
});
