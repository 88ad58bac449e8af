import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Testing, TerraformStack } from "cdktf";
import { buildApp, type BuildAppOptions } from "../app";
import type { EnvironmentInput } from "../config/types";
import type { Waiver } from "../guardrails";
import type { DeploymentTarget } from "../target";

const AWS_TARGET: DeploymentTarget = { kind: "aws" };
import { kubernetesObjectsOf, type TerraformStackJson } from "./objects";

/**
 * `npm run k8s:objects -- <stack>`: prints, as a JSON array, every Kubernetes object the project
 * writes for that stack (src/kubernetes/objects.ts says which). The app is built in memory from the
 * composition root named by `--app` (package.json passes main.ts), for the AWS target; nothing is
 * written to cdktf.out.
 */

/** What the composition root (main.ts) exports and passes to buildApp itself. */
interface Composition {
  readonly ENVIRONMENTS: readonly EnvironmentInput[];
  readonly WAIVERS: readonly Waiver[];
  readonly PROJECT_ENVIRONMENT_NAMES: readonly string[];
  readonly REPLICA_WIRING?: BuildAppOptions["replicaWiring"];
}

export async function objectsOfStack(appPath: string, stackName: string): Promise<unknown[]> {
  const composition = (await import(resolve(appPath))) as Composition;
  const outdir = mkdtempSync(join(tmpdir(), "k8s-objects-"));
  try {
    const { app } = buildApp({
      environments: composition.ENVIRONMENTS,
      waivers: composition.WAIVERS,
      projectEnvironmentNames: composition.PROJECT_ENVIRONMENT_NAMES,
      replicaWiring: composition.REPLICA_WIRING,
      target: AWS_TARGET,
      localStateDir: join(outdir, "state"),
      outdir,
    });
    const stack = app.node.tryFindChild(stackName);
    if (!(stack instanceof TerraformStack)) {
      const names = app.node.children.filter((c) => c instanceof TerraformStack).map((c) => c.node.id);
      throw new Error(`no stack named ${stackName}; the stacks are: ${names.join(", ")}`);
    }
    const json = JSON.parse(Testing.synth(stack)) as TerraformStackJson;
    return kubernetesObjectsOf(json).map(({ object }) => object);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { app: { type: "string", default: "main.ts" } } });
  if (positionals.length !== 1) {
    console.error("usage: npm run k8s:objects -- <stack>   (for example dev-platform)");
    return 2;
  }
  console.log(JSON.stringify(await objectsOfStack(values.app, positionals[0]!), null, 2));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
