// Hostile input: fuzzed form answers, commands and callback data, oversized texts, replayed and
// forged presses, unknown chats. Each gets a clear answer or is ignored, and changes nothing it
// should not; the audit chain stays intact and the bot keeps answering.
import { afterEach, describe, expect, it } from "vitest";
import { caseCode, startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** Deterministic pseudo-random strings with quotes, control characters, emoji, SQL and markup. */
function fuzzStrings(n: number, seed = 7): string[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s;
  };
  const pieces = [
    "'",
    '"',
    "; DROP TABLE Case; --",
    "<script>",
    "\u0000",
    "\u202e",
    "😀",
    "%s%n",
    "../../etc/passwd",
    "/",
    "\\",
    "1",
    "9999999999999999999",
    "-",
    " ",
    "\n",
    "KIRIM",
    "UBAH 99",
    "/batal",
    "a:",
    "NaN",
    "null",
  ];
  return Array.from({ length: n }, () => Array.from({ length: 1 + (next() % 6) }, () => pieces[next() % pieces.length]).join(""));
}

describe("hostile input", () => {
  it("survives fuzzed form answers and commands without losing the form or breaking the audit chain", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00"), secondsPerMessage: 3 });
    await h.as("+Fuzz");
    await h.say("halo");
    await h.say("2");
    await h.say("SETUJU");
    for (const input of fuzzStrings(120)) {
      const out = await h.say(input);
      expect(out).not.toContain("kesalahan pada sistem");
    }
    // The form is still there, at whatever question the fuzz reached.
    expect(await h.say("STATUS")).not.toContain("kesalahan pada sistem");
    const session = await h.app.db.prisma.formSession.findMany();
    expect(session.length).toBeLessThanOrEqual(1);
    expect(await h.auditProblems()).toEqual([]);
  });

  it("answers oversized texts and odd commands briefly", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const huge = "x".repeat(100_000);
    expect(await h.say(huge)).toContain("Ketik /bantuan");
    const notFound = await h.say(`/kasus ${huge}`);
    expect(notFound).toContain("Kasus XXXXXXXXXXXXXXXX… tidak ditemukan");
    // The reply (not the console's echo of the input) stays short.
    expect(notFound.slice(notFound.indexOf("sopbot →")).length).toBeLessThan(300);
    expect(await h.say(`/buka 99 ${huge}`)).toContain("Tulis nomor SOP dan perihalnya");
    expect(await h.say("/delegasi plt ;;;;")).toContain("Format belum lengkap");
    expect(await h.say("/batalkan")).toContain("Tulis kode kasus dan alasannya");
    expect(await h.say("/alur -1")).toContain("Tulis nomor SOP");
    expect(await h.say("/laporan 9999")).toContain("Periode tidak dapat dibaca");
    expect(await h.say("/jatuhtempo 100")).toContain("Tulis jumlah bulan 1 sampai 24");
  });

  it("ignores replayed and forged presses and strangers, changing nothing", async () => {
    h = await startHarness({ now: wita("2026-03-16 08:00") });
    const code = caseCode(await h.say("/buka 18 KGB Uji"));
    const row = await h.app.db.prisma.outboxMessage.findFirst({ where: { chatId: "console:maria-goreti-bria", actions: { not: null } } });
    const token = (JSON.parse(row?.actions ?? "[]") as { token: string }[])[0]?.token ?? "";
    const press = (sender: string, t: string, id: string) =>
      h!.app.receive({
        channel: "console",
        chatId: `console:${sender}`,
        senderId: sender,
        messageId: id,
        action: { token: t },
        receivedAt: h!.clock.now(),
      });
    for (const [i, forged] of [token.slice(0, -1), `${token}x`, "", "A".repeat(300), "a:a:a", "\u0000"].entries())
      await press("maria-goreti-bria", forged, `f${i}`);
    await press("orang-asing", token, "s1");
    await press("yosef-lamanepa", token, "s2");
    expect(await h.app.db.prisma.stepTask.count({ where: { case: { code }, status: "done" } })).toBe(0);
    await press("maria-goreti-bria", token, "ok-1");
    await press("maria-goreti-bria", token, "ok-1");
    await press("maria-goreti-bria", token, "ok-2");
    expect(await h.app.db.prisma.stepTask.count({ where: { case: { code }, status: "done" } })).toBe(1);
    expect(await h.app.db.prisma.auditEvent.count({ where: { action: "step-done" } })).toBe(1);
    expect(await h.auditProblems()).toEqual([]);
  });
});
