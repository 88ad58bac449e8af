import type { EnvironmentInput } from "../src/config/types";
import { dev } from "./dev";
import { staging } from "./staging";
import { prod } from "./prod";

/** The us-west-2 environments, in promotion order. DR's config lives in dr/. */
export const primaryEnvironments: readonly EnvironmentInput[] = [dev, staging, prod];

export { dev, staging, prod };
