// The SQLite and PostgreSQL schemas must describe the same models: the store code is written once
// against one generated client's types and runs on both. This compares the model blocks of the two
// files (comments and spacing aside) and names every model that differs.
import { readFileSync } from "node:fs";

/** Model name → its normalized body, from a schema.prisma text. */
export function modelsOf(schema: string): Map<string, string> {
  const withoutComments = schema.replace(/\/\/.*$/gm, "");
  const models = new Map<string, string>();
  for (const m of withoutComments.matchAll(/^\s*(model|enum|view|type)\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const body = m[3]!
      .split("\n")
      .map((line) => line.trim().replace(/\s+/g, " "))
      .filter((line) => line !== "")
      .join("\n");
    models.set(`${m[1]} ${m[2]}`, body);
  }
  return models;
}

/** The differences between two schema files' models; empty when they match. */
export function schemaDrift(sqlitePath: string, postgresPath: string): string[] {
  const a = modelsOf(readFileSync(sqlitePath, "utf8"));
  const b = modelsOf(readFileSync(postgresPath, "utf8"));
  const problems: string[] = [];
  for (const [name, body] of a) {
    if (!b.has(name)) problems.push(`${name} is in ${sqlitePath} but not in ${postgresPath}`);
    else if (b.get(name) !== body) {
      const left = body.split("\n");
      const right = b.get(name)!.split("\n");
      const onlyLeft = left.filter((l) => !right.includes(l));
      const onlyRight = right.filter((l) => !left.includes(l));
      problems.push(
        `${name} differs: ` +
          ([...onlyLeft.map((l) => `SQLite has "${l}"`), ...onlyRight.map((l) => `PostgreSQL has "${l}"`)].join("; ") || "field order"),
      );
    }
  }
  for (const name of b.keys()) if (!a.has(name)) problems.push(`${name} is in ${postgresPath} but not in ${sqlitePath}`);
  return problems;
}
