// The directory kept in memory (src/store/directory-cache.ts): a change made anywhere — another
// instance, a CLI, plain SQL — is seen by the next transaction, a transaction sees its own changes,
// and applicants' chat identities do not make every process read the directory again.
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/store/database.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createStatementCounter } from "../../src/store/statement-counter.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { sqlClient } from "../helpers/test-database.ts";

let t: TempDb | undefined;
const extra: Database[] = [];
afterEach(async () => {
  for (const d of extra.splice(0)) await d.close();
  await t?.cleanup();
  t = undefined;
});

const on = new Date("2026-03-16T00:00:00Z");

async function seeded(): Promise<TempDb> {
  t = await openTempDb();
  await t.db.write(async (tx) => {
    await tx.office.create({ data: { id: "x", name: "Dinas X", shortName: "X", timeZone: "Asia/Makassar", flowHash: "h" } });
    await tx.position.create({
      data: { id: "x/kabid", officeId: "x", key: "kabid", title: "Kabid", unitKey: "u", kind: "kabid", sortOrder: 0 },
    });
  });
  return t;
}

async function addHolder(db: Database, id: string, startsOn = new Date("2026-01-01T00:00:00Z")): Promise<void> {
  await db.write(async (tx) => {
    await tx.official.create({ data: { id, officeId: "x", name: `Pejabat ${id}` } });
    await tx.positionHolding.create({ data: { id: `h-${id}`, officialId: id, positionId: "x/kabid", startsOn } });
  });
}

/** A seeded database with holder "a", and an engine store on a second connection whose statements are counted. */
async function countedStore() {
  const { db: seeding, target } = await seeded();
  await addHolder(seeding, "a");
  const counter = createStatementCounter();
  const db = await openDatabase({ target, statementCounter: counter });
  extra.push(db);
  return { seeding, counter, store: createEngineStore(db) };
}

describe("the directory in memory", () => {
  it("sees a change made by another instance, and one made in plain SQL, in the next transaction", async () => {
    const { db, target } = await seeded();
    const other = await openDatabase({ target });
    extra.push(other);
    const store = createEngineStore(db);
    const holders = () => store.transaction(async (tx) => (await tx.holders("x", "kabid", on)).map((o) => o.id));
    expect(await holders()).toEqual([]);
    await addHolder(other, "a");
    expect(await holders()).toEqual(["a"]);
    const sql = await sqlClient(t!.target.provider === "sqlite" ? `file:${t!.target.file}` : t!.target.url);
    try {
      // (1 = 0) is false on both dialects (SQLite keeps booleans as integers).
      await sql.run(`UPDATE "Official" SET "active" = (1 = 0) WHERE "id" = ?`, "a");
    } finally {
      await sql.close();
    }
    expect(await holders()).toEqual([]);
    expect(await store.read(async (tx) => (await tx.official("a"))?.active)).toBe(false);
  });

  it("lets a transaction see the identity it links and the delegation it makes", async () => {
    const { db } = await seeded();
    await addHolder(db, "a");
    await addHolder(db, "b");
    const store = createEngineStore(db);
    expect(await store.transaction((tx) => tx.officialByIdentity("telegram", "111"))).toBeNull();
    const seen = await store.transaction(async (tx) => {
      await tx.official("a"); // the snapshot is taken before the change …
      await tx.linkIdentity("telegram", "111", "a", "A", on);
      await tx.createDelegation({
        id: "d1",
        officeId: "x",
        kind: "plt",
        absentOfficialId: "a",
        deputyOfficialId: "b",
        startsAt: on,
        endsAt: new Date("2026-03-20T00:00:00Z"),
        reason: "cuti tahunan",
        createdByOfficialId: null,
        createdAt: on,
        appliedAt: null,
        revertedAt: null,
        endedAt: null,
      });
      // … and the transaction still sees what it wrote.
      return {
        who: (await tx.officialByIdentity("telegram", "111"))?.id,
        addresses: await tx.addressesOf("a"),
        delegations: (await tx.delegations("x")).map((d) => d.id),
      };
    });
    expect(seen).toEqual({ who: "a", addresses: [{ channel: "telegram", chatId: "111" }], delegations: ["d1"] });
    // And so does the next one, from the snapshot read again.
    expect(await store.transaction(async (tx) => (await tx.officialByIdentity("telegram", "111"))?.id)).toBe("a");
    expect(await store.read(async (tx) => (await tx.delegations("x")).length)).toBe(1);
  });

  it("is not read again when an applicant's chat identity is added, only when an official's is", async () => {
    const { db } = await seeded();
    await addHolder(db, "a");
    const version = async () => (await db.prisma.directoryVersion.findUnique({ where: { id: 1 } }))?.version;
    const before = await version();
    await db.write((tx) => tx.chatIdentity.create({ data: { id: "i1", channel: "whatsapp", externalId: "62812@s.whatsapp.net" } }));
    expect(await version()).toBe(before);
    await db.write((tx) =>
      tx.chatIdentity.create({ data: { id: "i2", channel: "whatsapp", externalId: "62813@s.whatsapp.net", officialId: "a" } }),
    );
    expect(await version()).toBe((before ?? 0) + 1);
  });

  it("serves an unchanged directory from memory: one statement per transaction instead of a query per lookup", async () => {
    const { counter, store } = await countedStore();
    const lookups = (tx: Parameters<Parameters<typeof store.transaction>[0]>[0]) =>
      Promise.all([tx.holders("x", "kabid", on), tx.official("a"), tx.positionsOf("a", on), tx.addressesOf("a"), tx.delegations("x")]);
    const first = await store.transaction(lookups);
    counter.byShape.clear();
    const second = await store.transaction(lookups);
    expect(second).toEqual(first);
    const statements = [...counter.byShape.keys()].filter((sql) => !/^\s*(BEGIN|COMMIT)/i.test(sql));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain("DirectoryVersion");
    expect(first[2]).toEqual(["kabid"]);
    // Changing what a lookup returned is not seen by the next transaction.
    first[0].length = 0;
    expect((await store.transaction(lookups))[0].map((o) => o.id)).toEqual(["a"]);
  });

  it("takes the version from an incoming message's receipt: no statement of its own, and still sees another instance's change", async () => {
    const { seeding, counter, store } = await countedStore();
    let n = 0;
    const press = () =>
      store.transaction(async (tx) => {
        expect(await tx.recordInbound("telegram", `m${++n}`, on)).toBe(true);
        return (await tx.holders("x", "kabid", on)).map((o) => o.id);
      });
    expect(await press()).toEqual(["a"]);
    counter.byShape.clear();
    expect(await press()).toEqual(["a"]);
    const statements = [...counter.byShape.keys()].filter((sql) => !/^\s*(BEGIN|COMMIT)/i.test(sql));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/INSERT INTO "InboundReceipt"[\s\S]*RETURNING \(SELECT "version" FROM "DirectoryVersion"/);
    // Another instance names a second holder: the next receipt brings the new version, and the directory is read again.
    await addHolder(seeding, "b");
    expect(await press()).toEqual(["a", "b"]);
    // A redelivered message is refused, and its transaction still reads the directory by itself.
    expect(
      await store.transaction(async (tx) => [await tx.recordInbound("telegram", "m1", on), (await tx.holders("x", "kabid", on)).length]),
    ).toEqual([false, 2]);
  });
});
