// The compiled JavaScript of a store module that runs on its own (a worker thread, a child process):
// next to the running module once built, and in dist/ when running from the TypeScript sources, so a
// worker or child starts as plain Node (several times faster than through tsx) whenever dist/ has it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The compiled `name` (e.g. "xlsx-worker.js") of a module beside `here` (an import.meta.url in src/store or dist/store), or null. */
export function compiledScript(here: string, name: string): string | null {
  const url = here.endsWith(".js") ? new URL(`./${name}`, here) : new URL(`../../dist/store/${name}`, here);
  const file = fileURLToPath(url);
  return existsSync(file) ? file : null;
}
