import { join } from "node:path";
import { buildApp } from "./src/app";
import { ConfigError } from "./src/config/validate";
import { deploymentTargetFromEnv } from "./src/target";
import { allEnvironments } from "./src/environments";

try {
  const { app } = buildApp({
    environments: allEnvironments,
    target: deploymentTargetFromEnv(),
    localStateDir: join(__dirname, "state"),
  });
  app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
