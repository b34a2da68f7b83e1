import { afterEach, describe, expect, it } from "vitest";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";
import { onPostgres } from "../helpers/test-database.ts";
import { openDatabase, type Tx } from "../../src/store/database.ts";
import { createStatementCounter } from "../../src/store/statement-counter.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const office = (id: string) => ({ id, name: `Office ${id}`, shortName: id, timeZone: "Asia/Makassar", flowHash: "x" });

describe("database", () => {
  it.skipIf(onPostgres)("runs in WAL mode with synchronous=NORMAL and foreign keys on", async () => {
    t = await openTempDb();
    const [journal] = await t.db.prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    const [sync] = await t.db.prisma.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
    const [fk] = await t.db.prisma.$queryRawUnsafe<{ foreign_keys: bigint | number }[]>("PRAGMA foreign_keys");
    expect(journal?.journal_mode).toBe("wal");
    expect(Number(sync?.synchronous)).toBe(1); // NORMAL
    expect(Number(fk?.foreign_keys)).toBe(1);
  });

  it("keeps a write made while another transaction is open and then fails", async () => {
    t = await openTempDb();
    const { db } = t;
    let releaseFailing!: () => void;
    const failingMayFinish = new Promise<void>((resolve) => {
      releaseFailing = resolve;
    });
    let failingStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      failingStarted = resolve;
    });

    const failing = db.write(async (tx) => {
      await tx.office.create({ data: office("rolled-back") });
      failingStarted();
      await failingMayFinish;
      throw new Error("boom");
    });
    await started;
    // Issued while the failing transaction is open on the single connection.
    const concurrent = db.write((tx) => tx.office.create({ data: office("survivor") }));
    expect(db.gate.pending).toBe(2);
    releaseFailing();

    await expect(failing).rejects.toThrow("boom");
    await concurrent;
    const ids = (await db.prisma.office.findMany()).map((o) => o.id);
    expect(ids).toEqual(["survivor"]);
  });

  it.skipIf(onPostgres)("shows why the gate exists: an ungated write joins the open transaction and is lost with it", async () => {
    t = await openTempDb();
    const { prisma } = t.db;
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const failing = prisma.$transaction(async (tx) => {
      await tx.office.create({ data: office("in-tx") });
      inside();
      await released;
      throw new Error("boom");
    });
    await opened;
    const stray = prisma.office.create({ data: office("stray") }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await expect(failing).rejects.toThrow("boom");
    await stray;
    const ids = (await prisma.office.findMany()).map((o) => o.id);
    expect(ids).not.toContain("in-tx");
    expect(ids).not.toContain("stray");
  });

  it("reads outside the write path on a view that refuses writes and does not wait for an open write", async () => {
    t = await openTempDb();
    const db = t.db;
    await db.write((tx) => tx.office.create({ data: office("a") }));
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const open = db.write(async (tx) => {
      await tx.office.create({ data: office("b") });
      entered();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await inside;
    // The write transaction is open: the read goes ahead and sees only what was committed.
    expect((await db.read((view) => view.office.findMany())).map((o) => o.id)).toEqual(["a"]);
    await expect(db.read((view) => view.office.create({ data: office("c") }))).rejects.toThrow();
    release();
    await open;
    expect((await db.read((view) => view.office.findMany({ orderBy: { id: "asc" } }))).map((o) => o.id)).toEqual(["a", "b"]);
  });

  it("reads in a read-only snapshot on PostgreSQL, or without one when asked (a guard checked again later)", async () => {
    t = await openTempDb();
    const counter = createStatementCounter();
    const db = await openDatabase({ target: t.target, statementCounter: counter });
    try {
      const count = (view: Tx) => view.office.count();
      await db.read(count);
      const withSnapshot = counter.transactions;
      await db.read(count, { snapshot: false });
      expect(withSnapshot).toBe(onPostgres ? 1 : 0);
      expect(counter.transactions).toBe(withSnapshot);
      // The snapshot refuses writes; on SQLite the reader connection refuses them either way.
      await expect(
        db.read((view) => view.office.create({ data: { id: "x", name: "x", shortName: "x", timeZone: "UTC", flowHash: "f" } })),
      ).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  it("refuses writes after close", async () => {
    t = await openTempDb();
    await t.db.close();
    await expect(t.db.write((tx) => tx.office.count())).rejects.toThrow("closed");
  });
});

describe("write gate", () => {
  it("refuses a write started inside a running write instead of waiting for itself forever", async () => {
    const { openTempDb } = await import("../helpers/temp-db.ts");
    const local = await openTempDb();
    try {
      await expect(local.db.write(async () => local.db.write((tx) => tx.office.count()))).rejects.toThrow(
        "A write was started inside another write",
      );
      // The gate still works afterwards.
      expect(await local.db.write((tx) => tx.office.count())).toBe(0);
    } finally {
      await local.cleanup();
    }
  });

  it.skipIf(onPostgres)(
    "lets a write aside go right after the running transaction, before the queued ones; the reader sees only what is committed",
    async () => {
      const { openTempDb } = await import("../helpers/temp-db.ts");
      const local = await openTempDb();
      try {
        const order: string[] = [];
        let release!: () => void;
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        let opened!: () => void;
        const inside = new Promise<void>((resolve) => {
          opened = resolve;
        });
        const running = local.db.write(async (tx) => {
          await tx.office.create({ data: office("running") });
          opened();
          await held;
          order.push("running");
        });
        await inside;
        const queued = [1, 2, 3].map((n) =>
          local.db.write(async (tx) => {
            await tx.office.create({ data: office(`queued-${n}`) });
            order.push(`queued-${n}`);
          }),
        );
        const aside = local.db.writeAside(async (tx) => {
          await tx.office.create({ data: office("aside") });
          order.push("aside");
        });
        // The open transaction's row is not visible to the reader.
        expect((await local.db.reader.office.findMany()).map((o) => o.id)).toEqual([]);
        release();
        await Promise.all([running, aside, ...queued]);
        expect(order).toEqual(["running", "aside", "queued-1", "queued-2", "queued-3"]);
        expect((await local.db.reader.office.findMany()).map((o) => o.id).sort()).toEqual([
          "aside",
          "queued-1",
          "queued-2",
          "queued-3",
          "running",
        ]);
      } finally {
        await local.cleanup();
      }
    },
  );
});
