// Enrolment codes: drawn without modulo bias, and stored as an HMAC under a server secret derived
// from the server's key, so the database alone (a leaked back-up) neither shows a code nor lets one
// test guesses offline; a code issued under another key does not redeem here.
import { createHash, createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { hashEnrolmentCode, issueEnrolmentCode, newEnrolmentCode, redeemEnrolmentCode } from "../../src/engine/enrolment.ts";
import { loadConfig } from "../../src/config.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { derivedSecret, serverKeyMaterial } from "../../src/store/server-key.ts";
import { startHarness, type Harness } from "../helpers/harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe("enrolment codes", () => {
  it("draws each character from bytes below the largest multiple of the alphabet's size", () => {
    // 24 letters: bytes 240–255 would favour the first 16; they are drawn again.
    const bytes = [255, 240, 0, 1, 250, 2, 3, 4, 5, 6, 7, 23, 24];
    let at = 0;
    const random = (n: number) => Buffer.from(Array.from({ length: n }, () => bytes[at++ % bytes.length] ?? 0));
    const code = newEnrolmentCode(random);
    const alphabet = "ACDEFHJKMNPQRTUVWXY34679";
    expect(code).toBe(`${[0, 1, 2, 3].map((i) => alphabet[i]).join("")}-${[4, 5, 6, 7].map((i) => alphabet[i]).join("")}`);
    // Over many draws every letter is about equally common (no letter a sixth more frequent).
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) for (const c of newEnrolmentCode().replace("-", "")) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(24);
    expect(Math.max(...counts.values()) / Math.min(...counts.values())).toBeLessThan(1.35);
  });

  it("stores an HMAC under the server's secret, which a different key cannot redeem", async () => {
    h = await startHarness({ now: new Date("2026-03-16T01:00:00Z") });
    const config = loadConfig({ FILE_ENCRYPTION_KEY: "ab".repeat(32) });
    const secret = derivedSecret(serverKeyMaterial(config), "enrolment-codes");
    expect(secret.equals(derivedSecret(Buffer.from("ab".repeat(32), "hex"), "enrolment-codes"))).toBe(true);
    expect(secret.equals(derivedSecret(Buffer.from("ab".repeat(32), "hex"), "audit-seals"))).toBe(false);

    const store = createEngineStore(h.app.db);
    const official = await h.app.db.prisma.official.findFirstOrThrow({ where: { name: "Maria Goreti Bria" } });
    const now = h.clock.now();
    const { code } = await store.transaction((tx) => issueEnrolmentCode(tx, official, now, 72, secret));
    const stored = await h.app.db.prisma.enrolmentCode.findFirstOrThrow({
      where: { officialId: official.id },
      orderBy: { createdAt: "desc" },
    });
    const normal = code.replace("-", "");
    expect(stored.codeHash).toBe(createHmac("sha256", secret).update(`enrol:${normal}`).digest("hex"));
    expect(stored.codeHash).not.toBe(createHash("sha256").update(`enrol:${normal}`).digest("hex"));
    expect(stored.codeHash).toBe(hashEnrolmentCode(code.toLowerCase(), secret));

    const redeem = (key: Buffer) =>
      store.transaction((tx) =>
        redeemEnrolmentCode(tx, { channel: "telegram", externalId: "555", displayName: "Maria", code, now, secret: key }),
      );
    expect(await redeem(derivedSecret(Buffer.from("cd".repeat(32), "hex"), "enrolment-codes"))).toEqual({ ok: false, reason: "unknown" });
    const ok = await redeem(secret);
    expect(ok.ok && ok.official.id).toBe(official.id);
    expect(await redeem(secret)).toEqual({ ok: false, reason: "used" });
  });

  it("tells the operator plainly when a channel is configured without the key", () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: "123456:TEST-token-abcdefghijklmnopqrstuvwxyz" })).toThrow(/FILE_ENCRYPTION_KEY/);
  });
});
