import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PROVIDERS } from "../config/versions";

/**
 * Terraform CLI configuration for machines without access to the Terraform registry: when a
 * filesystem provider mirror holding hashicorp/aws is present, `terraform init` installs from it.
 *
 * The mirror is found from TF_PROVIDER_MIRROR (a folder containing registry.terraform.io/…) or,
 * failing that, by searching the local filesystem once; the result is cached in the written file.
 */

/** The hashicorp/aws version the stacks need (the versions catalog), as the mirror must hold it. */
export const AWS_PROVIDER_VERSION = PROVIDERS.aws.version;
const PROVIDER_PATH_SUFFIX = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);

function mirrorRootFromBinary(binaryPath: string): string {
  // <root>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_…
  return resolve(dirname(binaryPath), "..", "..", "..", "..", "..");
}

export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.TF_PROVIDER_MIRROR;
  if (configured) {
    if (!existsSync(join(configured, PROVIDER_PATH_SUFFIX))) {
      throw new Error(`TF_PROVIDER_MIRROR=${configured} holds no ${PROVIDER_PATH_SUFFIX}. Fix: point it at the folder that contains registry.terraform.io/.`);
    }
    return configured;
  }
  let found = "";
  try {
    const skipped = ["node_modules", ".terraform", ".git", "proc"].flatMap((name, i) => (i === 0 ? ["-name", name] : ["-o", "-name", name]));
    found = execFileSync("find", ["/", "-xdev", "(", ...skipped, ")", "-prune", "-o", "-path", `*/${PROVIDER_PATH_SUFFIX}/*`, "-name", `terraform-provider-aws_v${AWS_PROVIDER_VERSION}*`, "-print", "-quit"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch (error) {
    // find exits non-zero on unreadable folders but still prints what it found
    found = String((error as { stdout?: string }).stdout ?? "").trim();
  }
  return found ? mirrorRootFromBinary(found.split("\n")[0]!) : undefined;
}

export function cliConfigText(mirror: string | undefined): string {
  if (!mirror) return "# No filesystem provider mirror found: providers come from the Terraform registry.\n";
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "  direct {",
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Writes (once) and returns the path of the project's Terraform CLI config, e.g. `.local/terraformrc`.
 * Callers put it in TF_CLI_CONFIG_FILE for every terraform / cdktf child process.
 */
export function ensureTerraformCliConfig(file: string, env: NodeJS.ProcessEnv = process.env): string {
  if (existsSync(file) && readFileSync(file, "utf8").length > 0 && !env.TF_PROVIDER_MIRROR) return file;
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename, so a concurrent reader never sees a half-written file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, cliConfigText(findProviderMirror(env)));
  renameSync(partial, file);
  return file;
}

/** Environment for terraform / cdktf children: project CLI config, no version-check calls. */
export function terraformEnv(cliConfigFile: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfigFile, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...extra };
}
