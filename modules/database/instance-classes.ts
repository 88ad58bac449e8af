const GIB = 1024 ** 3;

/** Memory (GiB) of common RDS instance sizes, by family kind: burstable (t), general (m), memory (r). */
const MEMORY_GIB: Record<"t" | "m" | "r", Record<string, number>> = {
  t: { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 },
  m: { large: 8, xlarge: 16 },
  r: { large: 16, xlarge: 32 },
};

/**
 * RDS for PostgreSQL's default max_connections, LEAST(DBInstanceClassMemory / 9531392, 5000), for
 * common classes (db.t3/t4g, db.m5/m6g/m6i/m7g, db.r5/r6g/r6i/r7g); undefined when unknown.
 */
export function estimatedMaxConnections(instanceClass: string): number | undefined {
  const match = /^db\.([tmr])\d+[a-z]*\.(\w+)$/.exec(instanceClass);
  if (!match) return undefined;
  const kind = match[1] as "t" | "m" | "r";
  const size = match[2]!;
  let gib = MEMORY_GIB[kind][size];
  const multiple = /^(\d+)xlarge$/.exec(size);
  if (gib === undefined && multiple && kind !== "t") gib = MEMORY_GIB[kind].xlarge! * Number(multiple[1]);
  if (gib === undefined) return undefined;
  return Math.min(Math.floor((gib * GIB) / 9531392), 5000);
}
