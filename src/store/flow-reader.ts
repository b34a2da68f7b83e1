// Reads the YAML files of flows/ from disk. Parsing against the schemas and the lint live in
// src/domain/catalog.ts; this module only turns files into data (or a YAML error with its place).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import type { RawFlowFile, RawFlows } from "../domain/catalog.ts";

/**
 * Parsed files by content hash: a process that opens the app again (a restart in place, the tests)
 * parses an unchanged file once. A third of an app's start-up was YAML parsing. Callers get a copy.
 */
const parsed = new Map<string, Pick<RawFlowFile, "data" | "yamlErrors">>();

/**
 * And on disk, as JSON by content hash (node_modules/.cache/sopbot-flows): every
 * process start (the bot, each command-line tool) parsed all 66 files again, a quarter of a tool's
 * run. A missing, unreadable or unwritable cache only means parsing. Bump the version when parsing changes.
 */
const diskCacheVersion = "v1";
const here = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.resolve(here, "..", "..", "node_modules", ".cache", "sopbot-flows");

type Parsed = Pick<RawFlowFile, "data" | "yamlErrors">;

function fromDisk(hash: string): Parsed | null {
  try {
    return JSON.parse(readFileSync(path.join(cacheDir, `${diskCacheVersion}-${hash}.json`), "utf8")) as Parsed;
  } catch {
    return null;
  }
}

function toDisk(hash: string, result: Parsed): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const file = path.join(cacheDir, `${diskCacheVersion}-${hash}.json`);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(result));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // Only a cache: parsing again next time is fine.
  }
}

function parse(text: string, hash: string): Parsed {
  const hit = parsed.get(hash);
  if (hit) return { data: structuredClone(hit.data), yamlErrors: [...hit.yamlErrors] };
  let result = fromDisk(hash);
  if (!result) {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    result =
      doc.errors.length > 0
        ? { data: undefined, yamlErrors: doc.errors.map((e) => e.message.split("\n")[0] ?? e.message) }
        : { data: doc.toJS({ maxAliasCount: 50 }) as unknown, yamlErrors: [] };
    toDisk(hash, result);
  }
  parsed.set(hash, { data: structuredClone(result.data), yamlErrors: [...result.yamlErrors] });
  return result;
}

async function readFolder(root: string, sub: string): Promise<RawFlowFile[]> {
  const dir = path.join(root, sub);
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(
    names.map(async (name): Promise<RawFlowFile> => {
      const file = path.posix.join(sub, name);
      const text = await readFile(path.join(dir, name), "utf8");
      const hash = createHash("sha256").update(text).digest("hex");
      return { file, text, hash, ...parse(text, hash) };
    }),
  );
}

/** Reads every flow file under `root` (normally ./flows). */
export async function readFlows(root: string): Promise<RawFlows> {
  const [offices, sops, calendars, forms] = await Promise.all([
    readFolder(root, "offices"),
    readFolder(root, "sop"),
    readFolder(root, "calendar"),
    readFolder(root, "forms"),
  ]);
  return { offices, sops, calendars, forms };
}
