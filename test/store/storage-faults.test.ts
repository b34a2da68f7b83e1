// The database locked by another process, or the disk full: the sender gets a clear answer that
// the message was NOT recorded (not a crash, not silence), nothing of it is half-written, the
// database stays intact, and once the storage is back the same message goes through. On SQLite: a
// write lock held by another connection past the busy timeout, and a full database (max_page_count).
// On PostgreSQL: a table locked by another session past lock_timeout. The classification of the
// other drivers' errors (disk_full, connection errors, ENOSPC …) is unit-tested at the end.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { StorageUnavailableError } from "../../src/engine/storage-unavailable.ts";
import { classifyStorageError, toStorageError } from "../../src/store/storage-errors.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";
import { newDatabaseUrl, onPostgres, sqlClient, type SqlClient } from "../helpers/test-database.ts";
import { tempDir } from "../helpers/temp-db.ts";

let h: Harness | undefined;
let other: Database.Database | undefined;
let session: SqlClient | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await session?.close();
  session = undefined;
  await h?.cleanup();
  h = undefined;
});

const notRecorded =
  /Maaf, pesan Anda belum tercatat karena penyimpanan sistem sedang (sibuk|penuh)\. Silakan kirim ulang pesan Anda beberapa saat lagi\./;

/** Row counts of everything a message writes. */
async function footprint(harness: Harness) {
  const p = harness.app.db.prisma;
  return {
    inbound: await p.inboundReceipt.count(),
    cases: await p.case.count(),
    tasks: await p.stepTask.count(),
    audit: await p.auditEvent.count(),
    outbox: await p.outboxMessage.count(),
    deadlines: await p.deadline.count(),
  };
}

async function integrity(harness: Harness): Promise<string> {
  const rows = await harness.app.db.prisma.$queryRawUnsafe<{ integrity_check: string }[]>("PRAGMA integrity_check");
  return rows.map((r) => r.integrity_check).join("\n");
}

const casesTitled = (harness: Harness, title: string) => harness.app.db.prisma.case.count({ where: { title } });

describe.skipIf(onPostgres)("storage faults (SQLite)", () => {
  it("database locked by another process: a clear 'not recorded' answer, nothing half-written, then the same message works", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00"), secondsPerMessage: 5, captureLogs: true });
    await h.as("Sekretaris");
    expect(await h.say("/buka 13 Surat kunci 1")).toMatch(/Kasus 13-[A-Z0-9]{5} dibuka/);
    // Wait 300 ms for a lock instead of 5 s (the app's own connection; production keeps 5000).
    await h.app.db.prisma.$queryRawUnsafe("PRAGMA busy_timeout = 300");

    // Another process (here: another connection) takes the write lock and keeps it.
    other = new Database(h.databaseUrl.slice("file:".length), { fileMustExist: true });
    other.exec("BEGIN EXCLUSIVE");
    other.prepare(`UPDATE "Office" SET name = name WHERE id = 'ntt-provinsi'`).run();
    const before = await footprint(h);
    const started = Date.now();
    const out = await h.say("/buka 13 Surat kunci 2");
    expect(Date.now() - started).toBeLessThan(4000);
    expect(out).toMatch(notRecorded);
    expect(out).toContain("sibuk");
    expect(out).not.toContain("dibuka");
    // Nothing of the message was written.
    expect(await footprint(h)).toEqual(before);
    expect(await casesTitled(h, "Surat kunci 2")).toBe(0);
    // Logged at error level with the classified cause, without the message's content.
    const line = h
      .logs()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l["storage"] !== undefined);
    expect(line).toMatchObject({
      level: 50,
      storage: "busy",
      code: "SQLITE_BUSY",
      msg: "console message not recorded: storage unavailable",
    });
    expect(h.logs()).not.toContain("Surat kunci");

    // The lock is released: the same message goes through, once.
    other.exec("COMMIT");
    other.close();
    other = undefined;
    expect(await h.say("/buka 13 Surat kunci 2")).toMatch(/Kasus 13-[A-Z0-9]{5} dibuka/);
    expect(await casesTitled(h, "Surat kunci 2")).toBe(1);
    expect(await integrity(h)).toBe("ok");
    expect(await h.auditProblems()).toEqual([]);
  });

  it("disk full: a clear 'not recorded' answer, the bot keeps answering, the database stays intact, and it goes on once there is room", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00"), secondsPerMessage: 5, captureLogs: true });
    await h.as("Sekretaris");
    expect(await h.say("/buka 13 Surat penuh awal")).toMatch(/dibuka/);
    const prisma = h.app.db.prisma;
    const [{ page_count: pages } = { page_count: 0 }] =
      await prisma.$queryRawUnsafe<{ page_count: bigint | number }[]>("PRAGMA page_count");
    // The "disk" holds a few more pages than the database has now.
    await prisma.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages) + 3}`);

    let failedAt = -1;
    let before = await footprint(h);
    for (let i = 0; i < 300; i++) {
      before = await footprint(h);
      const out = await h.say(`/buka 13 Surat penuh ${i}`);
      if (notRecorded.test(out)) {
        expect(out).toContain("penuh");
        failedAt = i;
        break;
      }
      expect(out).toMatch(/dibuka/);
    }
    expect(failedAt).toBeGreaterThanOrEqual(0);
    // Nothing of the failed message was written; every earlier one exactly once.
    expect(await footprint(h)).toEqual(before);
    expect(await casesTitled(h, `Surat penuh ${failedAt}`)).toBe(0);
    for (let i = 0; i < failedAt; i++) expect(await casesTitled(h, `Surat penuh ${i}`)).toBe(1);
    // Still full: the bot keeps answering clearly, it does not crash or go silent.
    expect(await h.say(`/buka 13 Surat penuh ${failedAt}`)).toMatch(notRecorded);
    expect(await casesTitled(h, `Surat penuh ${failedAt}`)).toBe(0);
    expect(await integrity(h)).toBe("ok");
    expect(await h.auditProblems()).toEqual([]);
    const logged = h
      .logs()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l["storage"] === "full" && l["code"] === "SQLITE_FULL" && l["level"] === 50).length).toBeGreaterThanOrEqual(
      2,
    );

    // Room again: the same message goes through, once, and the outbox is drained.
    await prisma.$queryRawUnsafe("PRAGMA max_page_count = 1073741823");
    expect(await h.say(`/buka 13 Surat penuh ${failedAt}`)).toMatch(/Kasus 13-[A-Z0-9]{5} dibuka/);
    expect(await casesTitled(h, `Surat penuh ${failedAt}`)).toBe(1);
    await h.tick();
    expect(await prisma.outboxMessage.count({ where: { status: { not: "sent" } } })).toBe(0);
    expect(await integrity(h)).toBe("ok");
    expect(await h.auditProblems()).toEqual([]);
  });
});

describe.runIf(onPostgres)("storage faults (PostgreSQL)", () => {
  it("a table locked by another session past lock_timeout: a clear 'not recorded' answer, nothing written, then the same message works", async () => {
    const dir = tempDir();
    const databaseUrl = await newDatabaseUrl(dir);
    // Give up on a lock after 300 ms (the app's sessions read this when they connect).
    session = await sqlClient(databaseUrl);
    await session.run(`ALTER DATABASE "${new URL(databaseUrl).pathname.slice(1)}" SET lock_timeout = '300ms'`);
    h = await startHarness({ now: wita("2026-03-16 08:00"), dir, databaseUrl, secondsPerMessage: 5, captureLogs: true });
    await h.as("Sekretaris");
    expect(await h.say("/buka 13 Surat kunci 1")).toMatch(/dibuka/);

    await session.run("BEGIN");
    await session.run(`LOCK TABLE "InboundReceipt" IN EXCLUSIVE MODE`);
    const before = await footprint(h);
    const out = await h.say("/buka 13 Surat kunci 2");
    expect(out).toMatch(notRecorded);
    expect(out).toContain("sibuk");
    expect(await footprint(h)).toEqual(before);
    const line = h
      .logs()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l["storage"] !== undefined);
    expect(line).toMatchObject({ level: 50, storage: "busy", code: "55P03" });

    await session.run("COMMIT");
    expect(await h.say("/buka 13 Surat kunci 2")).toMatch(/Kasus 13-[A-Z0-9]{5} dibuka/);
    expect(await casesTitled(h, "Surat kunci 2")).toBe(1);
    expect(await h.auditProblems()).toEqual([]);
  });
});

describe("storage error classification", () => {
  it("recognises locked, full and unreachable storage from SQLite, PostgreSQL, Prisma and the file system", () => {
    const prismaError = (cause: Record<string, unknown>, code = "P2039") =>
      Object.assign(new Error("Invalid `tx.case.create()` invocation"), {
        code,
        meta: { driverAdapterError: { name: "DriverAdapterError", cause } },
      });
    expect(
      classifyStorageError(
        prismaError({ originalCode: "SQLITE_BUSY", originalMessage: "database is locked", kind: "SocketTimeout" }, "P1008"),
      ),
    ).toEqual({ fault: "busy", code: "SQLITE_BUSY" });
    expect(
      classifyStorageError(
        prismaError({ originalCode: "SQLITE_FULL", originalMessage: "database or disk is full", kind: "sqlite", extendedCode: 1 }),
      ),
    ).toEqual({ fault: "full", code: "SQLITE_FULL" });
    expect(
      classifyStorageError(prismaError({ originalCode: "53100", kind: "postgres", code: "53100", message: "could not extend file" })),
    ).toEqual({ fault: "full", code: "53100" });
    expect(classifyStorageError(prismaError({ kind: "DatabaseNotReachable", host: "db", port: 5432 }, "P1001"))).toEqual({
      fault: "unreachable",
      code: "DatabaseNotReachable",
    });
    expect(classifyStorageError(prismaError({ originalCode: "57P01", kind: "postgres", code: "57P01" }))?.fault).toBe("unreachable");
    expect(classifyStorageError(prismaError({ originalCode: "08006", kind: "postgres", code: "08006" }))?.fault).toBe("unreachable");
    expect(classifyStorageError(prismaError({ kind: "TooManyConnections", cause: "sorry, too many clients" }, "P2037"))?.fault).toBe(
      "busy",
    );
    expect(
      classifyStorageError(
        Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" }),
      ),
    ).toEqual({ fault: "full", code: "ENOSPC" });
    expect(classifyStorageError(new Error("Connection terminated unexpectedly"))?.fault).toBe("unreachable");
    // Not storage failures: a unique violation, a version conflict, a plain bug.
    expect(
      classifyStorageError(prismaError({ originalCode: "SQLITE_CONSTRAINT_UNIQUE", kind: "UniqueConstraintViolation" }, "P2002")),
    ).toBeNull();
    expect(classifyStorageError(new Error("version conflict"))).toBeNull();
    expect(classifyStorageError(new TypeError("x is undefined"))).toBeNull();
  });

  it("turns storage failures into StorageUnavailableError and leaves every other error as it is", () => {
    const full = Object.assign(new Error("ENOSPC"), { code: "ENOSPC" });
    const wrapped = toStorageError(full);
    expect(wrapped).toBeInstanceOf(StorageUnavailableError);
    expect((wrapped as StorageUnavailableError).fault).toBe("full");
    expect((wrapped as StorageUnavailableError).cause).toBe(full);
    const bug = new Error("boom");
    expect(toStorageError(bug)).toBe(bug);
  });
});
