/**
 * cdktf records where every token was created (a full stack trace, `Error.stackTraceLimit` raised
 * to its maximum) by `Error.captureStackTrace` on a plain object. Under vitest each capture goes
 * through the module runner's source-map `Error.prepareStackTrace`, which maps every frame of
 * every capture — about a fifth of the unit suite's time. Those captures are not errors and are
 * only printed if a token fails to resolve, so they get Node's plain frame format and their
 * innermost CREATION_FRAMES frames (where the token was made; the rest is the test runner's own
 * stack); real errors (failed assertions, thrown exceptions) still get the source-mapped stack.
 */
const CREATION_FRAMES = 6;
const WRAPPED = Symbol.for("pipeops.plainCreationStacks");

type Prepare = NonNullable<ErrorConstructor["prepareStackTrace"]>;
const current = Error.prepareStackTrace as (Prepare & { [WRAPPED]?: true }) | undefined;

if (current && !current[WRAPPED]) {
  const plainForNonErrors: Prepare & { [WRAPPED]?: true } = (target, callSites) =>
    target instanceof Error ? current(target, callSites) : `Error${callSites.slice(0, CREATION_FRAMES).map((site) => `\n    at ${site}`).join("")}`;
  plainForNonErrors[WRAPPED] = true;
  Error.prepareStackTrace = plainForNonErrors;
}
