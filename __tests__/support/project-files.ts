import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The project's own TypeScript below `root` (paths relative to it): tests, the test config and
 * generated or installed folders left out. The version-literal scan and the boundary check read it.
 */
export function projectTypeScript(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const rel = relative(root, path);
    if (/^(node_modules|cdktf\.out|\.git|\.local|__tests__|state)$/.test(rel)) return [];
    if (statSync(path).isDirectory()) return projectTypeScript(root, path);
    return /\.m?ts$/.test(name) && name !== "vitest.config.ts" ? [rel] : [];
  });
}
