import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

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
});
