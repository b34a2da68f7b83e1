// A database writer who knows the hashing can recompute every event hash, every case head and every
// seal: the unkeyed checks then pass. The seals' MACs (keyed by a secret outside the database) and
// the codes of the daily seal digest the Kepala Dinas already holds still expose the rewrite.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { compiled, repoRoot } from "../helpers/run-bot.ts";
import { targetOf } from "../helpers/test-database.ts";
import { auditHash, genesisHash, sealHash, type SealedHead } from "../../src/store/audit-chain.ts";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { sealSecretsOf } from "../../src/store/server-key.ts";
import { digestCode } from "../../src/engine/seal-digest.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Rewrites one event's note and recomputes everything an unkeyed check looks at: the chain, its head, every seal. */
async function rewrite(db: Database, caseId: string, seq: number, note: string) {
  const events = await db.prisma.auditEvent.findMany({ where: { chain: caseId }, orderBy: { seq: "asc" } });
  let prev = genesisHash;
  for (const e of events) {
    const fields = { ...e, note: e.seq === seq ? note : e.note };
    const hash = auditHash(prev, caseId, e.seq ?? 0, fields);
    await db.prisma.auditEvent.update({ where: { id: e.id }, data: { note: fields.note, prevHash: prev, hash } });
    prev = hash;
  }
  await db.prisma.case.update({ where: { id: caseId }, data: { auditHash: prev } });
  const rewritten = await db.prisma.auditEvent.findMany({ where: { chain: caseId }, orderBy: { seq: "asc" } });
  let prevSeal = genesisHash;
  for (const s of await db.prisma.auditSeal.findMany({ orderBy: { id: "asc" } })) {
    const heads = (JSON.parse(s.heads) as SealedHead[]).map(([chain, n, hash]): SealedHead =>
      chain === caseId ? [chain, n, rewritten[n - 1]?.hash ?? hash] : [chain, n, hash],
    );
    const hash = sealHash(prevSeal, s.at, heads);
    await db.prisma.auditSeal.update({ where: { id: s.id }, data: { heads: JSON.stringify(heads), prevHash: prevSeal, hash } });
    prevSeal = hash;
  }
}

describe("keyed audit seals and the daily seal digest", () => {
  it("a rewrite with every hash recomputed passes the unkeyed check, and fails the keyed one and the digest", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    await h.as("Sekretaris");
    await h.say("1");
    // Monday 08:00: the tick seals the case and sends the day's digest to the Kepala Dinas and the admins.
    const ticked = await h.tick();
    const seal = await h.app.db.prisma.auditSeal.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(seal.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(seal.macKeyId).toBe(h.app.keys.currentId);
    expect(ticked).toContain("Segel jejak audit");
    expect(ticked).toContain(`Segel nomor ${seal.id}, kode: ${digestCode(seal.hash)}`);
    // Once a day: the next tick, with a new seal, sends no second digest.
    await h.as("Kasubag Kepegawaian");
    await h.say("1");
    h.clock.advanceMinutes(5);
    expect(await h.tick()).not.toContain("Segel jejak audit");
    const seals = await h.app.db.prisma.auditSeal.count();
    expect(seals).toBe(2);

    const caseId = (await h.app.db.prisma.case.findUniqueOrThrow({ where: { code } })).id;
    const secrets = sealSecretsOf(h.app.keys);
    const digests = [{ sealId: seal.id, code: digestCode(seal.hash) }];
    expect((await verifyAuditChain(h.app.db, { sealSecrets: secrets, digests })).problems).toEqual([]);
    await h.close();

    const db = await openDatabase({ target: targetOf(h.databaseUrl) });
    try {
      await rewrite(db, caseId, 1, "dibuka oleh orang lain");
      // Without the key and the digest, the rewrite holds up: this is the attack.
      expect((await verifyAuditChain(db)).problems).toEqual([]);
      const keyed = await verifyAuditChain(db, { sealSecrets: secrets });
      expect(keyed.problems.map((p) => p.message)).toEqual([
        `seal ${seal.id} fails its keyed check: it was rewritten by someone without the key`,
        `seal ${seal.id + 1} fails its keyed check: it was rewritten by someone without the key`,
      ]);
      const byDigest = await verifyAuditChain(db, { digests });
      expect(byDigest.problems.map((p) => p.message).join("\n")).toMatch(
        new RegExp(`seal ${seal.id} no longer matches the digest code ${digestCode(seal.hash)} \\(now [0-9a-f ]+\\)`),
      );
      // Removing the MAC of the newest seal (to hide it) is itself a finding; removing every MAC
      // passes only a check without the key.
      await db.prisma.auditSeal.update({ where: { id: seal.id + 1 }, data: { mac: null, macKeyId: null } });
      expect((await verifyAuditChain(db)).problems.map((p) => p.message)).toEqual([
        `seal ${seal.id + 1} has no MAC although an earlier seal has one (it was removed)`,
      ]);
      await db.prisma.auditSeal.updateMany({ data: { mac: null, macKeyId: null } });
      expect((await verifyAuditChain(db, { sealSecrets: secrets })).problems.map((p) => p.message)).toEqual([
        `seal ${seal.id} has no MAC (it was removed, or the bot never ran with this key)`,
        `seal ${seal.id + 1} has no MAC (it was removed, or the bot never ran with this key)`,
      ]);
    } finally {
      await db.close();
    }
  });

  it("npm run audit:verify checks the MACs with the bot's key and the digest codes given with --seal", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    await h.say("/buka 18 KGB Benediktus Nahak");
    await h.tick();
    const seal = await h.app.db.prisma.auditSeal.findFirstOrThrow({ orderBy: { id: "desc" } });
    await h.close();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [compiled("src/cli/audit-verify.ts"), ...args], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: h!.databaseUrl, DEMO_DATA: "false", FILES_DIR: `${h!.dir}/files` },
        encoding: "utf8",
      });
    const good = run("--seal", `${seal.id}:${digestCode(seal.hash).replace(/ /g, "")}`);
    expect(good.stderr).toBe("");
    expect(good.stdout).toContain("Keyed seals checked: 1;");
    expect(good.stdout).toContain("Digest codes matching their seals: 1.");
    const wrong = run("--seal", `${seal.id}:0000000000000000`);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`seal ${seal.id} no longer matches the digest code 0000000000000000`);
    const typo = run("--seal", "abc");
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain("expected <seal number>:<code>");
  });
});
