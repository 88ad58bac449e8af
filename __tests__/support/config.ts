import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { buildApp } from "../../src/app";
import { ConfigError } from "../../src/config/validate";
import type { EnvironmentInput } from "../../src/config/types";
import { dev, prod, staging } from "../../environments";
import { PROJECT_ENVIRONMENT_NAMES, REPLICA_WIRING, WAIVERS } from "../../main";
import { AWS, tempDir } from "./synth";

/** Builds and synthesizes into a fresh folder; returns the error and whatever was written. */
export function synthWith(environments: readonly EnvironmentInput[]): { error: unknown; written: string[] } {
  const outdir = join(tempDir("invalid"), "cdktf.out");
  let error: unknown;
  try {
    buildApp({ environments, waivers: WAIVERS, projectEnvironmentNames: PROJECT_ENVIRONMENT_NAMES, replicaWiring: REPLICA_WIRING, target: AWS, localStateDir: "/project/state", outdir }).app.synth();
  } catch (caught) {
    error = caught;
  }
  return { error, written: existsSync(outdir) ? readdirSync(outdir, { recursive: true }).map(String) : [] };
}

/** Refused as a ConfigError matching every pattern (field and fix), with nothing written. */
export function expectRefused(environments: readonly EnvironmentInput[], ...patterns: RegExp[]): ConfigError {
  const { error, written } = synthWith(environments);
  expect(error).toBeInstanceOf(ConfigError);
  for (const pattern of patterns) expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).toMatch(/Fix: /);
  expect(written, "nothing may be written for an invalid config").toEqual([]);
  return error as ConfigError;
}

/** The shipped dev, staging and prod, with dev changed by `patch`. */
export const withDev = (patch: (env: EnvironmentInput) => EnvironmentInput): EnvironmentInput[] => [patch(structuredClone(dev)), staging, prod];
