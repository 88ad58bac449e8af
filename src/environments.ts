import type { EnvironmentInput } from "./config/types";
import { primaryEnvironments } from "../environments";

/** Every environment the app builds, in deployment order. */
export const allEnvironments: readonly EnvironmentInput[] = [...primaryEnvironments];
