// npm run bench: runs every benchmark, each part in a fresh process (so memory figures are its own),
// and prints the figures. BENCH_CASES, BENCH_OPEN_CASES and BENCH_EMPLOYEES scale them.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const run = (file: string, ...args: string[]) => {
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", tsx, file, ...args], { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exitCode = 1;
};

run("bench/load.ts", "engine");
run("bench/load.ts", "notify");
run("bench/load.ts", "memory");
run("bench/staff-deadlines.ts");
