// Nothing secret or personal in any log line: the Bot API unreachable while polling (its errors name
// the URL, token included), and a failing write whose error repeats the values it was given.
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { errorInfo, errorSummary } from "../src/engine/error-info.ts";
import { createLogger } from "../src/logger.ts";
import { createEngineStore } from "../src/store/engine-store.ts";
import { startBotApiServer } from "./helpers/bot-api-server.ts";
import { textMessage } from "./helpers/telegram-updates.ts";
import { startHarness, wita } from "./helpers/harness.ts";
import { collect, spawnBot } from "./helpers/run-bot.ts";
import { tempDir } from "./helpers/temp-db.ts";
import { newDatabaseUrl, onPostgres, sqlClient } from "./helpers/test-database.ts";

const token = "123456:SECRET-token-abcdefghijklmnopqrstuvwxyz";
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("logs", () => {
  it("keep the bot token out of stdout and stderr while the Bot API cannot be reached during polling", async () => {
    const api = await startBotApiServer({ token });
    const bot = spawnBot({
      DATABASE_URL: await newDatabaseUrl(dir),
      FILES_DIR: path.join(dir, "files"),
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: api.url,
      FILE_ENCRYPTION_KEY: "cd".repeat(32),
      LOG_LEVEL: "debug",
    });
    const run = collect(bot);
    await api.waitFor((c) => c.method === "getUpdates");
    await api.close(); // connection refused from now on: every poll fails
    await new Promise((r) => setTimeout(r, 1500));
    bot.kill("SIGTERM");
    const { stdout, stderr, code } = await run;
    expect(code).toBe(0);
    expect(stderr).toContain("telegram polling failed; retrying");
    expect(stderr).toMatch(/"causeCode":"(ECONNRESET|ECONNREFUSED)"/);
    for (const secret of [token, token.split(":")[1] ?? token]) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  });

  it(
    "stop the bot cleanly, with code 1, when its parent dies (log output and Bot API gone; no error loop, no orphan)",
    { timeout: 20_000 },
    async () => {
      const api = await startBotApiServer({ token });
      const bot = spawnBot({
        DATABASE_URL: await newDatabaseUrl(dir),
        FILES_DIR: path.join(dir, "files-2"),
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: api.url,
        FILE_ENCRYPTION_KEY: "cd".repeat(32),
        SHUTDOWN_GRACE_MS: "3000",
      });
      const exited = new Promise<number | null>((resolve) => bot.once("exit", resolve));
      await api.waitFor((c) => c.method === "getUpdates");
      api.push(textMessage(700101, "/start", 1));
      await api.waitFor((c) => c.method === "sendMessage");
      // What a parent's death leaves: nobody reads the log pipe, the stand-in's port is closed.
      bot.stderr.destroy();
      await api.close();
      expect(await exited).toBe(1);
    },
  );

  it("log a failing write by its kind and code, never the values it carried", async () => {
    const h = await startHarness({ now: wita("2026-03-16 08:00"), secondsPerMessage: 5, captureLogs: true });
    try {
      const nik = "5371012308900001";
      // The database refuses the conversation entry and names what it was given, as drivers do.
      const db = await sqlClient(h.databaseUrl);
      if (onPostgres) {
        await db.run(
          `CREATE FUNCTION refuse_entry() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused value: %', NEW.text; END $$ LANGUAGE plpgsql`,
        );
        await db.run(`CREATE TRIGGER refuse BEFORE INSERT ON "CaseEntry" FOR EACH ROW EXECUTE FUNCTION refuse_entry()`);
      } else {
        await db.run(`CREATE TRIGGER refuse BEFORE INSERT ON "CaseEntry" BEGIN SELECT RAISE(ABORT, 'refused value: ' || NEW.text); END`);
      }
      await db.close();
      const form = h.app.catalog.forms.get("klinik-legalitas")?.value;
      await createEngineStore(h.app.db).transaction((tx) =>
        h.app.engine.openCaseIn(tx, {
          officeId: "ntt-provinsi",
          sopNumber: 30,
          title: "Layanan Legalitas Koperasi — KSP Uji",
          opener: { channel: "console", chatId: "console:baru-uji" },
          data: { form: form?.id, formTitle: form?.title, answers: [], applicant: { name: "Uji" } },
          applicantSubmission: { label: "Uji", note: "uji", fileIds: [] },
        }),
      );
      await h.as("+Uji");
      const answer = await h.say(`NIK saya ${nik}, nomor HP 081234567890`);
      expect(answer).toContain("maaf, terjadi kesalahan pada sistem");
      const logs = h.logs();
      expect(logs).toContain("console message failed");
      expect(logs).toContain('"errorKind"');
      expect(logs).not.toContain(nik);
      expect(logs).not.toContain("081234567890");
      expect(logs).not.toContain("refused value");
    } finally {
      await h.cleanup();
    }
  });

  it("reduce an error to its kind and codes", () => {
    const cause = Object.assign(new Error(`request to http://x/bot${token}/getUpdates failed`), { code: "ECONNREFUSED" });
    const error = Object.assign(new Error("Network request for 'getUpdates' failed!"), { name: "HttpError", error: cause });
    expect(errorInfo(error)).toEqual({ errorKind: "HttpError", causeKind: "Error", causeCode: "ECONNREFUSED" });
    expect(
      errorSummary(Object.assign(new Error("duplicate key value violates unique constraint: (nik)=(5371012308900001)"), { code: "23505" })),
    ).toBe("Error 23505");
  });

  it("redact tokens and secrets by key as a safety net, the bot tokens' settings among them", async () => {
    let out = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger("info", sink);
    const kupang = `kota-kupang=${token}`;
    logger.info(
      { token, env: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_BOT_TOKENS: kupang, TELEGRAM_WEBHOOK_SECRET: "s3cret-s3cret-s3cret" } },
      "x",
    );
    await new Promise((r) => setImmediate(r));
    expect(out).toContain('"token":"[redacted]"');
    expect(out).toContain('"TELEGRAM_BOT_TOKENS":"[redacted]"');
    expect(out).not.toContain(token.split(":")[1]);
    expect(out).not.toContain("s3cret");
  });
});
