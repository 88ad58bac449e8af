import { capCreationStacks } from "../../src/guardrails/cdktf-internals";

/**
 * cdktf records where every token was created; under vitest each record went through the module
 * runner's source-map `Error.prepareStackTrace` for every frame — about a fifth of the unit suite's
 * time. Tests that build stacks without buildApp (module tests) get the same capped, plain creation
 * stacks as the app (src/guardrails/cdktf-internals.ts); real errors keep their mapped stacks.
 */
capCreationStacks();
