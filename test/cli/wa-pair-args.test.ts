// `npm run wa:pair` arguments: which account to pair (an office's own number, one by name, or the
// shared number) and an optional phone number for a pairing code.
import { describe, expect, it } from "vitest";
import { accountToPair, parsePairArgs } from "../../src/cli/wa-pair-args.ts";
import { loadConfig } from "../../src/config.ts";

const config = loadConfig({
  FILE_ENCRYPTION_KEY: "ab".repeat(32),
  OFFICES: "ntt-provinsi,kota-kupang",
  WHATSAPP_ENABLED: "true",
  WHATSAPP_ACCOUNT: "dinas-ntt",
  WHATSAPP_OFFICE_ACCOUNTS: "kota-kupang=kupang",
});

describe("wa:pair arguments", () => {
  it("pairs the shared number, an office's own number or an account by name", () => {
    expect(parsePairArgs([])).toEqual({ phone: null, office: null, account: null });
    expect(parsePairArgs(["0812-3456-7890"])).toEqual({ phone: "6281234567890", office: null, account: null });
    expect(parsePairArgs(["--office", "kota-kupang", "+62 812 3456 7890"])).toEqual({
      phone: "6281234567890",
      office: "kota-kupang",
      account: null,
    });
    expect(accountToPair(parsePairArgs([]), config, {})).toBe("dinas-ntt");
    expect(accountToPair(parsePairArgs(["--office", "kota-kupang"]), config, {})).toBe("kupang");
    expect(accountToPair(parsePairArgs(["--account", "batam"]), config, {})).toBe("batam");
    // Before WhatsApp is enabled at all: the shared account's name from the environment, else "default".
    const off = loadConfig({});
    expect(accountToPair(parsePairArgs([]), off, { WHATSAPP_ACCOUNT: "dinas" })).toBe("dinas");
    expect(accountToPair(parsePairArgs([]), off, {})).toBe("default");
  });

  it("refuses what it cannot pair, saying why", () => {
    expect(() => accountToPair(parsePairArgs(["--office", "kota-batam"]), config, {})).toThrow(
      /Office "kota-batam" has no WhatsApp number of its own: add kota-batam=<account> to WHATSAPP_OFFICE_ACCOUNTS/,
    );
    expect(() => parsePairArgs(["--office"])).toThrow(/--office needs a value/);
    expect(() => parsePairArgs(["--office", "a", "--account", "b"])).toThrow(/not both/);
    expect(() => parsePairArgs(["--kantor", "a"])).toThrow(/Unknown option --kantor/);
    expect(() => parsePairArgs(["12345"])).toThrow(/not an Indonesian mobile number/);
    expect(() => accountToPair(parsePairArgs(["--account", "Kota Batam"]), config, {})).toThrow(/--account: expected/);
  });
});
