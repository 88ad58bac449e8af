import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { EMULATOR } from "../config/versions";

/**
 * Starts and stops the local AWS emulator (moto's server application, served by
 * `emulator-server.py`: one request at a time inside moto, SDK retries answered once) on a free
 * loopback port. Used by `npm run local:up/down` and by the end-to-end test suite.
 */

const MOTO_VERSION = EMULATOR.moto.version;
const EMULATOR_SERVER = join(__dirname, "emulator-server.py");

export interface RunningEmulator {
  readonly endpoint: string;
  readonly pid: number;
}

/** A free loopback port: `preferred` when it is free (so a restarted emulator keeps its endpoint), any other otherwise. */
export async function freeLoopbackPort(preferred?: number): Promise<number> {
  if (preferred !== undefined) {
    const taken = await listenOn(preferred).then(
      () => false,
      () => true,
    );
    if (!taken) return preferred;
  }
  return listenOn(0);
}

/** Listens on a loopback port for a moment: resolves with the port it got, rejects when it is taken. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The installed moto's version, or undefined when python3 cannot import moto's server. */
function installedMotoVersion(): string | undefined {
  const result = spawnSync("python3", ["-c", "import moto, moto.server; print(moto.__version__)"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** GETs a path of the emulator (self-signed HTTPS on loopback) and returns the body. */
export function emulatorGet(endpoint: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpsGet(`${endpoint}${path}`, { rejectUnauthorized: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${response.statusCode}: ${body}`))));
    });
    request.on("error", reject);
  });
}

async function waitUntilServing(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await emulatorGet(endpoint, "/moto-api/data.json");
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the AWS emulator at ${endpoint} did not answer within ${timeoutMs} ms (${String(lastError)})`);
}

/** Starts the emulator detached on a free loopback port (`preferredPort` when free) and waits until it answers. */
export async function startEmulator(options: { logFile?: number | "ignore"; timeoutMs?: number; preferredPort?: number } = {}): Promise<RunningEmulator> {
  const installed = installedMotoVersion();
  if (installed === undefined) {
    throw new Error(`python3 cannot import moto's server. Fix: install it with \`pip install 'moto[server]==${MOTO_VERSION}'\`.`);
  }
  if (installed !== MOTO_VERSION) console.warn(`moto ${installed} is installed; the emulator is built and tested with ${MOTO_VERSION} (pip install 'moto[server]==${MOTO_VERSION}').`);
  const port = await freeLoopbackPort(options.preferredPort);
  // HTTPS (a throw-away certificate): bucket policies that refuse plain HTTP hold on the emulator too.
  const endpoint = `https://127.0.0.1:${port}`;
  const output = options.logFile ?? "ignore";
  const child = spawn("python3", [EMULATOR_SERVER, "-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", output, output],
    // AWS managed IAM policies (AmazonEKSClusterPolicy, ReadOnlyAccess, …) exist only when loaded.
    // moto issues a requested ACM certificate this many seconds after the request, whether or not
    // its validation record exists (real ACM: once the record resolves); its default is 60.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true", MOTO_ACM_VALIDATION_WAIT: "3" },
  });
  child.unref();
  if (child.pid === undefined) throw new Error("could not start the AWS emulator (python3 emulator-server.py)");
  try {
    await waitUntilServing(endpoint, options.timeoutMs ?? 30_000);
  } catch (error) {
    stopEmulator(child.pid);
    throw error;
  }
  return { endpoint, pid: child.pid };
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function stopEmulator(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGTERM");
    } catch {
      // already gone
    }
  }
}
