import { join } from "node:path";
import { buildApp } from "./src/app";
import { ConfigError } from "./src/config/validate";
import { GuardrailError } from "./src/guardrails";
import { deploymentTargetFromEnv } from "./src/target";
import { allEnvironments } from "./src/environments";

try {
  const { app, guardrails } = buildApp({
    environments: allEnvironments,
    target: deploymentTargetFromEnv(),
    localStateDir: join(__dirname, "state"),
  });
  app.synth();
  console.log(guardrails.summary());
} catch (error) {
  if (error instanceof ConfigError || error instanceof GuardrailError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
