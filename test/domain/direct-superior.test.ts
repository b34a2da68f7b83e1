// Each office's own rule for an employee's direct superior (atasan langsung), on the real offices:
// Bekasi's pelaksana answer to their Sub Koordinator (Perbup 99/2021 Pasal 26 ayat (2)); elsewhere a
// Sub Koordinator or team lead is passed over. Escalation keeps to `superior` as written.
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCatalog, formatProblem, type Catalog } from "../../src/domain/catalog.ts";
import { directSuperior } from "../../src/domain/direct-superior.ts";
import type { Office } from "../../src/domain/office-schema.ts";
import { realCatalog } from "../helpers/catalog.ts";

let catalog: Catalog;
beforeAll(async () => {
  catalog = (await realCatalog()).catalog;
});
const office = (id: string): Office => {
  const found = catalog.offices.get(id)?.office;
  if (!found) throw new Error(`office ${id} missing`);
  return found;
};
/** The position an overdue step escalates to: `superior` as written. */
const escalatesTo = (o: Office, key: string) => o.positions.find((p) => p.id === key)?.superior;

describe("direct superior (SOP 20's Atasan Langsung)", () => {
  it.each([
    // Bekasi: a pelaksana under a Sub Koordinator takes leave from them; a functional official does not.
    ["kabupaten-bekasi", "admin-klinik-perizinan", "subkoor-kelembagaan-perizinan"],
    ["kabupaten-bekasi", "pelaksana-kelembagaan", "subkoor-kelembagaan-perizinan"],
    ["kabupaten-bekasi", "pelaksana-usaha", "kabid-pemberdayaan-usaha"],
    ["kabupaten-bekasi", "pengawas-koperasi-ahli-pertama", "kabid-kelembagaan-pengawasan"],
    ["kabupaten-bekasi", "subkoor-kelembagaan-perizinan", "kabid-kelembagaan-pengawasan"],
    ["kabupaten-bekasi", "pengelola-kepegawaian", "kasubag-kepegawaian-umum"],
    // NTT: the Koordinator Klinik Layanan is passed over.
    ["ntt-provinsi", "admin-klinik-perizinan", "kabid-kelembagaan-pengawasan"],
    ["ntt-provinsi", "pengelola-kepegawaian", "kasubag-kepegawaian-umum"],
    ["ntt-provinsi", "sekretaris", "kepala-dinas"],
    // Kupang (Pasal 12 ayat (1)): the Sub Koordinator is passed over.
    ["kota-kupang", "admin-klinik-perizinan", "kabid-kelembagaan-pengawasan"],
    ["kota-kupang", "pengawas-koperasi-ahli-pertama", "kabid-kelembagaan-pengawasan"],
    // Batam (Pasal 16 ayat (1)): the ketua tim is passed over.
    ["kota-batam", "operator-sipkd", "sekretaris"],
    ["kota-batam", "admin-klinik-perizinan", "kabid-izin-usp"],
  ])("%s: %s → %s", (officeId, position, expected) => {
    expect(directSuperior(office(officeId), position)).toBe(expected);
  });

  it("is null for the head of office and for an unknown position", () => {
    expect(directSuperior(office("kabupaten-bekasi"), "kepala-dinas")).toBeNull();
    expect(directSuperior(office("kabupaten-bekasi"), "raja")).toBeNull();
  });

  it("is each office's own rule, stated in its file", () => {
    const rules = Object.fromEntries([...catalog.offices.values()].map(({ office: o }) => [o.id, o.directSuperior?.koordinatorFor]));
    expect(rules).toEqual({ "ntt-provinsi": [], "kota-kupang": [], "kota-batam": [], "kabupaten-bekasi": ["pelaksana"] });
  });

  it("leaves escalation to `superior` as written: a Bekasi pelaksana's Sub Koordinator, NTT's klinik coordinator", () => {
    expect(escalatesTo(office("kabupaten-bekasi"), "admin-klinik-perizinan")).toBe("subkoor-kelembagaan-perizinan");
    expect(escalatesTo(office("ntt-provinsi"), "admin-klinik-perizinan")).toBe("koordinator-klinik-layanan");
  });
});

describe("flows:check on directSuperior", () => {
  it("rejects a kind that is not a position kind, and a rule without its source", async () => {
    const { raw } = await realCatalog();
    const offices = raw.offices.map((f) => {
      if (f.file !== "offices/kabupaten-bekasi.yaml") return f;
      const data = parse(f.text) as { directSuperior: Record<string, unknown> };
      data.directSuperior = { koordinatorFor: ["staf"] };
      return { ...f, data };
    });
    const problems = buildCatalog({ ...raw, offices }).problems.map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^flows\/offices\/kabupaten-bekasi\.yaml at directSuperior\.koordinatorFor\.0: Invalid option/),
      expect.stringMatching(/^flows\/offices\/kabupaten-bekasi\.yaml at directSuperior\.source: /),
    ]);
  });
});
