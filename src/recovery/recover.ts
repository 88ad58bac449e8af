import { existsSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AmbiguousObjectError, EXISTING_OBJECT_FINDERS, type AwsCall, type LookupContext, type PlannedCreate } from "./existing-objects";

/**
 * Recovery of a stack whose `terraform apply` was killed (SIGKILL, a lost machine, a CI runner
 * that vanished): the steps of the README's "When things go wrong", in order.
 *
 * 1. Release the state lock the dead apply still holds (S3 lock file and DynamoDB item), once no
 *    Terraform process is running in the stack's folder.
 * 2. Push `errored.tfstate` when Terraform wrote one (it does when it could not save the state).
 * 3. Import what the apply created but never recorded: for every planned create, the object found
 *    through the project's finder table is imported (a targeted apply of import blocks), pass by
 *    pass, because an import ID may depend on an object imported in the pass before (a route on
 *    its route table). Imports Terraform reports as non-existent are dropped.
 *
 * What is left is created by the next deploy, as it should be.
 */

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RecoveryOptions {
  readonly stackDir: string;
  readonly terraform: (args: string[]) => TerraformRun;
  /** The AWS API in a region (the stack's provider region). */
  readonly awsIn: (region: string) => AwsCall;
  readonly accountId: string;
  readonly log?: (line: string) => void;
}

export interface RecoveryReport {
  /** The ID of the stale lock that was released, if there was one. */
  readonly releasedLock?: string;
  readonly pushedErroredState: boolean;
  /** address → import ID of every object imported. */
  readonly imported: Readonly<Record<string, string>>;
  /** Planned creates with no existing object: the next deploy creates them. */
  readonly toCreate: readonly string[];
  /** Planned creates of types whose second create is harmless, with the reason. */
  readonly createAgain: Readonly<Record<string, string>>;
}

const IMPORTS_FILE = "recovery-imports.tf.json";
const PLAN_FILE = "recovery.tfplan";
const MAX_PASSES = 6;

export function recoverStack(options: RecoveryOptions): RecoveryReport {
  const log = options.log ?? (() => undefined);
  const { stackDir } = options;
  if (!existsSync(join(stackDir, "cdk.tf.json"))) throw new Error(`${stackDir} holds no synthesized stack (cdk.tf.json). Fix: synthesize first (npx cdktf synth).`);
  refuseWhileTerraformRuns(stackDir);
  ok(options, ["init", "-input=false"]);

  const releasedLock = releaseStaleLock(options);
  if (releasedLock) log(`released the stale state lock ${releasedLock}`);

  const errored = join(stackDir, "errored.tfstate");
  const pushedErroredState = existsSync(errored);
  if (pushedErroredState) {
    ok(options, ["state", "push", "errored.tfstate"]);
    renameSync(errored, `${errored}.pushed-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    log("pushed errored.tfstate to the backend");
  }

  const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as LookupContext["config"];
  // The stack's own region is its default (unaliased) provider's.
  const region = config.provider?.aws?.find((provider) => provider.alias === undefined)?.region;
  if (!region) throw new Error(`${stackDir}/cdk.tf.json configures no AWS provider region: recovery only knows AWS stacks.`);
  const context: LookupContext = { aws: options.awsIn(region), awsIn: options.awsIn, region, accountId: options.accountId, config };
  const imported: Record<string, string> = {};
  let remaining: PlannedCreate[] = [];
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      remaining = plannedCreates(options);
      const candidates = importCandidates(remaining, context);
      if (Object.keys(candidates).length === 0) break;
      const done = importPass(options, candidates);
      Object.assign(imported, done);
      log(`pass ${pass}: imported ${Object.keys(done).length} object(s): ${Object.keys(done).join(", ")}`);
      if (Object.keys(done).length === 0) break;
    }
  } finally {
    rmSync(join(stackDir, IMPORTS_FILE), { force: true });
    rmSync(join(stackDir, PLAN_FILE), { force: true });
  }

  const createAgain: Record<string, string> = {};
  const toCreate: string[] = [];
  for (const create of remaining) {
    const finder = EXISTING_OBJECT_FINDERS[create.type];
    if (finder?.kind === "create-again") createAgain[create.address] = finder.why;
    else toCreate.push(create.address);
  }
  return { releasedLock, pushedErroredState, imported, toCreate, createAgain };
}

function ok(options: RecoveryOptions, args: string[]): string {
  const result = options.terraform(args);
  if (result.code !== 0) throw new Error(`terraform ${args[0]} failed in ${options.stackDir}:\n${result.stderr}`);
  return result.stdout;
}

/** A live Terraform process in this folder still owns the lock: releasing it would let two applies write one state. */
function refuseWhileTerraformRuns(stackDir: string): void {
  if (!existsSync("/proc")) return;
  const wanted = resolve(stackDir);
  const alive = readdirSync("/proc").find((pid) => /^\d+$/.test(pid) && isTerraformIn(pid, wanted));
  if (alive) throw new Error(`terraform (pid ${alive}) is still running in ${stackDir}. Fix: let it finish or stop it (Ctrl-C lets it release the lock itself), then run recovery.`);
}

function isTerraformIn(pid: string, dir: string): boolean {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    return /(^|\/)terraform$/.test(command) && readlinkSync(`/proc/${pid}/cwd`) === dir;
  } catch {
    return false; // the process ended while we looked, or is not ours to read
  }
}

/** Asks for the lock with a plan that touches nothing; a held lock's ID comes back in the error. */
function releaseStaleLock(options: RecoveryOptions): string | undefined {
  const probe = options.terraform(["plan", "-input=false", "-refresh=false", "-lock-timeout=1s", "-target=terraform_data.recovery_lock_probe"]);
  if (!/Error acquiring the state lock/.test(probe.stderr)) return undefined;
  const id = /\bID:\s+(\S+)/.exec(probe.stderr)?.[1];
  if (!id) throw new Error(`the state of ${options.stackDir} is locked, but Terraform did not say by which lock:\n${probe.stderr}`);
  ok(options, ["force-unlock", "-force", id]);
  return id;
}

interface PlanJson {
  resource_changes?: { address: string; type: string; mode: string; change: { actions: string[]; after: Record<string, unknown> | null } }[];
}

function plannedCreates(options: RecoveryOptions): PlannedCreate[] {
  // No refresh: what matters is which resources the state lacks, not drift of those it has.
  ok(options, ["plan", "-input=false", "-refresh=false", "-lock-timeout=30s", `-out=${PLAN_FILE}`]);
  const plan = JSON.parse(ok(options, ["show", "-json", PLAN_FILE])) as PlanJson;
  return (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed" && change.change.actions.includes("create") && !change.change.actions.includes("delete"))
    .map((change) => ({ address: change.address, type: change.type, after: change.change.after ?? {} }));
}

/**
 * The import ID of every planned create whose object exists. An ID made of another orphan's ID (a
 * route's route table) is unknown in the plan; it is filled in from that orphan's candidate, so
 * one pass imports both.
 */
export function importCandidates(creates: readonly PlannedCreate[], context: LookupContext): Record<string, string> {
  const candidates: Record<string, string> = {};
  let found = true;
  while (found) {
    found = false;
    for (const create of creates) {
      const finder = EXISTING_OBJECT_FINDERS[create.type];
      if (finder?.kind !== "import" || candidates[create.address]) continue;
      const id = findId(finder.id, { ...create, after: withOrphanIds(create, context, candidates) }, inProviderRegion(create, context));
      if (id) {
        candidates[create.address] = id;
        found = true;
      }
    }
  }
  return candidates;
}

/**
 * The context as the resource's own provider sees it: a resource of an aliased provider (prod's
 * backup-replication key in the DR region) is looked up in that provider's region.
 */
function inProviderRegion(create: PlannedCreate, context: LookupContext): LookupContext {
  const [type, name] = create.address.split(".") as [string, string];
  const alias = String(context.config.resource?.[type]?.[name]?.provider ?? "").replace(/^aws\./, "");
  const region = alias ? context.config.provider?.aws?.find((provider) => provider.alias === alias)?.region : undefined;
  return region && region !== context.region ? { ...context, region, aws: context.awsIn(region) } : context;
}

function findId(find: (create: PlannedCreate, context: LookupContext) => string | undefined, create: PlannedCreate, context: LookupContext): string | undefined {
  try {
    return find(create, context);
  } catch (error) {
    if (error instanceof AmbiguousObjectError || !/NotFound|NoSuch/.test(String(error))) throw error;
    return undefined;
  }
}

/** Planned values, with each unknown `${type.name.id}` reference to a found orphan replaced by its ID. */
function withOrphanIds(create: PlannedCreate, context: LookupContext, candidates: Record<string, string>): Record<string, unknown> {
  const [type, name] = create.address.split(".") as [string, string];
  const configured = context.config.resource?.[type]?.[name] ?? {};
  const after: Record<string, unknown> = { ...create.after };
  for (const [attribute, value] of Object.entries(configured)) {
    const reference = typeof value === "string" ? /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.id\}$/.exec(value)?.[1] : undefined;
    if (after[attribute] === undefined && reference && candidates[reference]) after[attribute] = candidates[reference];
  }
  return after;
}

/** Imports the candidates (a targeted apply of import blocks); drops those Terraform finds no object for, and retries. */
function importPass(options: RecoveryOptions, candidates: Record<string, string>): Record<string, string> {
  const pending = { ...candidates };
  while (Object.keys(pending).length > 0) {
    const blocks = Object.entries(pending).map(([to, id]) => ({ to, id }));
    writeFileSync(join(options.stackDir, IMPORTS_FILE), JSON.stringify({ import: blocks }, null, 2));
    const targets = Object.keys(pending).map((address) => `-target=${address}`);
    const result = options.terraform(["apply", "-input=false", "-auto-approve", "-lock-timeout=30s", ...targets]);
    if (result.code === 0) return pending;
    const missing = Object.keys(pending).filter((address) => result.stderr.includes(`"${address}"`) || result.stderr.includes(`to ${address}`) || result.stderr.includes(`with ${address}`));
    if (missing.length === 0) throw new Error(`importing into ${options.stackDir} failed:\n${result.stderr}`);
    for (const address of missing) delete pending[address];
  }
  return pending;
}
