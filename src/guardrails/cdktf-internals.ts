/**
 * The one use of a cdktf path that is not a documented entry point. The guardrails must see every
 * stack exactly as `app.synth()` will write it — after the aspects (tags, target adaptations) ran —
 * without writing anything, and cdktf 0.21 offers no public call that runs a stack's aspects short
 * of synthesizing it to disk. `invokeAspects` is what `app.synth()` itself calls first
 * (lib/synthesize/synthesizer). Keep this the only import of `cdktf/lib/...` (a unit test checks);
 * on a move to CDK Terrain (cdktn) this wrapper is the one place to adapt.
 */
export { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
