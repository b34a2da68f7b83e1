// Keeps the import direction of the README's "Architecture" section honest by reading every import
// (static, re-export and dynamic) under src/, and keeps every source file small and its lines short.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const srcRoot = path.resolve("src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "generated" || name === "generated-pg" ? [] : files(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** The layer of a file under src/: "domain", "engine", "store", "channels/telegram", "main", … */
function layer(file: string): string {
  const rel = path.relative(srcRoot, file).split(path.sep);
  if (rel[0] === "channels") return `channels/${rel[1]}`;
  if (rel.length === 1) return rel[0]!.replace(/\.ts$/, "");
  return rel[0]!;
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  for (const m of text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  return found;
}

/** Dynamic imports and requires whose target is not a literal: the rules could not see them. */
function hiddenImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/\b(?:import|require)\(\s*(?!["'])([^)]*)\)/g)].map((m) => m[0]);
}

/** Which layers (and which packages) each layer may import. */
const allowedLayers: Record<string, string[]> = {
  domain: ["domain"],
  engine: ["domain", "engine"],
  store: ["domain", "engine", "store"],
  scheduler: ["domain", "engine", "scheduler", "logger"],
  // Health and metrics endpoints: fed by ports (the store's queries, the channels' states) that app-ops.ts wires.
  ops: ["domain", "engine", "ops", "logger"],
  cli: ["domain", "engine", "store", "cli", "config", "logger", "entry-point"],
  config: [],
  logger: [],
  "entry-point": [],
  main: ["*"],
  app: ["*"],
};
/** Packages only some layers may use: the database drivers and Prisma in store, each platform's library in its channel. */
const packageOwners: [RegExp, string[]][] = [
  [/^(better-sqlite3|pg|@prisma\/.*|prisma)(\/|$)/, ["store"]],
  [/^(grammy|@grammyjs\/.*)(\/|$)/, ["channels/telegram"]],
  [/^@whiskeysockets\/baileys(\/|$)/, ["channels/whatsapp"]],
  [/^(exceljs|@resvg\/resvg-js|csv-parse|yaml)(\/|$)/, ["store"]],
  [/^node-cron(\/|$)/, ["scheduler"]],
  [/^prom-client(\/|$)/, ["ops"]],
];
/** Layers that may use only these packages at all. */
const packageRules: Record<string, RegExp> = {
  domain: /^zod$/,
  engine: /^(zod|node:crypto)$/,
};

const sources = files(srcRoot);

/**
 * Composition roots wire channels to the store. main.ts is the bot's; the WhatsApp pairing command
 * is the other one (it must build the channel's session on the store to pair).
 */
const compositionRoots = new Set([
  "main.ts",
  "app.ts",
  "app-catalog.ts",
  "app-ops.ts",
  "app-telegram.ts",
  "app-whatsapp.ts",
  path.join("cli", "wa-pair.ts"),
]);

describe("architecture", () => {
  it("finds the source files", () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each(sources.map((f) => [path.relative(srcRoot, f), f]))("%s imports only what its layer may", (_rel, file) => {
    const from = layer(file);
    const allowed = compositionRoots.has(path.relative(srcRoot, file))
      ? ["*"]
      : from.startsWith("channels/")
        ? [from, "domain", "engine"]
        : (allowedLayers[from] ?? []);
    const problems: string[] = [];
    for (const spec of imports(file)) {
      if (spec.startsWith(".")) {
        const target = layer(path.resolve(path.dirname(file), spec));
        if (!allowed.includes("*") && !allowed.includes(target)) problems.push(`${spec} (layer ${target})`);
      } else {
        const rule = packageRules[from];
        if (rule && !rule.test(spec)) problems.push(`${spec} (package not allowed in ${from})`);
        const owners = packageOwners.find(([pattern]) => pattern.test(spec))?.[1];
        if (owners && !allowed.includes("*") && !owners.includes(from)) problems.push(`${spec} (package of ${owners.join(", ")} only)`);
      }
    }
    for (const hidden of hiddenImports(file)) problems.push(`${hidden} (an import the rules cannot check)`);
    expect(problems).toEqual([]);
  });

  it.each(sources.map((f) => [path.relative(srcRoot, f), f]))(
    "%s stays small: at most 400 lines of at most 140 characters",
    (_rel, file) => {
      const lines = readFileSync(file, "utf8").split("\n");
      expect(lines.length).toBeLessThanOrEqual(400);
      expect(lines.map((l, i) => [i + 1, l.length]).filter(([, n]) => n! > 140)).toEqual([]);
    },
  );

  it("the rules it enforces are the ones the README describes", () => {
    const readme = readFileSync(path.resolve("README.md"), "utf8");
    expect(readme).toContain("## Architecture");
    expect(readme).toContain("test/architecture.test.ts");
  });

  it("catches what it must: a forbidden package, a dynamic import by variable", () => {
    const owners = packageOwners.find(([pattern]) => pattern.test("better-sqlite3"))?.[1];
    expect(owners).toEqual(["store"]);
    expect("const m = await import(name);".match(/\b(?:import|require)\(\s*(?!["'])([^)]*)\)/g)).toEqual(["import(name)"]);
  });

  it("reads process.env only in main.ts, app.ts and the CLI", () => {
    const readers = sources
      .filter((f) => /process\.env/.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(srcRoot, f))
      .filter((rel) => rel !== "main.ts" && rel !== "app.ts" && !rel.startsWith(`cli${path.sep}`));
    expect(readers).toEqual([]);
  });

  it("keeps time out of domain: no Date.now() or new Date() without an argument", () => {
    const offenders = sources
      .filter((f) => layer(f) === "domain")
      .filter((f) => /Date\.now\(\)|new Date\(\)/.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(srcRoot, f));
    expect(offenders).toEqual([]);
  });
});
