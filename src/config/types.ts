import type { z } from "zod";
import type { environmentSchema } from "./schema";

export type { EnvironmentConfig, NodeGroupConfig, Tier, ConfigIssue } from "./schema";

/** What an environment file writes before validation: the schema's input type. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
