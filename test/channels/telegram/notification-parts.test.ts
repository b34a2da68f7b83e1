// Notifications with attachments against the Bot API stand-in enforcing Telegram's limits (one
// message per chat per window, 30 per window overall, 429 otherwise), on a clock twice as fast with
// the bot's pace scaled alike: 50 chats, a text and three files each — every part arrives once, none
// is lost, and the bot never runs into a 429. The bot keeps a 20 % margin here (10 % per chat and 5 %
// overall by default): on a loaded two-core test machine a request can reach the stand-in tens of
// milliseconds late and bunch with the next, a larger share of a half-size window than of Telegram's.
// (The rate at Telegram's real limits, with the default margins, is a figure of `npm run bench`.)
import path from "node:path";
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { createLogger } from "../../../src/logger.ts";
import { createApp } from "../../../src/app.ts";
import { createEngineStore } from "../../../src/store/engine-store.ts";
import { startBotApiServer } from "../../helpers/bot-api-server.ts";
import { botInfo } from "../../helpers/fake-bot-api.ts";
import { repoRoot } from "../../helpers/run-bot.ts";
import { tempDir } from "../../helpers/temp-db.ts";
import { newDatabaseUrl } from "../../helpers/test-database.ts";
import { demoFile } from "../../journeys/driver.ts";

const token = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz";
const dir = tempDir();
const scaledLimits = { chatWindowMs: 500, overallWindowMs: 500, overallMax: 30 };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("notifications with attachments under Telegram's limits", () => {
  it("deliver every part of 50 chats' messages exactly once, without a 429", { timeout: 60_000 }, async () => {
    const api = await startBotApiServer({ token, rateLimits: scaledLimits });
    const config = loadConfig({
      DATABASE_URL: await newDatabaseUrl(dir),
      FLOWS_DIR: path.join(repoRoot, "flows"),
      FILES_DIR: path.join(dir, "files"),
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_CHAT_GAP_MS: String(Math.round(scaledLimits.chatWindowMs * 1.2)),
      TELEGRAM_GLOBAL_GAP_MS: String(Math.ceil((scaledLimits.overallWindowMs / scaledLimits.overallMax) * 1.2)),
      CONSOLE: "off",
      DEMO_STAFF: "false",
    });
    const app = await createApp({ config, logger: createLogger("silent"), telegram: { botInfo } });
    try {
      const files = app.files;
      if (!files) throw new Error("no file store");
      const expected = new Map<string, string[]>();
      const rows: { chatId: string; fileIds: string[] }[] = [];
      for (let chat = 0; chat < 50; chat++) {
        const chatId = String(900_000 + chat);
        const ids: string[] = [];
        const shas: string[] = [];
        for (const base of ["ijazah.pdf", "persyaratan.pdf", "ktp.jpg"] as const) {
          const f = demoFile(base);
          const saved = await files.save({ bytes: f.bytes, name: f.name, channel: "system", uploaderId: "test", at: new Date() });
          if (!saved.ok) throw new Error("file not saved");
          ids.push(saved.file.id);
          shas.push(saved.file.sha256.slice(0, 16));
        }
        expected.set(chatId, shas);
        rows.push({ chatId, fileIds: ids });
      }
      await createEngineStore(app.db).transaction(async (tx) => {
        for (const r of rows)
          await tx.enqueue(
            { channel: "telegram", chatId: r.chatId, text: `Tugas baru — berkas untuk ${r.chatId}`, fileIds: r.fileIds },
            new Date(),
          );
      });
      for (let i = 0; i < 200 && (await app.db.prisma.outboxMessage.count({ where: { status: "pending" } })) > 0; i++) {
        await app.dispatcher.flush();
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await app.db.prisma.outboxMessage.count({ where: { status: { not: "sent" } } })).toBe(0);
      for (const [chatId, shas] of expected) {
        const calls = api.calls.filter((c) => c.status === 200 && String(c.payload["chat_id"]) === chatId);
        expect(calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
        const sent = calls.flatMap((c) => ((c.payload["files"] as { sha: string }[] | undefined) ?? []).map((f) => f.sha));
        expect(sent.sort()).toEqual([...shas].sort());
      }
      expect(api.rejected429, JSON.stringify(api.refusals.slice(0, 5))).toBe(0);
    } finally {
      await app.close();
      await api.close();
    }
  });
});
