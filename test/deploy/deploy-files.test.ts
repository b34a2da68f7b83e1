// The deployment examples in deploy/: the systemd unit is well-formed (systemd-analyze verify, where
// installed) and keeps to the bot's settings; the nginx example never publishes /metrics.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { repoRoot } from "../helpers/run-bot.ts";
import { tempDir } from "../helpers/temp-db.ts";

const unit = readFileSync(path.join(repoRoot, "deploy", "sopbot.service"), "utf8");
const nginx = readFileSync(path.join(repoRoot, "deploy", "nginx-webhook.conf"), "utf8");
/** The unit's settings (comments dropped), in order. */
const directives = unit
  .split("\n")
  .filter((line) => /^[A-Za-z]+=/.test(line))
  .map((line) => line.trim());
const systemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("deploy/sopbot.service", () => {
  it("runs the compiled bot as an unprivileged user with the settings file, restarting on failure", () => {
    expect(directives).toEqual(
      expect.arrayContaining([
        "User=sopbot",
        "WorkingDirectory=/opt/sopbot",
        "EnvironmentFile=/etc/sopbot/sopbot.env",
        "ExecStart=/usr/bin/node /opt/sopbot/dist/main.js",
        "Restart=on-failure",
        "KillSignal=SIGTERM",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "ReadWritePaths=/opt/sopbot/data",
        "ProtectHome=true",
        "PrivateTmp=true",
      ]),
    );
  });

  it("waits longer than the bot's own shutdown grace before killing it", () => {
    const timeout = Number(directives.find((d) => d.startsWith("TimeoutStopSec="))?.split("=")[1]);
    expect(timeout * 1000).toBeGreaterThan(loadConfig({}).shutdownGraceMs);
  });

  it.skipIf(!systemdAnalyze)("passes systemd-analyze verify", () => {
    // This machine's node, wherever it is installed.
    const dir = tempDir();
    const file = path.join(dir, "sopbot.service");
    writeFileSync(file, unit.replace("ExecStart=/usr/bin/node ", `ExecStart=${process.execPath} `));
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", file], { encoding: "utf8" });
    rmSync(dir, { recursive: true, force: true });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("deploy/nginx-webhook.conf", () => {
  it("forwards the webhook to the bot's default port and mentions /metrics only in comments", () => {
    const live = nginx.split("\n").filter((line) => !line.trim().startsWith("#"));
    expect(live.some((line) => line.includes(`server 127.0.0.1:8080;`))).toBe(true);
    expect(live.filter((line) => line.includes("/metrics"))).toEqual([]);
  });
});
