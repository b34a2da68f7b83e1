// Whether a module is the script Node was started with (`node dist/main.js`, `tsx src/main.ts`).
// Compares file paths, not URLs: a URL percent-encodes a space, a path does not.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}
