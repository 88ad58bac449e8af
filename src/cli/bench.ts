import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { floorSpecOf } from "./bench-floor";

/**
 * npm run bench [-- --pairs 5] [--unit-runs 3] [--synth-only] [--enforce]
 *
 * Measures the two speed bars of the project on this machine:
 *  - synth: `npx tsx main.ts` (the app cdktf synth runs, local target: the shipped documentation
 *    names are refused for AWS) against its floor, src/cli/bench-floor.ts — the same stacks,
 *    resources and data sources as plain values, without the project's own work — in paired runs
 *    (real and floor one after the other, the order alternating); the bar is the median ratio;
 *  - the unit suite: `npx vitest run --project unit`, wall time; the bar is the median.
 * Each prints its median and spread (fastest–slowest), and the CPU time of the runs, which a
 * loaded machine stretches less than wall time. It exits non-zero when a run fails, and with
 * --enforce also when a median is over its bar; without it the bars are reported only, since on
 * a shared machine another process can push any run over.
 */

export const SYNTH_RATIO_BAR = 1.3;
export const UNIT_SUITE_BAR_SECONDS = 8;

const root = join(__dirname, "..", "..");
const { values: options } = parseArgs({
  options: {
    pairs: { type: "string", default: "5" },
    "unit-runs": { type: "string", default: "3" },
    "synth-only": { type: "boolean", default: false },
    enforce: { type: "boolean", default: false },
  },
});
const count = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}=${value} is not a positive whole number.`);
  return n;
};
const pairs = count("pairs", options.pairs!);
const unitRuns = count("unit-runs", options["unit-runs"]!);

/** CPU seconds (user + system) of the finished children of this process, where Linux tells (/proc). */
function childrenCpuSeconds(): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 per second on Linux).
  const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Run {
  readonly wall: number;
  readonly cpu?: number;
}

function timed(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(`${what} failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  const cpuAfter = childrenCpuSeconds();
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const spread = (values: readonly number[], digits: number, unit = "") => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}${unit}`;
const seconds = (value: number) => `${value.toFixed(2)} s`;
const load = () => loadavg().map((value) => value.toFixed(1)).join(" ");
const verdicts: string[] = [];
function against(what: string, value: number, bar: number, shown: string): string {
  const within = value <= bar;
  if (!within) verdicts.push(`${what} ${shown} is over its bar`);
  return within ? "within the bar" : "OVER the bar";
}

console.log(`Machine: ${availableParallelism()} cores; load average (1, 5, 15 min) ${load()} at the start.`);

const work = mkdtempSync(join(tmpdir(), "pipeops-bench-"));
try {
  // The app as `cdktf synth` runs it; an emulator endpoint is named but not contacted.
  const realEnv = { PIPEOPS_TARGET: "local", PIPEOPS_LOCAL_ENDPOINT: "https://127.0.0.1:4566", CDKTF_OUTDIR: join(work, "real") };
  const real = () => timed("npx tsx main.ts", "npx", ["tsx", "main.ts"], realEnv);
  real(); // warm-up: tsx's transform cache, and the output the floor is read from
  const spec = floorSpecOf(realEnv.CDKTF_OUTDIR);
  const specFile = join(work, "floor.json");
  writeFileSync(specFile, JSON.stringify(spec));
  const floor = () => timed("the floor app", "npx", ["tsx", "src/cli/bench-floor.ts", specFile, join(work, "floor")]);
  floor();
  const resources = spec.reduce((sum, stack) => sum + Object.values(stack.resource).reduce((n, byName) => n + Object.keys(byName).length, 0), 0);
  const dataSources = spec.reduce((sum, stack) => sum + Object.values(stack.data).reduce((n, byName) => n + Object.keys(byName).length, 0), 0);
  console.log(`\nSynth: npx tsx main.ts against its floor (${spec.length} stacks, ${resources} resources and ${dataSources} data sources as plain values), ${pairs} pairs`);
  const measured: { real: Run; floor: Run }[] = [];
  for (let i = 0; i < pairs; i++) {
    let pair: { real: Run; floor: Run };
    if (i % 2 === 0) {
      const first = real();
      pair = { real: first, floor: floor() };
    } else {
      const first = floor();
      pair = { real: real(), floor: first };
    }
    measured.push(pair);
    console.log(`  pair ${i + 1}: main.ts ${seconds(pair.real.wall)}, floor ${seconds(pair.floor.wall)}, ratio ${(pair.real.wall / pair.floor.wall).toFixed(2)}`);
  }
  const ratios = measured.map(({ real, floor }) => real.wall / floor.wall);
  const ratio = median(ratios);
  console.log(`  median: main.ts ${seconds(median(measured.map((p) => p.real.wall)))} (${spread(measured.map((p) => p.real.wall), 2, " s")}), floor ${seconds(median(measured.map((p) => p.floor.wall)))} (${spread(measured.map((p) => p.floor.wall), 2, " s")})`);
  const cpu = measured.every((p) => p.real.cpu !== undefined && p.floor.cpu !== undefined) ? measured.map((p) => p.real.cpu! / p.floor.cpu!) : undefined;
  if (cpu) console.log(`  CPU time ratio: median ${median(cpu).toFixed(2)} (${spread(cpu, 2)})`);
  console.log(`  RATIO ${ratio.toFixed(2)}× (pairs ${spread(ratios, 2)}), bar ${SYNTH_RATIO_BAR}×: ${against("the synth ratio", ratio, SYNTH_RATIO_BAR, `${ratio.toFixed(2)}×`)}`);

  if (!options["synth-only"]) {
    console.log(`\nUnit suite: npx vitest run --project unit, ${unitRuns} runs`);
    const runs: Run[] = [];
    for (let i = 0; i < unitRuns; i++) {
      runs.push(timed("the unit suite", "npx", ["vitest", "run", "--project", "unit"]));
      console.log(`  run ${i + 1}: ${seconds(runs[i]!.wall)}${runs[i]!.cpu === undefined ? "" : ` (CPU ${seconds(runs[i]!.cpu!)})`}`);
    }
    const walls = runs.map((run) => run.wall);
    const suite = median(walls);
    console.log(`  MEDIAN ${seconds(suite)} (${spread(walls, 2, " s")}), bar ${UNIT_SUITE_BAR_SECONDS} s: ${against("the unit suite", suite, UNIT_SUITE_BAR_SECONDS, seconds(suite))}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log(`\nLoad average at the end: ${load()}.`);
if (verdicts.length > 0) {
  console.log(`${verdicts.join("; ")}.${options.enforce ? "" : " (Reported only: run with --enforce to fail on it.)"}`);
  if (options.enforce) process.exit(1);
}
