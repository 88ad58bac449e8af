import { setPriority } from "node:os";
import { beforeAll, expect, inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test file the run's length depends on (vitest.config.ts). */
    criticalPath: string;
  }
}

/**
 * The run is as long as its critical path, the DR drill: a chain of applies that cannot overlap
 * (README "Where CI's time goes"). Every other file has time to spare, so its worker — and the
 * Terraform, provider and emulator processes it starts, which inherit the setting — runs at a
 * lower CPU priority: on two shared cores the drill's processes are served first.
 *
 * Nice 5, not more: with an unrelated CPU-bound process beside the run, nice 10 starved every other
 * file behind it (a fresh-clone CI run took 1194 s; two workers without priorities had taken 1133 s).
 */
const LOWER_PRIORITY = 5;

beforeAll(() => {
  const file = expect.getState().testPath;
  if (!file) throw new Error("critical-path-first: vitest named no test file");
  if (!file.endsWith(inject("criticalPath"))) setPriority(LOWER_PRIORITY);
});
