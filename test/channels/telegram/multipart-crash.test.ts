// kill -9 in the middle of a message's parts: an applicant's submission reaches the admin as a text
// and four files; the process dies while the second file is in flight (Telegram has the file, the
// answer never came). After the restart every part arrives, the text once, and only the part that
// was in flight is sent again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textMessage } from "../../helpers/telegram-updates.ts";
import { fillForm } from "../../journeys/conversation-scenarios.ts";
import { telegramDriver } from "../../journeys/telegram-driver.ts";

const d = telegramDriver();
beforeAll(() => d.start(), 60_000);
afterAll(() => d.stop(), 30_000);

describe("a crash during a multi-part message", () => {
  it("delivers every part after the restart and repeats at most the one in flight", { timeout: 90_000 }, async () => {
    await fillForm(d, "klinik-legalitas", { stopAtSummary: true });
    const api = d.api();
    const filesBefore = api.calls.filter((c) => c.method === "sendDocument" || c.method === "sendPhoto").length;
    expect(filesBefore).toBe(0);
    // The first file goes through; the second is taken by Telegram but its answer never comes.
    api.faults({ methods: ["sendDocument", "sendPhoto"], after: 1, hang: { count: 1, ms: 60_000, accepted: true } });
    api.push(textMessage(700101, "KIRIM", 99_001));
    for (let i = 0; i < 400 && api.faultsServed.hang === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(api.faultsServed.hang).toBe(1);
    const killed = await d.crash();
    expect(killed.code).toBeNull(); // killed by the signal
    await d.restart();
    await d.settle();

    const toAdmin = api.calls.filter((c) => c.status === 200 && String(c.payload["chat_id"]) === "700102");
    const tasks = toAdmin.filter((c) => c.method === "sendMessage" && String(c.payload["text"]).includes("Tugas baru — kasus 30-"));
    expect(tasks).toHaveLength(1);
    const files = toAdmin
      .filter((c) => c.method === "sendDocument" || c.method === "sendPhoto")
      .flatMap((c) => (c.payload["files"] as { sha: string }[]) ?? []);
    const distinct = new Set(files.map((f) => f.sha));
    expect(distinct.size).toBe(5); // KTP, ijazah, pas foto, and the two files of the last question
    expect(files.length - distinct.size).toBe(1); // the part that was in flight, and no other
    const rows = await d.inbox("applicant");
    expect(rows.at(-1)?.text).toContain("Kode permohonan: 30-");
  });
});
