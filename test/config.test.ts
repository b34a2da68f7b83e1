import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const threeOffices = { FILE_ENCRYPTION_KEY: "ab".repeat(32), OFFICES: "ntt-provinsi,kota-kupang,kota-batam" };

/** The problems loadConfig refuses `env` with (none: it was accepted); none of them may contain a `secret`. */
function problemsWith(base: Record<string, string>, env: Record<string, string>, secrets: string[] = []): string[] {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const secret of secrets) expect(problems.join("\n")).not.toContain(secret);
    return problems;
  }
  return [];
}

describe("loadConfig", () => {
  it("starts on the embedded defaults with an empty environment", () => {
    const config = loadConfig({}, "/srv/sopbot");
    expect(config).toMatchObject({
      database: { provider: "sqlite", file: "/srv/sopbot/data/sopbot.db" },
      dataDir: "/srv/sopbot/data",
      logLevel: "info",
      flowsDir: "/srv/sopbot/flows",
      console: "auto",
      demoData: true,
      defaultOffice: "ntt-provinsi",
    });
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ LOG_LEVEL: "  " }).logLevel).toBe("info");
  });

  it("names every invalid variable and what it expects", () => {
    let error: unknown;
    try {
      loadConfig({ LOG_LEVEL: "loud", DATABASE_URL: "mysql://x", DEMO_DATA: "maybe" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith("LOG_LEVEL:"))).toContain("expected one of fatal, error");
    expect(problems.find((p) => p.startsWith("DATABASE_URL:"))).toContain('expected "file:');
    expect(problems.find((p) => p.startsWith("DEMO_DATA:"))).toContain("expected true or false");
  });

  it("never repeats the value of a variable in its message", () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: "mysql://user:SECRET-PASSWORD@host/db" });
    } catch (e) {
      error = e;
    }
    // Outside the try: a config that wrongly loaded fails here instead of being caught as "no secret".
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toMatch(/^DATABASE_URL: expected/);
    expect((error as Error).message).not.toContain("SECRET-PASSWORD");
  });

  it("takes a PostgreSQL URL for several instances", () => {
    const config = loadConfig(
      { DATABASE_URL: "postgres://bot:pw@db.internal:5432/sopbot", INSTANCE_ID: "bot-2", LEASE_TTL_MS: "5000" },
      "/srv/sopbot",
    );
    expect(config.database).toEqual({ provider: "postgres", url: "postgres://bot:pw@db.internal:5432/sopbot" });
    expect(config.dataDir).toBe("/srv/sopbot/data");
    expect(config.instanceId).toBe("bot-2");
    expect(config.leaseTtlMs).toBe(5000);
    expect(() => loadConfig({ LEASE_TTL_MS: "10" })).toThrow(/LEASE_TTL_MS: expected at least 1000 ms/);
  });

  it("parses booleans and numbers", () => {
    const config = loadConfig({ DEMO_DATA: "off", SHUTDOWN_GRACE_MS: "2500", CONSOLE: "on" });
    expect(config.demoData).toBe(false);
    expect(config.shutdownGraceMs).toBe(2500);
    expect(config.console).toBe("on");
  });

  describe("Telegram bots per office (TELEGRAM_BOT_TOKENS)", () => {
    const shared = "111111:SHARED-token-abcdefghijklmnopqrstuvwxyz";
    const kupang = "222222:KUPANG-token-abcdefghijklmnopqrstuvwxyz";
    const batam = "333333:BATAM-token-abcdefghijklmnopqrstuvwxyzab";
    const base = threeOffices;
    // No refusal may print a token (its secret part).
    const problemsOf = (env: Record<string, string>) =>
      problemsWith(
        base,
        env,
        [shared, kupang, batam].map((t) => t.split(":")[1] ?? t),
      );

    it("takes the shared bot and each office's own, the shared one first", () => {
      const telegram = loadConfig({
        ...base,
        TELEGRAM_BOT_TOKEN: shared,
        TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang}, kota-batam=${batam}`,
      }).telegram;
      expect(telegram?.bots.map((b) => [b.office, b.token])).toEqual([
        [null, shared],
        ["kota-kupang", kupang],
        ["kota-batam", batam],
      ]);
      expect(telegram?.bots.every((b) => b.webhook === null)).toBe(true);
      // One bot as before: the shared one.
      expect(loadConfig({ ...base, TELEGRAM_BOT_TOKEN: shared }).telegram?.bots).toEqual([{ office: null, token: shared, webhook: null }]);
    });

    it("needs no shared bot when every office served has its own", () => {
      const config = loadConfig({
        FILE_ENCRYPTION_KEY: "ab".repeat(32),
        DEFAULT_OFFICE: "kota-kupang",
        OFFICES: "kota-batam",
        TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang},kota-batam=${batam}`,
      });
      expect(config.telegram?.bots.map((b) => b.office)).toEqual(["kota-kupang", "kota-batam"]);
      expect(problemsOf({ TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang}` })).toEqual([
        "TELEGRAM_BOT_TOKEN: is required for the offices served without a bot of their own (ntt-provinsi, kota-batam); " +
          "or give each of them one in TELEGRAM_BOT_TOKENS",
      ]);
    });

    it("gives each bot a webhook path of its own and a secret derived for it", () => {
      const telegram = loadConfig({
        ...base,
        TELEGRAM_BOT_TOKEN: shared,
        TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang}`,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_URL: "https://bot.example.go.id/telegram/",
        TELEGRAM_WEBHOOK_SECRET: "a-secret-of-sixteen-chars",
      }).telegram;
      expect(telegram?.webhook?.port).toBe(8080);
      const [main, own] = telegram?.bots ?? [];
      expect(main?.webhook).toEqual({ url: "https://bot.example.go.id/telegram/", secret: "a-secret-of-sixteen-chars" });
      expect(own?.webhook?.url).toBe("https://bot.example.go.id/telegram/kota-kupang");
      expect(own?.webhook?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(own?.webhook?.secret).not.toContain("a-secret");
    });

    it("names what is wrong, never a token", () => {
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang:${kupang}` })).toEqual([
        "TELEGRAM_BOT_TOKENS: entry 1 is not office-id=token (e.g. kota-kupang=123456789:AA…, pairs separated by commas)",
      ]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang},kota-batam=not-a-token` })).toEqual([
        "TELEGRAM_BOT_TOKENS: the token of kota-batam: expected a token from @BotFather, like 123456789:AA…",
      ]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kabupaten-bekasi=${kupang}` })).toEqual([
        'TELEGRAM_BOT_TOKENS: office "kabupaten-bekasi" is not served here; add it to OFFICES (served: ntt-provinsi, kota-kupang, kota-batam)',
      ]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang},kota-kupang=${batam}` })).toEqual([
        'TELEGRAM_BOT_TOKENS: office "kota-kupang" is given twice',
      ]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang},kota-batam=${kupang}` })).toEqual([
        "TELEGRAM_BOT_TOKENS: the bot of kota-batam is the same bot as kota-kupang's; each office needs a bot of its own",
      ]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang=${shared}` })).toEqual([
        "TELEGRAM_BOT_TOKENS: the bot of kota-kupang is the same bot as TELEGRAM_BOT_TOKEN's; each office needs a bot of its own",
      ]);
      expect(
        problemsOf({
          FILE_ENCRYPTION_KEY: "",
          OFFICES: "kota-kupang",
          DEFAULT_OFFICE: "kota-kupang",
          TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang}`,
        }),
      ).toEqual([expect.stringMatching(/^FILE_ENCRYPTION_KEY: is required when TELEGRAM_BOT_TOKEN or TELEGRAM_BOT_TOKENS is set/)]);
      expect(problemsOf({ TELEGRAM_BOT_TOKEN: shared, TELEGRAM_BOT_TOKENS: `kota-kupang=${kupang}`, TELEGRAM_MODE: "webhook" })).toEqual([
        "TELEGRAM_WEBHOOK_URL: is required when TELEGRAM_MODE=webhook",
        "TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_MODE=webhook",
      ]);
    });
  });

  describe("WhatsApp numbers per office (WHATSAPP_OFFICE_ACCOUNTS)", () => {
    const base = threeOffices;
    const problemsOf = (env: Record<string, string>) => problemsWith(base, env);

    it("takes the shared number and each office's own, the shared one first; one number as before", () => {
      const whatsapp = loadConfig({
        ...base,
        WHATSAPP_ENABLED: "true",
        WHATSAPP_ACCOUNT: "dinas-ntt",
        WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang, kota-batam = batam",
      }).whatsapp;
      expect(whatsapp?.accounts).toEqual([
        { office: null, account: "dinas-ntt" },
        { office: "kota-kupang", account: "kupang" },
        { office: "kota-batam", account: "batam" },
      ]);
      expect(loadConfig({ ...base, WHATSAPP_ENABLED: "true" }).whatsapp?.accounts).toEqual([{ office: null, account: "default" }]);
      expect(loadConfig(base).whatsapp).toBeNull();
    });

    it("needs no shared number when every office served has its own, and asks for it otherwise", () => {
      const config = loadConfig({
        FILE_ENCRYPTION_KEY: "ab".repeat(32),
        DEFAULT_OFFICE: "kota-kupang",
        OFFICES: "kota-batam",
        WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang,kota-batam=batam",
      });
      expect(config.whatsapp?.accounts.map((a) => a.office)).toEqual(["kota-kupang", "kota-batam"]);
      expect(problemsOf({ WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang" })).toEqual([
        "WHATSAPP_ENABLED: expected true (the shared number) for the offices served without a number of their own " +
          "(ntt-provinsi, kota-batam); or give each of them one in WHATSAPP_OFFICE_ACCOUNTS",
      ]);
    });

    it("names each bad entry: malformed, unserved office, an office or an account twice, no file key", () => {
      const on = { WHATSAPP_ENABLED: "true" };
      expect(problemsOf({ ...on, WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang:kupang,kota-batam=Batam Kota" })).toEqual([
        "WHATSAPP_OFFICE_ACCOUNTS: entry 1 is not office-id=account (e.g. kota-kupang=kupang, pairs separated by commas)",
        "WHATSAPP_OFFICE_ACCOUNTS: entry 2 is not office-id=account (e.g. kota-kupang=kupang, pairs separated by commas)",
      ]);
      expect(problemsOf({ ...on, WHATSAPP_OFFICE_ACCOUNTS: "kabupaten-bekasi=bekasi" })).toEqual([
        'WHATSAPP_OFFICE_ACCOUNTS: office "kabupaten-bekasi" is not served here; add it to OFFICES ' +
          "(served: ntt-provinsi, kota-kupang, kota-batam)",
      ]);
      expect(problemsOf({ ...on, WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang,kota-kupang=kupang-2" })).toEqual([
        'WHATSAPP_OFFICE_ACCOUNTS: office "kota-kupang" is given twice',
      ]);
      expect(problemsOf({ ...on, WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kota,kota-batam=kota" })).toEqual([
        'WHATSAPP_OFFICE_ACCOUNTS: the account "kota" of kota-batam is already kota-kupang\'s; each number needs its own',
      ]);
      expect(problemsOf({ ...on, WHATSAPP_ACCOUNT: "dinas", WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=dinas" })).toEqual([
        'WHATSAPP_OFFICE_ACCOUNTS: the account "dinas" of kota-kupang is already the shared number (WHATSAPP_ACCOUNT)\'s; ' +
          "each number needs its own",
      ]);
      expect(
        problemsOf({ FILE_ENCRYPTION_KEY: "", DEFAULT_OFFICE: "kota-kupang", OFFICES: "", WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang" }),
      ).toEqual([expect.stringMatching(/^FILE_ENCRYPTION_KEY: is required when WHATSAPP_ENABLED=true or WHATSAPP_OFFICE_ACCOUNTS is set/)]);
    });
  });
});
