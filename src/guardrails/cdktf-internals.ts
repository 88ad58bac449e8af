import { createRequire } from "node:module";

/**
 * The uses of cdktf paths that are not documented entry points. Keep this the only import of
 * `cdktf/lib/...` (a unit test checks); on a move to CDK Terrain (cdktn) this file is the one place
 * to adapt.
 *
 * `invokeAspects`: the guardrails must see every stack exactly as `app.synth()` will write it —
 * after the aspects (tags, target adaptations) ran — without writing anything, and cdktf 0.21
 * offers no public call that runs a stack's aspects short of synthesizing it to disk.
 * `invokeAspects` is what `app.synth()` itself calls first (lib/synthesize/synthesizer).
 */
export { invokeAspects } from "cdktf/lib/synthesize/synthesizer";

/**
 * How many frames of a token's creation stack are kept: where the token was made (cdktf's own
 * frames — Intrinsic, Reference, the resource's attribute getter) and the project's frames that
 * asked for it.
 */
export const CREATION_STACK_FRAMES = 10;

interface StackTraceModule {
  captureStackTrace: (below?: Function) => string[];
}
const CAPPED = Symbol.for("pipeops.cappedCreationStacks");

/**
 * cdktf 0.21 records where every token was created (lib/tokens/private/stack-trace.js, called by
 * Intrinsic, Lazy, the complex attribute lists and dynamic blocks) as the whole stack — it raises
 * `Error.stackTraceLimit` to Number.MAX_SAFE_INTEGER — formatted at once through
 * `Error.prepareStackTrace`, which under tsx and vitest maps every frame through source maps.
 * No switch turns this off (the App's `stackTraces: false` covers annotations only). A creation
 * stack is only read in the message of a token that fails to resolve, yet making and formatting
 * them was about a sixth of a synth. This keeps its innermost CREATION_STACK_FRAMES frames in
 * Node's plain frame format (positions of the running code, not mapped to TypeScript lines); real
 * errors keep their full, source-mapped stacks. Idempotent.
 */
export function capCreationStacks(): void {
  const stackTrace = createRequire(__filename)("cdktf/lib/tokens/private/stack-trace") as StackTraceModule & { [CAPPED]?: true };
  if (stackTrace[CAPPED]) return;
  // cdktf's modules call it through the exports object (`(0, stack_trace_1.captureStackTrace)()`), so replacing the export reaches every caller.
  stackTrace.captureStackTrace = function captureCreationStack(below?: Function): string[] {
    const holder: { stack?: NodeJS.CallSite[] } = {};
    const { stackTraceLimit, prepareStackTrace } = Error;
    try {
      Error.stackTraceLimit = CREATION_STACK_FRAMES;
      Error.prepareStackTrace = (_target, callSites) => callSites;
      Error.captureStackTrace(holder, below ?? captureCreationStack);
      return (holder.stack ?? []).map(String);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
      Error.prepareStackTrace = prepareStackTrace;
    }
  };
  stackTrace[CAPPED] = true;
}
