import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: every temporary folder of the run (synth output, cdktf's own
 * `cdktf.outdir.*`, end-to-end workspaces and emulator logs) goes under one folder of the system
 * temp folder, removed when the run ends, so tests leave nothing behind. Set
 * PIPEOPS_KEEP_TEST_TMP=1 to keep it for a post-mortem (its path is printed).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "pipeops-test-run-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.PIPEOPS_KEEP_TEST_TMP === "1") console.log(`test temp folder kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
