import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup: every temporary folder of the run (synth output, cdktf's own
 * `cdktf.outdir.*`, end-to-end workspaces, emulator logs) goes under one folder of the system temp
 * folder, removed when the run ends (Vitest tears every project's global setup down when it
 * closes), so tests leave nothing behind. PIPEOPS_KEEP_TEST_TMP=1 keeps it for a post-mortem.
 *
 * Each project runs this setup; only the first makes the folder, so it is never nested. The name is
 * short on purpose: Terraform's providers put their plugin sockets in TMPDIR, and a Unix socket
 * path may not exceed 107 characters.
 */
const OWNER = "PIPEOPS_TEST_TMP";

export default function setup(): () => void {
  if (process.env[OWNER]) return () => {};
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), "pipeops-t-"));
  process.env[OWNER] = root;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    delete process.env[OWNER];
    if (process.env.PIPEOPS_KEEP_TEST_TMP === "1") console.log(`test temp folder kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
