// The audit trail detects edited, removed and reordered events, through the CLI an inspector runs.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { repoRoot } from "../helpers/run-bot.ts";
import { sqlClient } from "../helpers/test-database.ts";

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

async function caseWithHistory(): Promise<{ file: string; verify: () => ReturnType<typeof spawnSync> }> {
  h = await startHarness({ now: wita("2026-03-16 08:00") });
  caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
  await h.as("Sekretaris");
  await h.say("1");
  await h.as("Kasubag Kepegawaian");
  await h.say("1");
  await h.close();
  const file = h.databaseUrl;
  const verify = () =>
    spawnSync(process.execPath, [tsx, "src/cli/audit-verify.ts"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: file, DEMO_DATA: "false" },
      encoding: "utf8",
    });
  return { file, verify };
}

/** Runs statements on the database behind the bot's back (identifiers quoted: SQLite and PostgreSQL). */
const tamper = async (url: string, ...statements: string[]) => {
  const db = await sqlClient(url);
  for (const sql of statements) await db.run(sql);
  await db.close();
};

describe("npm run audit:verify", () => {
  it("passes on an untouched trail", async () => {
    const { verify } = await caseWithHistory();
    const run = verify();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Audit trail intact: \d+ events, chain verified\./);
  });

  it("finds an edited event", async () => {
    const { file, verify } = await caseWithHistory();
    await tamper(file, `UPDATE "AuditEvent" SET "actorLabel" = 'Orang Lain' WHERE action = 'step-done' AND "stepId" = '1'`);
    const run = verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/event \d+ was edited: its content no longer matches its hash/);
  });

  it("finds a removed event in the middle and at the end", async () => {
    const { file, verify } = await caseWithHistory();
    await tamper(file, `DELETE FROM "AuditEvent" WHERE id = (SELECT MIN(id) + 2 FROM "AuditEvent")`);
    expect(verify().stderr).toMatch(/does not follow the event before it/);
    await tamper(file, `DELETE FROM "AuditEvent" WHERE id = (SELECT MAX(id) FROM "AuditEvent")`);
    expect(verify().stderr).toMatch(/events were removed from the end/);
  });

  it("finds reordered events", async () => {
    const { file, verify } = await caseWithHistory();
    await tamper(file, `UPDATE "AuditEvent" SET id = -1 WHERE id = 3`, `UPDATE "AuditEvent" SET id = 3 WHERE id = 4`, `UPDATE "AuditEvent" SET id = 4 WHERE id = -1`);
    const run = verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Audit trail BROKEN");
  });
});
