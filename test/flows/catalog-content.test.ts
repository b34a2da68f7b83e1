// Spot checks of the transcribed catalog against the decree and the offices' regulations.
import { beforeAll, describe, expect, it } from "vitest";
import { resolveActor } from "../../src/domain/actor-resolution.ts";
import type { Catalog } from "../../src/domain/catalog.ts";
import type { Sop } from "../../src/domain/sop-schema.ts";
import { totalStandardTime } from "../../src/domain/sop-summary.ts";
import { realCatalog } from "../helpers/catalog.ts";

let catalog: Catalog;
const sop = (n: number): Sop => {
  const found = catalog.sops.get(n);
  if (!found) throw new Error(`SOP ${n} missing`);
  return found.value;
};
beforeAll(async () => {
  catalog = (await realCatalog()).catalog;
});

describe("SOP catalog", () => {
  it("holds all 48 SOPs of the decree, numbered 1..48", () => {
    expect([...catalog.sops.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
  });

  it("SOP 18 (KGB letter): 7 steps, three reviews returning one level down, 4 h 15 min in total", () => {
    const s = sop(18);
    expect(s.start).toMatchObject({ kind: "staff-deadline", trigger: "kgb" });
    expect(s.steps.map((x) => x.actor)).toEqual([
      "Sekretaris",
      "Kasubag Kepegawaian dan Umum",
      "Pengelola Kepegawaian",
      "Kasubag Kepegawaian dan Umum",
      "Sekretaris",
      "Kepala Dinas",
      "Pengelola Kepegawaian",
    ]);
    expect(s.steps.filter((x) => x.kind === "review").map((x) => [x.id, x.decision?.returnTo])).toEqual([
      ["4", "3"],
      ["5", "4"],
      ["6", "5"],
    ]);
    expect(totalStandardTime(s)).toEqual({ minutes: 255, workingDays: 0, untimed: 0 });
  });

  it("keeps the decree's own step numbers where they skip (SOP 29: 1, 2, 3, 5, 6)", () => {
    const s = sop(29);
    expect(s.steps.map((x) => x.no)).toEqual(["1", "2", "3", "5", "6"]);
    expect(s.steps[3]?.numberNote).toBeTruthy();
  });

  it("starts each kind of case the way the decree implies", () => {
    expect(sop(16).start).toMatchObject({ kind: "staff-deadline", trigger: "pension" });
    expect(sop(17).start).toMatchObject({ kind: "staff-deadline", trigger: "promotion" });
    expect(sop(20).start.kind).toBe("employee");
    expect(sop(12).start.kind).toBe("incoming-letter");
    expect(sop(1).start.kind).toBe("calendar");
    for (const n of [24, 25, 29, 30, 31, 32, 33, 36, 37, 38, 43, 45]) expect(sop(n).start.kind, `SOP ${n}`).toBe("applicant");
  });

  it("SOP 20 (leave) runs from the employee through the direct superior to the BKD", () => {
    const s = sop(20);
    expect(s.actors).toEqual(expect.arrayContaining(["Pegawai Negeri Sipil", "Atasan Langsung", "BKD"]));
    expect(s.steps[0]?.actor).toBe("Pegawai Negeri Sipil");
    expect(s.steps.at(-1)?.actor).toBe("BKD");
  });

  it("marks odd printed times as not usable, with a reason", () => {
    const odd = [...catalog.sops.values()].flatMap(({ value }) =>
      value.steps
        .filter((st) => "none" in st.time && /^\d+\s*\.?\s*jam$/i.test(st.time.printed))
        .map((st) => `${value.number}:${st.id}:${st.time.printed}`),
    );
    expect(odd).toEqual(expect.arrayContaining(["28:4:3. Jam"]));
  });

  it("maps every actor of every SOP to a position or party in every office", () => {
    const unmapped: string[] = [];
    for (const { office } of catalog.offices.values())
      for (const { value } of catalog.sops.values())
        for (const actor of value.actors)
          if (resolveActor(office, actor, value.number).kind === "unmapped") unmapped.push(`${office.id}: ${actor} (SOP ${value.number})`);
    expect(unmapped).toEqual([]);
  });
});

describe("offices", () => {
  it("are the four offices of the source documents, each in its own time zone", () => {
    const zones = Object.fromEntries([...catalog.offices.values()].map(({ office }) => [office.id, office.timeZone]));
    expect(zones).toEqual({
      "ntt-provinsi": "Asia/Makassar",
      "kota-kupang": "Asia/Makassar",
      "kota-batam": "Asia/Jakarta",
      "kabupaten-bekasi": "Asia/Jakarta",
    });
  });

  it("serve their regions: 22 kabupaten/kota of NTT; the kecamatan of Kupang, Batam and Bekasi", () => {
    const counts = Object.fromEntries([...catalog.offices.values()].map(({ office }) => [office.id, office.regions.items.length]));
    expect(counts).toEqual({ "ntt-provinsi": 22, "kota-kupang": 6, "kota-batam": 12, "kabupaten-bekasi": 23 });
  });

  it("let every position escalate to the Kepala Dinas", () => {
    for (const { office } of catalog.offices.values()) {
      const byId = new Map(office.positions.map((p) => [p.id, p]));
      for (const p of office.positions) {
        let top = p;
        while (top.superior) top = byId.get(top.superior) ?? top;
        expect(top.id, `${office.id}/${p.id}`).toBe("kepala-dinas");
      }
    }
  });
});

describe("calendar", () => {
  it("2026 has the SKB's 17 national holidays and 8 cuti bersama", () => {
    const days = catalog.calendars.get(2026)?.days ?? [];
    expect(days.filter((d) => d.kind === "holiday")).toHaveLength(17);
    expect(days.filter((d) => d.kind === "cuti-bersama").map((d) => d.date)).toEqual([
      "2026-02-16",
      "2026-03-18",
      "2026-03-20",
      "2026-03-23",
      "2026-03-24",
      "2026-05-15",
      "2026-05-28",
      "2026-12-24",
    ]);
  });

  it("2025 includes Idulfitri 1446 H on 31 March and 1 April", () => {
    const dates = (catalog.calendars.get(2025)?.days ?? []).map((d) => d.date);
    expect(dates).toEqual(expect.arrayContaining(["2025-03-31", "2025-04-01"]));
  });
});
