// Messages queued for one chat go out as one: each with its text and its own choices labelled by
// case; an edit queued for one of them is folded in; an edit after sending re-draws the combined
// message and keeps the others' choices; a row with files is not combined. On a real database.
import { afterEach, describe, expect, it } from "vitest";
import type { OutboxDraft } from "../../src/engine/case-ports.ts";
import { composeMerged } from "../../src/engine/outbox-merge.ts";
import {
  createOutboxDispatcher,
  messageParts,
  SendFailure,
  type ChannelSender,
  type OutboundPart,
} from "../../src/engine/outbox-dispatcher.ts";
import type { OutboundMessage } from "../../src/engine/types.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createOutboxStore } from "../../src/store/outbox-store.ts";
import { FakeClock } from "../helpers/harness.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const start = new Date("2026-03-16T00:00:00Z");
const task = (code: string, n: number): OutboxDraft => ({
  channel: "telegram",
  chatId: "500",
  text: `Tugas baru — kasus ${code}\nSOP 13: Penanganan Surat Keluar\nLangkah 1 dari 6: Menerima konsep surat`,
  actions: [
    { label: "Selesai", token: `done${n}xxxx` },
    { label: "Selesai + catatan", token: `note${n}xxxx` },
  ],
  taskId: `task-${n}`,
});

/** A sender recording what it sends; it first throws what `refusals` holds at the time, one per part. */
function recorder(refusals: Error[] = []): ChannelSender & { calls: { kind: string; text?: string; labels?: string[]; edit?: string }[] } {
  const calls: { kind: string; text?: string; labels?: string[]; edit?: string }[] = [];
  let id = 100;
  return {
    calls,
    merges: true,
    parts: (m: OutboundMessage) => messageParts(m, (text) => [text]),
    async sendPart(m: OutboundMessage, part: OutboundPart) {
      const refusal = refusals.shift();
      if (refusal) throw refusal;
      if (part.kind === "edit") {
        calls.push({
          kind: "edit",
          text: m.text,
          labels: (m.actions ?? []).map((a) => a.label),
          ...(m.edit ? { edit: m.edit.platformMessageId } : {}),
        });
        return undefined;
      }
      if (part.kind === "file") {
        calls.push({ kind: "file" });
        return undefined;
      }
      calls.push({ kind: "text", text: part.text, labels: part.withActions ? (m.actions ?? []).map((a) => a.label) : [] });
      return { platformMessageId: String(++id) };
    },
  };
}

async function queue(drafts: OutboxDraft[]): Promise<void> {
  await createEngineStore(t!.db).transaction(async (tx) => {
    for (const d of drafts) await tx.enqueue(d, start);
  });
}

/** A dispatcher whose sender refuses what `refusals` holds, after its first pass (nothing refused). */
async function firstSent() {
  const store = createEngineStore(t!.db);
  const refusals: Error[] = [];
  const sender = recorder(refusals);
  const clock = new FakeClock(start);
  const dispatcher = createOutboxDispatcher({ outbox: createOutboxStore(t!.db), senders: { telegram: sender }, clock });
  await dispatcher.flush();
  return { store, refusals, sender, clock, dispatcher };
}

describe("combined messages", () => {
  it("sends five queued task prompts as one message with every choice labelled by its case", async () => {
    t = await openTempDb();
    await queue(["13-AAAAA", "13-CCCCC", "13-DDDDD", "13-EEEEE", "13-FFFFF"].map((c, i) => task(c, i)));
    const sender = recorder();
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    });
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0]?.text).toMatch(/^5 tugas baru:\n\n【1】 Tugas baru — kasus 13-AAAAA/);
    expect(sender.calls[0]?.text).toContain("ketik /tugas untuk menyelesaikannya sekaligus");
    expect(sender.calls[0]?.labels).toEqual([
      "13-AAAAA · Selesai",
      "13-AAAAA · Selesai + catatan",
      "13-CCCCC · Selesai",
      "13-CCCCC · Selesai + catatan",
      "13-DDDDD · Selesai",
      "13-DDDDD · Selesai + catatan",
      "13-EEEEE · Selesai",
      "13-EEEEE · Selesai + catatan",
      "13-FFFFF · Selesai",
      "13-FFFFF · Selesai + catatan",
    ]);
    const rows = await t.db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(rows.filter((r) => r.status === "sent")).toHaveLength(1);
    expect(rows.filter((r) => r.status === "merged")).toHaveLength(5); // the lead's own message kept as a member, and four more
  });

  it("folds in an edit queued for a prompt not sent yet, and re-draws the combined message for an edit after sending", async () => {
    t = await openTempDb();
    await queue([task("13-AAAAA", 1), task("13-CCCCC", 2)]);
    const store = createEngineStore(t.db);
    // The first prompt is decided (by someone else) before anything went out: its edit waits behind.
    const prompts = await store.transaction((tx) => tx.actionMessagesOfTask("task-1"));
    await queue([
      { channel: "telegram", chatId: "500", text: `${prompts[0]?.text}\n\n✔ Diselesaikan oleh Maria`, editOfId: prompts[0]?.id ?? 0 },
    ]);
    const sender = recorder();
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    });
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0]?.text).toContain("✔ Diselesaikan oleh Maria");
    expect(sender.calls[0]?.labels).toEqual(["Selesai", "Selesai + catatan"]); // only the open one's choices (one task left: no labels needed)
    // The second is decided after sending: the combined message is edited, the first's outcome kept.
    const open = await store.transaction((tx) => tx.actionMessagesOfTask("task-2"));
    expect(open).toHaveLength(1);
    await queue([
      { channel: "telegram", chatId: "500", text: `${open[0]?.text}\n\n✔ Diselesaikan oleh Fransiska`, editOfId: open[0]?.id ?? 0 },
    ]);
    await dispatcher.flush();
    expect(sender.calls[1]).toMatchObject({ kind: "edit", edit: "101", labels: [] });
    expect(sender.calls[1]?.text).toContain("✔ Diselesaikan oleh Maria");
    expect(sender.calls[1]?.text).toContain("✔ Diselesaikan oleh Fransiska");
    expect(await store.transaction((tx) => tx.actionMessagesOfTask("task-2"))).toEqual([]);
  });

  it("sends the re-draw of a combined message later when Telegram refuses it for now (429, pacing), never drops it", async () => {
    t = await openTempDb();
    await queue([task("13-AAAAA", 1), task("13-CCCCC", 2)]);
    const { store, refusals, sender, clock, dispatcher } = await firstSent();
    expect(sender.calls).toHaveLength(1);
    const open = await store.transaction((tx) => tx.actionMessagesOfTask("task-1"));
    await queue([
      { channel: "telegram", chatId: "500", text: `${open[0]?.text}\n\n✔ Diselesaikan oleh Maria`, editOfId: open[0]?.id ?? 0 },
    ]);
    // The first try of the re-draw meets a 429, the next a pacing deferral; each is tried again once due.
    refusals.push(new SendFailure("429 Too Many Requests", true, 3_000), new SendFailure("paced", true, 1_000, true));
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    clock.advanceMinutes(0.05);
    await dispatcher.flush();
    expect(sender.calls).toHaveLength(1);
    clock.advanceMinutes(0.05);
    await dispatcher.flush();
    expect(sender.calls[1]).toMatchObject({ kind: "edit", edit: "101" });
    expect(sender.calls[1]?.text).toContain("✔ Diselesaikan oleh Maria");
    expect(await t.db.prisma.outboxMessage.count({ where: { status: "pending" } })).toBe(0);
  });

  it("retries folded edits of one message with the latest text when the first try is refused", async () => {
    t = await openTempDb();
    await queue([task("13-AAAAA", 1)]);
    const { store, refusals, sender, clock, dispatcher } = await firstSent();
    const [prompt] = await store.transaction((tx) => tx.actionMessagesOfTask("task-1"));
    await queue(
      ["Diambil oleh Maria", "✔ Diselesaikan oleh Maria"].map((text) => ({
        channel: "telegram",
        chatId: "500",
        text,
        editOfId: prompt?.id ?? 0,
      })),
    );
    refusals.push(new SendFailure("429 Too Many Requests", true, 3_000));
    await dispatcher.flush();
    clock.advanceMinutes(0.1);
    await dispatcher.flush();
    expect(sender.calls.slice(1)).toEqual([{ kind: "edit", text: "✔ Diselesaikan oleh Maria", labels: [], edit: "101" }]);
    expect(await t.db.prisma.outboxMessage.count({ where: { status: "pending" } })).toBe(0);
  });

  it("folds edits queued for the same message into one: the latest is what is shown", async () => {
    t = await openTempDb();
    await queue(["13-AAAAA", "13-CCCCC", "13-DDDDD"].map((c, i) => task(c, i)));
    await queue([{ ...task("13-EEEEE", 9), chatId: "600" }]);
    const sender = recorder();
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    });
    await dispatcher.flush();
    expect(sender.calls.map((c) => c.kind)).toEqual(["text", "text"]);
    const store = createEngineStore(t.db);
    // Three tasks of the combined message are decided one after another before its edits go out…
    for (const n of [0, 1, 2]) {
      const [open] = await store.transaction((tx) => tx.actionMessagesOfTask(`task-${n}`));
      await queue([
        {
          channel: "telegram",
          chatId: "500",
          text: `${open?.text}

✔ Selesai ${n}`,
          editOfId: open?.id ?? 0,
        },
      ]);
    }
    // …and the lone prompt in another chat is taken, then decided.
    const [lone] = await store.transaction((tx) => tx.actionMessagesOfTask("task-9"));
    await queue([
      {
        channel: "telegram",
        chatId: "600",
        text: `${lone?.text}

✔ Diambil`,
        editOfId: lone?.id ?? 0,
        actions: [{ label: "Selesai", token: "x9xxxxxx" }],
      },
      {
        channel: "telegram",
        chatId: "600",
        text: `${lone?.text}

✔ Diambil
✔ Selesai`,
        editOfId: lone?.id ?? 0,
      },
    ]);
    await dispatcher.flush();
    const edits = sender.calls.filter((c) => c.kind === "edit");
    expect(edits).toHaveLength(2);
    const combined = edits.find((e) => e.text?.includes("✔ Selesai 0"));
    expect(combined?.text).toContain("✔ Selesai 1");
    expect(combined?.text).toContain("✔ Selesai 2");
    expect(combined?.labels).toEqual([]);
    expect(edits.find((e) => e.text?.endsWith("✔ Diambil\n✔ Selesai"))?.labels).toEqual([]);
    expect(await t.db.prisma.outboxMessage.count({ where: { status: "pending" } })).toBe(0);
  });

  it("sends a chat's new message before its queued edits, however many edits wait ahead of it", async () => {
    t = await openTempDb();
    await queue([task("13-AAAAA", 1)]);
    const sender = recorder();
    const outbox = createOutboxStore(t.db);
    const dispatcher = createOutboxDispatcher({ outbox, senders: { telegram: sender }, clock: new FakeClock(start) });
    await dispatcher.flush();
    const [prompt] = await createEngineStore(t.db).transaction((tx) => tx.actionMessagesOfTask("task-1"));
    // Hundreds of edits of the one message queue up (more than a claim looks at by age), then a new task.
    await queue(
      Array.from({ length: 450 }, (_, i) => ({
        channel: "telegram" as const,
        chatId: "500",
        text: `${prompt?.text}\n\nedit ${i}`,
        editOfId: prompt?.id ?? 0,
        ...(i < 449 ? { actions: [{ label: "Selesai", token: `t${i}xxxxxx` }] } : {}),
      })),
    );
    await queue([task("13-CCCCC", 2)]);
    const claimed = await outbox.claim(start, 100, ["telegram"], "test", new Date(start.getTime() + 60_000));
    expect(claimed.map((r) => r.text.slice(0, 27))).toEqual(["Tugas baru — kasus 13-CCCCC"]);
  });

  it("does not combine a message with files, and keeps the chat's order", async () => {
    t = await openTempDb();
    await queue([
      task("13-AAAAA", 1),
      { channel: "telegram", chatId: "500", text: "Berkas kasus", fileIds: ["f1"] },
      task("13-CCCCC", 2),
      task("13-DDDDD", 3),
    ]);
    const sender = recorder();
    const dispatcher = createOutboxDispatcher({
      outbox: createOutboxStore(t.db),
      senders: { telegram: sender },
      clock: new FakeClock(start),
    });
    await dispatcher.flush();
    expect(sender.calls.map((c) => c.kind)).toEqual(["text", "text", "file", "text"]);
    expect(sender.calls[0]?.text).toMatch(/^Tugas baru — kasus 13-AAAAA/);
    expect(sender.calls[3]?.text).toMatch(/^2 tugas baru:/);
  });

  it("keeps a reply and one task plain: no header, choices as they were", () => {
    const combined = composeMerged([
      { id: 1, text: "Kasus 13-AAAAA dibuka: SOP 13." },
      { id: 2, text: "Tugas baru — kasus 13-AAAAA", actions: [{ label: "Selesai", token: "t1" }] },
    ]);
    expect(combined).toEqual({
      text: "Kasus 13-AAAAA dibuka: SOP 13.\n\n———\n\nTugas baru — kasus 13-AAAAA",
      actions: [{ label: "Selesai", token: "t1" }],
    });
  });
});
