import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withReference } from "../config/reference";

/** npm run docs:environments — rewrites the generated field table of environments/README.md from the schema. */
const readme = join(__dirname, "..", "..", "environments", "README.md");
writeFileSync(readme, withReference(readFileSync(readme, "utf8")));
console.log(`updated ${readme}`);
