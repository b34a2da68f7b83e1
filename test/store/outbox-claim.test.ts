// What a claim of the outbox returns with each chat's head, on both dialects: whether rows due then
// wait behind it in its chat, and for an edit the message it edits (a combined message's when the
// edited one joined one), so the dispatcher needs no read of its own for a row with nothing behind it.
import { afterEach, describe, expect, it } from "vitest";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createOutboxStore } from "../../src/store/outbox-store.ts";
import { openTempDb, type TempDb } from "../helpers/temp-db.ts";

let t: TempDb | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const at = new Date("2026-03-16T00:00:00Z");
const until = new Date(at.getTime() + 60_000);

async function queue(rows: { chatId: string; text: string; editOfId?: number }[], when = at): Promise<void> {
  await createEngineStore(t!.db).transaction(async (tx) => {
    for (const r of rows) await tx.enqueue({ channel: "telegram", ...r }, when);
  });
}

describe("outbox claim", () => {
  it("says which heads have rows due behind them, and what each edit is aimed at", async () => {
    t = await openTempDb();
    const outbox = createOutboxStore(t.db);
    await queue([
      { chatId: "1", text: "satu" },
      { chatId: "1", text: "dua" },
      { chatId: "2", text: "sendiri" },
    ]);
    // A row not yet due does not count as waiting behind.
    await queue([{ chatId: "2", text: "nanti" }], new Date(at.getTime() + 3_600_000));
    const first = await outbox.claim(at, 10, ["telegram"], "a", until);
    expect(first.map((r) => [r.text, r.behind, r.target])).toEqual([
      ["satu", true, undefined],
      ["sendiri", false, undefined],
    ]);
    const [satu, sendiri] = first;
    await outbox.markSent(satu!.id, at, "501");
    await outbox.markSent(sendiri!.id, at, "601");

    // "dua" is combined with a later message; an edit of "dua" then goes to the combined message.
    const [dua] = await outbox.claim(at, 10, ["telegram"], "a", until);
    expect(dua?.text).toBe("dua");
    await queue([{ chatId: "1", text: "tiga" }]);
    const tiga = (await outbox.queuedBehind(dua!, at, 10))[0]!;
    const lead = await outbox.merge(dua!, [tiga], { text: "dua\n\ntiga", actions: [] }, true);
    await outbox.markSent(lead.id, at, "502");
    const own = (await outbox.membersOf(lead.id)).find((m) => m.text === "dua")!;
    await queue([
      { chatId: "1", text: "satu (diubah)", editOfId: satu!.id },
      { chatId: "1", text: "tiga (diubah)", editOfId: tiga.id },
      { chatId: "3", text: "tidak ada", editOfId: 999_999 },
    ]);
    const edits = await outbox.claim(at, 10, ["telegram"], "a", until);
    expect(edits.map((r) => [r.text, r.behind, r.target])).toEqual([
      ["satu (diubah)", true, { platformMessageId: "501", mergedIntoId: null }],
      ["tidak ada", false, { platformMessageId: null, mergedIntoId: null }],
    ]);
    await outbox.markSent(edits[0]!.id, at);
    const [last] = await outbox.claim(at, 10, ["telegram"], "a", until);
    expect([last?.text, last?.behind, last?.target]).toEqual(["tiga (diubah)", false, { platformMessageId: "502", mergedIntoId: lead.id }]);
    expect(own.mergedIntoId).toBe(lead.id);
  });
});
