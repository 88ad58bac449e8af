import { sep } from "node:path";

/**
 * Source maps for the project's own code only. tsx turns Node's source-map support on, and Node
 * then decodes the inline source map of every CommonJS file it compiles — in node_modules, 10 MB
 * of them for the provider bindings and cdktf, about a third of the app's import time — so that a
 * stack frame inside a dependency can name its original TypeScript line. The project's errors
 * keep their mapped TypeScript lines; a frame inside node_modules shows the JavaScript that ran.
 * Imported first by main.ts; does nothing where source maps are off (vitest, plain node).
 * Node itself made this an option later — `module.setSourceMapsSupport(true, { nodeModules: false })`,
 * Node 22.14 and 23.7 (nodejs/node#56639, "Skipping source maps in node_modules improves the
 * general performance"; docs read 2026-12-08) — which Node 20 has not; on Node 22 use it instead.
 */
const INSTALLED = Symbol.for("pipeops.ownSourceMaps");
const NODE_MODULES = `${sep}node_modules${sep}`;

type Compile = (this: unknown, content: string, filename: string) => unknown;
const prototype = (require("node:module") as { prototype: { _compile: Compile & { [INSTALLED]?: true } } }).prototype;

if (!prototype._compile[INSTALLED]) {
  const compile = prototype._compile;
  const ownOnly: Compile & { [INSTALLED]?: true } = function (this: unknown, content, filename) {
    // Modules a dependency requires while it compiles find source maps off already and pass straight through.
    if (!process.sourceMapsEnabled || !filename.includes(NODE_MODULES)) return compile.call(this, content, filename);
    process.setSourceMapsEnabled(false);
    try {
      return compile.call(this, content, filename);
    } finally {
      process.setSourceMapsEnabled(true);
    }
  };
  ownOnly[INSTALLED] = true;
  prototype._compile = ownOnly;
}
