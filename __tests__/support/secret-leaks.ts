import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { awsApi } from "../../src/cli/aws-api";
import { tempDir } from "./synth";

/**
 * Every secret value the emulator's Secrets Manager holds in a region: each secret's whole string
 * and, for JSON secrets, every string field of it (a password alone is what a log would show).
 */
export function emulatorSecretValues(endpoint: string, region: string): { name: string; value: string }[] {
  const { SecretList } = awsApi<{ SecretList: { Name: string; ARN: string }[] }>(endpoint, "secretsmanager", region, "list_secrets");
  return SecretList.flatMap(({ Name, ARN }) => {
    const { SecretString } = awsApi<{ SecretString?: string }>(endpoint, "secretsmanager", region, "get_secret_value", { SecretId: ARN });
    if (!SecretString) return [];
    let fields: string[] = [];
    try {
      const parsed = JSON.parse(SecretString) as unknown;
      if (parsed && typeof parsed === "object") fields = Object.values(parsed).filter((v): v is string => typeof v === "string" && v.length >= 12);
    } catch {
      // not JSON: the whole string is the value
    }
    return [SecretString, ...fields].map((value) => ({ name: Name, value }));
  });
}

/** The files inside a saved plan (a zip: the plan, the prior state, the configuration), as text. */
export function savedPlanContents(planFile: string): { file: string; text: string }[] {
  const dir = mkdtempSync(join(tempDir("saved-plan"), "x"));
  const unzipped = spawnSync("unzip", ["-q", "-o", planFile, "-d", dir], { encoding: "utf8" });
  if (unzipped.status !== 0) throw new Error(`unzip ${planFile}: ${unzipped.stderr}`);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  if (files.length === 0) throw new Error(`${planFile} holds no files`);
  return files.map((entry) => ({ file: entry.name, text: readFileSync(join(entry.parentPath, entry.name), "latin1") }));
}
