/** Stack names per environment: one stack per layer, so each plans and applies on its own. */
export const stackNames = (environment: string) => ({
  bootstrap: `${environment}-bootstrap`,
  core: environment,
  platform: `${environment}-platform`,
});

export type StackLayer = keyof ReturnType<typeof stackNames>;
