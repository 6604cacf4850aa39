// The bundle budget: the JS of dist/ must stay within 100 kB gzip. Run after `vite build`.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 100 * 1000;
const assets = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "assets");
let total = 0;
for (const name of readdirSync(assets).filter((n) => n.endsWith(".js"))) {
  const size = gzipSync(readFileSync(path.join(assets, name)), { level: 9 }).length;
  total += size;
  console.log(`${name}: ${(size / 1000).toFixed(1)} kB gzip`);
}
console.log(`JS total: ${(total / 1000).toFixed(1)} kB gzip (budget ${BUDGET / 1000} kB)`);
if (total > BUDGET) {
  console.error("over the bundle budget");
  process.exit(1);
}
