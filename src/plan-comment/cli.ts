import { runCommand, UsageError } from "./command";

/** Entry point of `npm run plan:comment`; see command.ts for the options. */
try {
  const argv = process.argv.slice(2);
  const output = runCommand(argv);
  if (!argv.includes("--out") && !argv.some((a) => a.startsWith("--out="))) process.stdout.write(output);
} catch (error) {
  const usage = error instanceof UsageError ? "\nUsage: npm run plan:comment -- <plan.json | stack=plan.json>... [--out comment.md] [--title …] [--expect a,b] [--run-url …] [--commit …] [--redact]" : "";
  console.error(`plan:comment: ${error instanceof Error ? error.message : String(error)}${usage}`);
  process.exit(1);
}
