/**
 * The allowed directions between the folders (README "Layout"): data flows one way,
 *   main.ts → src/app → src/stacks → backend/, dr/, modules/ → provider resources,
 * and everything may use the shared base (src/config, src/target, src/aspects) except modules/,
 * which import nothing from the rest of the repository, and backend/, which takes everything as
 * props. DR's replication reaches the core stacks from main.ts (the composition root), never by an
 * import from src/. The unit suite runs this check
 * (__tests__/unit/boundaries.test.ts), and shows it failing on a deliberate back-edge.
 */
const base = "^src/(config|target\\.ts|aspects)";
module.exports = {
  forbidden: [
    {
      name: "modules-are-self-contained",
      comment: "A module imports nothing from the rest of the repository: it knows nothing of environments, stacks or targets. Pass what it needs as props.",
      severity: "error",
      from: { path: "^modules/" },
      to: { path: "^(src|backend|dr|environments|main\\.ts)", pathNot: "^node_modules" },
    },
    {
      name: "shared-base-imports-nothing-above-it",
      comment: "src/config, src/target and src/aspects are the base everything builds on; they import no stack, backend, environment or DR code (self-contained modules, such as the network module's CIDR arithmetic, they may use).",
      severity: "error",
      from: { path: base },
      to: { path: "^(src/(stacks|app|cli|guardrails|plan-comment)|backend|dr|environments|main\\.ts)" },
    },
    {
      name: "backend-takes-its-inputs-as-props",
      comment: "backend/ holds state and CI-identity constructs and takes every input as props: where state lives for a target is decided once, in src/stacks/state-location.ts. Stacks use backend/, never the other way round.",
      severity: "error",
      from: { path: "^backend/" },
      to: { path: "^(src/|dr|environments|main\\.ts)" },
    },
    {
      name: "dr-is-composed-from-the-root",
      comment: "DR's replication (dr/) is handed to the core stacks by main.ts (buildApp's replicaWiring); nothing in src/ imports dr/.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^dr/" },
    },
    {
      name: "configs-are-data",
      comment: "environments/ and dr/config hold data and the types they are checked against; they build nothing.",
      severity: "error",
      from: { path: "^(environments|dr/config)" },
      to: { path: "^(src/(stacks|app|cli|plan-comment)|backend|modules|main\\.ts)" },
    },
    {
      name: "only-main-composes",
      comment: "Only main.ts (the composition root) lists the environments and waivers; src/ receives them.",
      severity: "error",
      from: { path: "^(src|backend|modules|dr)/", pathNot: "^dr/config" },
      to: { path: "^(environments|main\\.ts|dr/config)" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|cdktf\\.out|__tests__)" },
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mts", ".js"] },
  },
};
