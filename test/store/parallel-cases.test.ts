// Case transactions without a global lock: on PostgreSQL two instances move different cases at the
// same time (neither waits for the other), two transactions on one case cannot fork its audit
// chain (the one that commits second runs again on fresh data), and of two presses on one step the first wins and
// the second is told — on both dialects, through the real app.
import { afterEach, describe, expect, it } from "vitest";
import type { EngineStore } from "../../src/engine/case-ports.ts";
import { refusals } from "../../src/engine/case-messages.ts";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { verifyAuditChain } from "../../src/store/audit-verify.ts";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { onPostgres } from "../helpers/test-database.ts";

let t: TempDb | undefined;
let h: Harness | undefined;
const extra: Database[] = [];
afterEach(async () => {
  for (const d of extra.splice(0)) await d.close();
  await t?.cleanup();
  await h?.cleanup();
  t = undefined;
  h = undefined;
});

const at = new Date("2026-03-16T00:00:00Z");

async function twoInstancesWithCases(): Promise<[EngineStore, EngineStore, Database]> {
  t = await openTempDb();
  const second = await openDatabase({ target: t.target });
  extra.push(second);
  await t.db.write(async (tx) => {
    for (const id of ["case-a", "case-b"]) {
      await tx.case.create({
        data: { id, code: id, officeId: "x", sopNumber: 18, flowHash: "f", title: id, status: "open", createdAt: at },
      });
    }
  });
  return [createEngineStore(t.db), createEngineStore(second), t.db];
}

/** A transaction that records a step on `caseId` and stays open until `release` is called. */
function heldOpen(store: EngineStore, caseId: string) {
  let release!: () => void;
  let entered!: () => void;
  let runs = 0;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = store.transaction(async (tx) => {
    runs++;
    const kase = await tx.caseById(caseId);
    await tx.updateCase(caseId, kase?.version ?? 0, { visit: (kase?.visit ?? 0) + 1 });
    await tx.appendAudit({ at, caseId, actorLabel: "A", action: "step-done" });
    entered();
    await released;
  });
  return { inside, release, done, runs: () => runs };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise.then(() => "done" as const), new Promise<"waiting">((resolve) => setTimeout(() => resolve("waiting"), ms))]);

describe.skipIf(!onPostgres)("case transactions across instances (PostgreSQL)", () => {
  it("move different cases at the same time: both commit, neither waits for the other's lock", async () => {
    const [a, b, db] = await twoInstancesWithCases();
    const first = heldOpen(a, "case-a");
    await first.inside;
    // Instance B commits a step of another case while A's transaction is still open.
    const second = b.transaction(async (tx) => {
      const kase = await tx.caseById("case-b");
      await tx.updateCase("case-b", kase?.version ?? 0, { visit: 1 });
      await tx.appendAudit({ at, caseId: "case-b", actorLabel: "B", action: "step-done" });
    });
    expect(await within(second, 3000)).toBe("done");
    first.release();
    await first.done;
    const heads = await db.prisma.case.findMany({ orderBy: { id: "asc" }, select: { id: true, auditSeq: true, version: true } });
    expect(heads).toEqual([
      { id: "case-a", auditSeq: 1, version: 1 },
      { id: "case-b", auditSeq: 1, version: 1 },
    ]);
    expect((await verifyAuditChain(db)).problems).toEqual([]);
  });

  it("on one case, no lock is held while a transaction works: the one that commits second finds the case moved and runs again", async () => {
    const [a, b, db] = await twoInstancesWithCases();
    // A has read case-a and decided its change, and is still working (its writes wait for its end).
    const first = heldOpen(a, "case-a");
    await first.inside;
    const second = b.transaction(async (tx) => {
      const kase = await tx.caseById("case-a");
      await tx.updateCase("case-a", kase?.version ?? 0, { visit: (kase?.visit ?? 0) + 1 });
      await tx.appendAudit({ at, caseId: "case-a", actorLabel: "B", action: "step-done" });
      return kase?.version;
    });
    expect(await within(second, 3000)).toBe("done");
    expect(await second).toBe(0);
    first.release();
    await first.done;
    // A's change was made on version 0, which B had moved: A ran again on fresh data, after B.
    expect(first.runs()).toBe(2);
    const row = await db.prisma.case.findUniqueOrThrow({ where: { id: "case-a" }, select: { version: true, visit: true, auditSeq: true } });
    expect(row).toEqual({ version: 2, visit: 2, auditSeq: 2 });
    const events = await db.prisma.auditEvent.findMany({
      where: { chain: "case-a" },
      orderBy: { seq: "asc" },
      select: { seq: true, actorLabel: true },
    });
    expect(events).toEqual([
      { seq: 1, actorLabel: "B" },
      { seq: 2, actorLabel: "A" },
    ]);
    expect((await verifyAuditChain(db)).problems).toEqual([]);
  });
});

describe("two presses on one step at the same time", () => {
  it("the first wins and the second is told; the step is done once", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Benediktus Nahak"));
    await h.as("Sekretaris");
    const kase = await h.app.db.prisma.case.findUniqueOrThrow({ where: { code } });
    const task = await h.app.db.prisma.stepTask.findFirstOrThrow({ where: { caseId: kase.id, status: "open" } });
    const token = await h.app.db.prisma.actionToken.findFirstOrThrow({ where: { taskId: task.id, action: "done" } });
    const identity = await h.app.db.prisma.chatIdentity.findFirstOrThrow({
      where: { channel: "console", official: { holdings: { some: { position: { title: { startsWith: "Sekretaris" } } } } } },
    });
    const before = h.transcript().length;
    const press = (messageId: string) =>
      h!.app.receive({
        channel: "console",
        chatId: `console:${identity.externalId}`,
        senderId: identity.externalId,
        messageId,
        action: { token: token.token },
        receivedAt: h!.clock.now(),
      });
    await Promise.all([press("press-1"), press("press-2")]);
    const printed = h.transcript().slice(before);
    expect(printed).toContain(`langkah 1 dari 7 diselesaikan oleh Anda`);
    expect(printed).toContain(refusals.stale);
    expect(await h.app.db.prisma.auditEvent.count({ where: { caseId: kase.id, action: "step-done", stepId: task.stepId } })).toBe(1);
    expect(await h.auditProblems()).toEqual([]);
  });
});
