import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing, type TerraformStack } from "cdktf";
import { buildApp } from "../../src/app";
import { resolveStacks, type GuardrailReport, type ResolvedStack } from "../../src/guardrails";
import type { EnvironmentInput } from "../../src/config/types";
import type { DeploymentTarget } from "../../src/target";
import { ENVIRONMENTS, PROJECT_ENVIRONMENT_NAMES, REPLICA_WIRING, WAIVERS } from "../../main";
import { isObjectsRelease, objectsOfRelease } from "../../modules/platform/objects-release";

export const AWS: DeploymentTarget = { kind: "aws" };
export const LOCAL: DeploymentTarget = { kind: "local", endpoint: "https://127.0.0.1:4566" };

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pipeops-${prefix}-`));
}

/** Builds the whole app in memory (nothing written) for one target. */
export function buildTestApp(target: DeploymentTarget = AWS, environments: readonly EnvironmentInput[] = ENVIRONMENTS) {
  return buildApp({ environments, waivers: WAIVERS, projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, replicaWiring: REPLICA_WIRING, target, localStateDir: "/project/state", outdir: tempDir("synth") });
}

const sharedApps = new Map<string, ReturnType<typeof buildTestApp>>();

/**
 * The app of the shipped environments for one target, built once per test worker and shared by
 * every test file that only reads it (the unit project runs files in one module graph per worker).
 * Never change it; build your own with buildTestApp for a variant.
 */
export function sharedTestApp(target: DeploymentTarget = AWS): ReturnType<typeof buildTestApp> {
  const key = JSON.stringify(target);
  let built = sharedApps.get(key);
  if (!built) sharedApps.set(key, (built = buildTestApp(target)));
  return built;
}

const managedDevApps = new Map<string, ReturnType<typeof buildTestApp>>();

/**
 * dev alone on EKS managed node groups instead of Auto Mode, for one target: the variant several
 * files check, built once per worker. Never change it.
 */
export function managedNodeGroupsDev(target: DeploymentTarget = AWS): ReturnType<typeof buildTestApp> {
  const key = JSON.stringify(target);
  let built = managedDevApps.get(key);
  const dev = ENVIRONMENTS.find((env) => env.name === "dev")!;
  if (!built) managedDevApps.set(key, (built = buildTestApp(target, [{ ...structuredClone(dev), eks: { ...dev.eks, computeMode: "managed-node-groups" } }])));
  return built;
}

const sharedResolutions = new WeakMap<object, readonly ResolvedStack[]>();

/**
 * A shared app's stacks resolved once per worker, as its synth resolves them (resolveStacks), for
 * every reader: synthStack, the guardrails report and the written app. Undefined for other apps.
 */
function sharedResolution(built: ReturnType<typeof buildTestApp>): readonly ResolvedStack[] | undefined {
  if (![...sharedApps.values()].includes(built)) return undefined;
  let resolved = sharedResolutions.get(built.app);
  if (!resolved) sharedResolutions.set(built.app, (resolved = resolveStacks(built.app)));
  return resolved;
}

const sharedReports = new WeakMap<object, GuardrailReport>();

/** The guardrails report of the shared app of a target (its guardrails' check()), once per worker. */
export function sharedReport(target: DeploymentTarget = AWS): GuardrailReport {
  const built = sharedTestApp(target);
  let report = sharedReports.get(built.app);
  if (!report) sharedReports.set(built.app, (report = built.guardrails.check(sharedResolution(built))));
  return report;
}

const written = new WeakSet<object>();

/** The shared app of a target written to its output folder (its guarded app.synth()), once per worker; returns that folder. */
export function writtenSharedApp(target: DeploymentTarget = AWS): string {
  const built = sharedTestApp(target);
  if (!written.has(built.app)) {
    built.guardrails.synth(sharedResolution(built));
    written.add(built.app);
  }
  return built.app.outdir;
}

export function stackOf(built: ReturnType<typeof buildTestApp>, name: string): TerraformStack {
  const stack = built.app.node.tryFindChild(name);
  if (!stack) throw new Error(`no stack named ${name}`);
  return stack as TerraformStack;
}

/** A synthesized stack: the JSON string for cdktf's matchers and the parsed document for queries. */
export interface SynthesizedStack {
  readonly text: string;
  readonly json: TerraformJson;
}

export interface TerraformJson {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_providers?: Record<string, unknown> };
  provider?: Record<string, Record<string, unknown>[]>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown; sensitive?: boolean; description?: string }>;
}

/** Keys sorted and cdktf's metadata (`//`) left out, as cdktf's Testing.synth renders a stack. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value).filter((key) => key !== "//").sort();
  return Object.fromEntries(keys.map((key) => [key, withoutMetadata((value as Record<string, unknown>)[key])]));
}

/** A stack's JSON as Testing.synth renders it. */
export function testingText(json: object): string {
  return JSON.stringify(withoutMetadata(json), null, 2);
}

const synthesized = new WeakMap<object, Map<string, string>>();

/**
 * Synthesizes one stack of an app, once per app and stack (Testing.synth; a shared app's from its
 * one resolution of every stack); each call gets its own parsed copy.
 */
export function synthStack(built: ReturnType<typeof buildTestApp>, name: string): SynthesizedStack {
  let texts = synthesized.get(built.app);
  if (!texts) synthesized.set(built.app, (texts = new Map()));
  let text = texts.get(name);
  if (text === undefined) {
    const resolved = sharedResolution(built)?.find(({ stack }) => stack.node.id === name);
    texts.set(name, (text = resolved ? testingText(resolved.json) : Testing.synth(stackOf(built, name))));
  }
  return { text, json: JSON.parse(text) as TerraformJson };
}

/** All resources of one type in a synthesized stack, as [id, body] pairs. */
export function resourcesOf(stack: SynthesizedStack, type: string): [string, Record<string, unknown>][] {
  return Object.entries(stack.json.resource?.[type] ?? {});
}

/** A Kubernetes object a platform stack writes, and the Terraform resource that writes it. */
export interface WrittenObject {
  /** `kubernetes_manifest.<id>`, or `helm_release.<id>` of a release of the objects chart. */
  readonly address: string;
  readonly resource: Record<string, any>;
  readonly object: Record<string, any>;
}

/**
 * The Kubernetes objects of one kind a platform stack writes as objects: `kubernetes_manifest`
 * resources and the objects of its objects-chart releases (modules/platform/objects-release.ts).
 */
export function objectsOf(stack: SynthesizedStack, kind?: string): WrittenObject[] {
  const manifests = resourcesOf(stack, "kubernetes_manifest").map(([id, body]) => ({ address: `kubernetes_manifest.${id}`, resource: body, object: body.manifest as Record<string, any> }));
  const released = resourcesOf(stack, "helm_release")
    .filter(([, body]) => isObjectsRelease(body))
    .flatMap(([id, body]) => objectsOfRelease(body).map((object) => ({ address: `helm_release.${id}`, resource: body, object: object as Record<string, any> })));
  return [...manifests, ...released].filter((written) => kind === undefined || written.object.kind === kind);
}

/** The Kubernetes objects of one kind a platform stack writes (objectsOf, the objects alone). */
export function manifestsOf(stack: SynthesizedStack, kind: string): Record<string, any>[] {
  return objectsOf(stack, kind).map((written) => written.object);
}

export function onlyResource(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  return found[0]![1];
}
