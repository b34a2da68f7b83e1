// Compiles src/ to dist/ (scripts/tsconfig.build.json). With --if-stale it compiles only when dist/ is
// missing or older than a source, the build config or the installed packages, so `npm start` and
// the CLIs always run current compiled JavaScript without a separate build step.
// Usage: node scripts/build.mjs [--if-stale] [--quiet]
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stamp = path.join(root, "dist", ".built");
const args = new Set(process.argv.slice(2));

/** The newest modification time under `dir` (files ending in .ts, .prisma or .json). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.(ts|mts|prisma|json)$/.test(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

function stale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  const inputs = [
    newest(path.join(root, "src")),
    ...["tsconfig.json", "scripts/tsconfig.build.json", "package-lock.json"].map((f) =>
      existsSync(path.join(root, f)) ? statSync(path.join(root, f)).mtimeMs : 0,
    ),
  ];
  return inputs.some((t) => t > built);
}

if (args.has("--if-stale") && !stale()) process.exit(0);
const started = Date.now();
if (!args.has("--quiet")) process.stderr.write("sopbot: compiling src/ to dist/ …\n");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "scripts", "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
if (result.status !== 0) {
  process.stderr.write("sopbot: the build failed (see the errors above); dist/ was not updated.\n");
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, new Date().toISOString() + "\n");
if (!args.has("--quiet")) process.stderr.write(`sopbot: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
