// /tugas and the digest read an official's open tasks through the candidates' index: the same tasks
// a scan of every open task would give, after candidates change (a delegation) and a step is taken.
import { afterEach, describe, expect, it } from "vitest";
import type { Candidate, TaskRow } from "../../src/engine/case-ports.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const at = new Date("2026-03-16T00:00:00Z");
const cand = (officialId: string): Candidate => ({ officialId, positionKey: "p" }) as Candidate;

/** A fresh database with one open case, c1, and the engine's store on it. */
async function storeWithCase() {
  t = await openTempDb();
  await t.db.write((tx) =>
    tx.case.create({
      data: { id: "c1", code: "c1", officeId: "x", sopNumber: 1, flowHash: "f", title: "t", status: "open", createdAt: at },
    }),
  );
  return createEngineStore(t.db);
}

describe("an official's open tasks", () => {
  it("come through the index exactly as a scan would find them", async () => {
    const store = await storeWithCase();
    const task = (id: string, visit: number, candidates: Candidate[], status: TaskRow["status"] = "open") =>
      ({
        id,
        caseId: "c1",
        stepId: String(visit),
        visit,
        status,
        candidates,
        waitingFor: null,
        takenByOfficialId: null,
        openedAt: at,
        dueAt: null,
        escalateAt: null,
      }) as never;
    await store.transaction(async (tx) => {
      await tx.createTask(task("t1", 1, [cand("ana"), cand("budi")]));
      await tx.createTask(task("t2", 2, [cand("budi")]));
      await tx.createTask(task("t3", 3, [cand("ana")], "done"));
      // Read in the same transaction: the buffered candidate rows are written first.
      expect((await tx.openTasksOf("ana")).map((x) => x.id)).toEqual(["t1"]);
    });
    await store.transaction(async (tx) => {
      await tx.updateTask("t2", { candidates: [cand("citra")] }); // handed to a deputy
      await tx.updateTask("t1", { takenByOfficialId: "budi" });
    });
    const viaIndex = async (who: string) => (await store.read((v) => v.openTasksOf(who))).map((x) => x.id).sort();
    const viaScan = async (who: string) =>
      (await store.read((v) => v.openTasks()))
        .filter((x) => (x.takenByOfficialId ? x.takenByOfficialId === who : x.candidates.some((c) => c.officialId === who)))
        .map((x) => x.id)
        .sort();
    for (const who of ["ana", "budi", "citra"]) expect(await viaIndex(who)).toEqual(await viaScan(who));
    expect(await viaIndex("citra")).toEqual(["t2"]);
    expect(await viaIndex("budi")).toEqual(["t1"]);
  });

  it("holds a step's row and changes to the transaction's end: its own reads see them, a rollback keeps none", async () => {
    const store = await storeWithCase();
    const open = { caseId: "c1", status: "open", waitingFor: null, takenByOfficialId: null, openedAt: at, dueAt: null, escalateAt: null };
    await store.transaction(async (tx) => {
      await tx.createTask({ ...open, id: "t1", stepId: "1", visit: 1, candidates: [cand("ana")] } as never);
      await tx.updateTask("t1", { takenByOfficialId: "ana" });
      // A read of the case's steps writes what is held first, as it now is.
      expect((await tx.tasksOfCase("c1")).map((x) => [x.id, x.takenByOfficialId])).toEqual([["t1", "ana"]]);
      await tx.createTask({ ...open, id: "t2", stepId: "2", visit: 2, candidates: [cand("budi")] } as never);
    });
    const stored = async () => (await store.read((v) => v.tasksOfCase("c1"))).map((x) => [x.id, x.status, x.decision]);
    expect(await stored()).toEqual([
      ["t1", "open", null],
      ["t2", "open", null],
    ]);
    // A step read here is changed at the end; a transaction that fails after it keeps nothing.
    await expect(
      store.transaction(async (tx) => {
        await tx.taskById("t1");
        await tx.updateTask("t1", { status: "done", decision: "done" });
        expect((await tx.taskById("t1"))?.status).toBe("done");
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await stored()).toEqual([
      ["t1", "open", null],
      ["t2", "open", null],
    ]);
    await store.transaction(async (tx) => {
      await tx.taskById("t1");
      await tx.updateTask("t1", { status: "done", decision: "done" });
    });
    expect(await stored()).toEqual([
      ["t1", "done", "done"],
      ["t2", "open", null],
    ]);
    expect((await store.read((v) => v.openTasksOf("budi"))).map((x) => x.id)).toEqual(["t2"]);
  });
});
