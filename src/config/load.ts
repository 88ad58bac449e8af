import type { ConfigIssue } from "./schema";
import type { EnvironmentInput } from "./types";

/**
 * A config file that computes its config (DR copies prod's) may throw while it is loaded. Such an
 * error is not a stack trace at import: `configFrom` turns it into a value that validation reports
 * like a schema error, naming the environment and the file, among every other problem.
 */
const LOAD_FAILURE = Symbol("config load failure");

interface LoadFailure {
  readonly name: string;
  readonly [LOAD_FAILURE]: { readonly file: string; readonly error: string };
}

export function configFrom(file: string, name: string, build: () => EnvironmentInput): EnvironmentInput {
  try {
    return build();
  } catch (error) {
    const failure: LoadFailure = { name, [LOAD_FAILURE]: { file, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
    return failure as unknown as EnvironmentInput;
  }
}

/** The issue of a config whose file threw while loading, or undefined for a loaded one. */
export function loadFailureIssue(raw: unknown): ConfigIssue | undefined {
  if (typeof raw !== "object" || raw === null || !(LOAD_FAILURE in raw)) return undefined;
  const { name, [LOAD_FAILURE]: failure } = raw as LoadFailure;
  return {
    environment: name,
    path: `(${failure.file})`,
    message: `loading the file failed with ${failure.error}, so none of its fields could be checked. Fix: correct ${failure.file} where that error points; validation then checks every field.`,
  };
}
