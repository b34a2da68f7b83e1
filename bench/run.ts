// npm run bench: runs every benchmark, each part in a fresh process (so memory figures are its own),
// and prints the figures with their targets. The load and the press cost run on SQLite and then on
// PostgreSQL (a throw-away server from Debian's package, started by scripts/postgres-server.mjs).
// BENCH_CASES, BENCH_OPEN_CASES and BENCH_EMPLOYEES scale them; BENCH_POSTGRES=0 skips PostgreSQL.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const node = [process.execPath, "--import", tsx];
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const result = spawnSync(args[0]!, args.slice(1), { stdio: "inherit", env });
  if (result.status !== 0) process.exitCode = 1;
};
const withoutServer = { ...process.env, TEST_DATABASE_URL: "" };
const postgres = process.env.BENCH_POSTGRES !== "0";

run([...node, "bench/press-cost.ts"], withoutServer);
if (postgres) run([process.execPath, "scripts/postgres-server.mjs", ...node, "bench/press-cost.ts"]);
run([...node, "bench/load.ts", "engine"], withoutServer);
if (postgres) run([process.execPath, "scripts/postgres-server.mjs", ...node, "bench/load.ts", "engine"]);
run([...node, "bench/load.ts", "notify"], withoutServer);
run([...node, "bench/busy-officials.ts"], withoutServer);
run([...node, "bench/load.ts", "memory"], withoutServer);
run([...node, "bench/staff-deadlines.ts"], withoutServer);
