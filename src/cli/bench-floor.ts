import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformDataSource, TerraformResource, TerraformStack, type TerraformResourceConfig } from "cdktf";

/**
 * The floor of `npm run bench`: what cdktf itself costs to synthesize an app the size of ours.
 * From the real app's synthesized output it builds the same stacks holding the same resources and
 * data sources — same types, same names, the same attributes, as plain values — and nothing of
 * the project: no config validation, no modules or provider bindings, no references between
 * constructs, no aspects, no guardrails. It grows with the app, since it is read from it.
 *
 *   tsx src/cli/bench-floor.ts <spec.json> <outdir>     (spec: floorSpecOf(<the real app's outdir>))
 */

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

/** One stack of the floor: its resources and data sources by type and name. */
export interface FloorStack {
  readonly name: string;
  readonly resource: Blocks;
  readonly data: Blocks;
}

/** Each block's attributes without cdktf's metadata (`//`), which the floor's synth adds itself. */
function plainBlocks(blocks: Blocks | undefined): Blocks {
  return Object.fromEntries(
    Object.entries(blocks ?? {}).map(([type, byName]) => [
      type,
      Object.fromEntries(Object.entries(byName).map(([name, body]) => [name, Object.fromEntries(Object.entries(body).filter(([key]) => key !== "//"))])),
    ]),
  );
}

/** The floor of a synthesized app: every stack of `<outdir>/stacks/<stack>/cdk.tf.json`. */
export function floorSpecOf(outdir: string): FloorStack[] {
  return readdirSync(join(outdir, "stacks")).map((name) => {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as { resource?: Blocks; data?: Blocks };
    return { name, resource: plainBlocks(json.resource), data: plainBlocks(json.data) };
  });
}

/** Terraform's meta-arguments: cdktf writes them from the construct's own settings, so the floor sets them as overrides. */
const META_ARGUMENTS = new Set(["depends_on", "provider", "lifecycle", "count", "for_each", "provisioner", "connection"]);

/** A resource or data source that synthesizes `body` as it is, as generated provider classes synthesize their attributes. */
function plain(element: TerraformResource | TerraformDataSource, body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) if (META_ARGUMENTS.has(key)) element.addOverride(key, value);
  const attributes = Object.fromEntries(Object.entries(body).filter(([key]) => !META_ARGUMENTS.has(key)));
  Object.assign(element, { synthesizeAttributes: () => attributes });
}

/** The floor app of a spec; app.synth() writes it. */
export function buildFloorApp(stacks: readonly FloorStack[], outdir: string): App {
  const app = new App({ outdir });
  for (const spec of stacks) {
    const stack = new TerraformStack(app, spec.name);
    for (const [type, byName] of Object.entries(spec.resource)) {
      for (const [name, body] of Object.entries(byName)) plain(new TerraformResource(stack, name, { terraformResourceType: type } as TerraformResourceConfig), body);
    }
    for (const [type, byName] of Object.entries(spec.data)) {
      for (const [name, body] of Object.entries(byName)) plain(new TerraformDataSource(stack, name, { terraformResourceType: type } as TerraformResourceConfig), body);
    }
  }
  return app;
}

if (require.main === module) {
  const [specFile, outdir] = process.argv.slice(2);
  if (!specFile || !outdir) throw new Error("usage: tsx src/cli/bench-floor.ts <spec.json> <outdir>");
  buildFloorApp(JSON.parse(readFileSync(specFile, "utf8")) as FloorStack[], outdir).synth();
}
