import { openSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, stopEmulator, type RunningEmulator } from "../../src/cli/emulator";
import { tempDir } from "./synth";

/** Starts a fresh AWS emulator for one test file; the returned stop() ends it. */
export async function startTestEmulator(): Promise<RunningEmulator & { stop(): void; logFile: string }> {
  const logFile = join(tempDir("emulator"), "moto.log");
  const emulator = await startEmulator({ logFile: openSync(logFile, "a") });
  return { ...emulator, logFile, stop: () => stopEmulator(emulator.pid) };
}
