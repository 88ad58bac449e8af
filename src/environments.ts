import type { EnvironmentInput } from "./config/types";
import { primaryEnvironments } from "../environments";
import { dr } from "../dr/config";

/** Every environment the app builds, in deployment order: dev, staging, prod, then DR. */
export const allEnvironments: readonly EnvironmentInput[] = [...primaryEnvironments, dr];
