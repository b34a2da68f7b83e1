// The audit trail detects edited, removed and reordered events, through the CLI an inspector runs.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { openDatabase } from "../../src/store/database.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { sqlClient, targetOf } from "../helpers/test-database.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

async function caseWithHistory(): Promise<{ file: string; caseId: string; verify: () => Verdict }> {
  h = await startHarness({ now: wita("2026-03-16 08:00") });
  const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
  await h.as("Sekretaris");
  await h.say("1");
  // A seal covers the case as it is now; what follows is covered by the case's head only.
  await h.tick();
  await h.as("Kasubag Kepegawaian");
  await h.say("1");
  const caseId = (await h.app.db.prisma.case.findUniqueOrThrow({ where: { code } })).id;
  await h.close();
  const file = h.databaseUrl;
  return { file, caseId, verify: () => viaCli(file) };
}

type Verdict = { status: number | null; stdout: string; stderr: string };

/** npm run audit:verify, the compiled command an inspector runs. */
const viaCli = (url: string): Verdict =>
  spawnSync(process.execPath, [compiled("src/cli/audit-verify.ts")], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: url, DEMO_DATA: "false" },
    encoding: "utf8",
  });

/** The same check in this process (a process start per check made the file slow): its problems as the command prints them. */
async function inProcess(url: string): Promise<Verdict> {
  const db = await openDatabase({ target: targetOf(url) });
  try {
    const { problems } = await verifyAuditChain(db);
    const stderr = problems.map((p) => p.message).join("\n") + (problems.length > 0 ? "\nAudit trail BROKEN" : "");
    return { status: problems.length > 0 ? 1 : 0, stdout: "", stderr };
  } finally {
    await db.close();
  }
}

/** Runs statements on the database behind the bot's back (identifiers quoted: SQLite and PostgreSQL). */
const tamper = async (url: string, ...statements: string[]) => {
  const db = await sqlClient(url);
  for (const sql of statements) await db.run(sql);
  await db.close();
};

const ofCase = (caseId: string) => `chain = '${caseId}'`;

describe("npm run audit:verify (a chain per case, sealed each tick)", () => {
  it("passes on an untouched trail", async () => {
    const { verify } = await caseWithHistory();
    const run = verify();
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Audit trail intact: \d+ events? in \d+ chains?, \d+ seals? verified\./);
  });

  it("finds an edited event", async () => {
    const { file, verify } = await caseWithHistory();
    await tamper(file, `UPDATE "AuditEvent" SET "actorLabel" = 'Orang Lain' WHERE action = 'step-done' AND "stepId" = '1'`);
    const run = verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/event \d+ was edited: its content no longer matches its hash/);
  });

  it("finds a removed event in the middle and at the end", async () => {
    const { file, caseId } = await caseWithHistory();
    const verify = () => inProcess(file);
    await tamper(file, `DELETE FROM "AuditEvent" WHERE ${ofCase(caseId)} AND seq = 2`);
    expect((await verify()).stderr).toMatch(/is number 3, expected 2 \(an event was removed, inserted or reordered\)/);
    await tamper(
      file,
      `DELETE FROM "AuditEvent" WHERE ${ofCase(caseId)} AND seq = (SELECT MAX(seq) FROM "AuditEvent" WHERE ${ofCase(caseId)})`,
    );
    expect((await verify()).stderr).toMatch(/events were removed from the end/);
  });

  it("finds reordered events", async () => {
    const { file, caseId } = await caseWithHistory();
    const verify = () => inProcess(file);
    await tamper(
      file,
      `UPDATE "AuditEvent" SET seq = -1 WHERE ${ofCase(caseId)} AND seq = 2`,
      `UPDATE "AuditEvent" SET seq = 2 WHERE ${ofCase(caseId)} AND seq = 3`,
      `UPDATE "AuditEvent" SET seq = 3 WHERE ${ofCase(caseId)} AND seq = -1`,
    );
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/does not follow the event before it/);
    expect(run.stderr).toContain("Audit trail BROKEN");
  });

  it("finds an inserted event, even one made to look right by rewriting the chain after it", async () => {
    const { file, caseId } = await caseWithHistory();
    const verify = () => inProcess(file);
    // A forged event at the end whose head was moved along: only the seal can tell. Here it lands
    // after the sealed part, so its hash mismatch is what gives it away.
    await tamper(
      file,
      `INSERT INTO "AuditEvent" (at, "caseId", "actorLabel", action, "prevHash", hash, chain, seq) SELECT at, "caseId", 'Palsu', 'step-done', hash, 'x', chain, seq + 1 FROM "AuditEvent" WHERE ${ofCase(caseId)} AND seq = (SELECT MAX(seq) FROM "AuditEvent" WHERE ${ofCase(caseId)})`,
    );
    expect((await verify()).stderr).toMatch(/was edited|does not end at its recorded head/);
    // Rewriting the sealed part (renumbering to insert in the middle, with the head moved) contradicts the seal.
    await tamper(
      file,
      `DELETE FROM "AuditEvent" WHERE "actorLabel" = 'Palsu'`,
      `UPDATE "AuditEvent" SET seq = seq + 100 WHERE ${ofCase(caseId)} AND seq >= 2`,
      `UPDATE "AuditEvent" SET seq = seq - 99 WHERE ${ofCase(caseId)} AND seq >= 100`,
      `UPDATE "Case" SET "auditSeq" = "auditSeq" + 1 WHERE id = '${caseId}'`,
    );
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no longer matches seal \d+ \(the chain was rewritten\)/);
  });

  it("finds a case removed with all its events", async () => {
    const { file, caseId } = await caseWithHistory();
    const verify = () => inProcess(file);
    await tamper(
      file,
      `DELETE FROM "AuditEvent" WHERE ${ofCase(caseId)}`,
      `DELETE FROM "Deadline" WHERE "taskId" IN (SELECT id FROM "StepTask" WHERE "caseId" = '${caseId}')`,
      `DELETE FROM "ActionToken" WHERE "taskId" IN (SELECT id FROM "StepTask" WHERE "caseId" = '${caseId}')`,
      `DELETE FROM "TaskCandidate" WHERE "taskId" IN (SELECT id FROM "StepTask" WHERE "caseId" = '${caseId}')`,
      `DELETE FROM "StepTask" WHERE "caseId" = '${caseId}'`,
      `DELETE FROM "Case" WHERE id = '${caseId}'`,
    );
    const run = await verify();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`chain ${caseId}, sealed by seal`);
    expect(run.stderr).toContain("was removed with all its events");
  });
});
