// Reads the YAML files of flows/ from disk. Parsing against the schemas and the lint live in
// src/domain/catalog.ts; this module only turns files into data (or a YAML error with its place).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseDocument } from "yaml";
import type { RawFlowFile, RawFlows } from "../domain/catalog.ts";

async function readFolder(root: string, sub: string): Promise<RawFlowFile[]> {
  const dir = path.join(root, sub);
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  return Promise.all(
    names.map(async (name): Promise<RawFlowFile> => {
      const file = path.posix.join(sub, name);
      const text = await readFile(path.join(dir, name), "utf8");
      const hash = createHash("sha256").update(text).digest("hex");
      const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
      if (doc.errors.length > 0) {
        return { file, text, hash, data: undefined, yamlErrors: doc.errors.map((e) => e.message.split("\n")[0] ?? e.message) };
      }
      return { file, text, hash, data: doc.toJS({ maxAliasCount: 50 }) as unknown, yamlErrors: [] };
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
