// The lint over the whole catalog, on deliberately broken copies of real flow files.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { buildCatalog, formatProblem, type RawFlowFile, type RawFlows } from "../../src/domain/catalog.ts";
import { realCatalog } from "../helpers/catalog.ts";

/** A copy of the real flows with one file's data changed by `edit`. */
async function brokenCopy(file: string, edit: (data: Record<string, any>) => void): Promise<RawFlows> {
  const { raw } = await realCatalog();
  const change = (f: RawFlowFile): RawFlowFile => {
    if (f.file !== file) return f;
    const data = parse(f.text) as Record<string, any>;
    edit(data);
    return { ...f, data };
  };
  return { offices: raw.offices.map(change), sops: raw.sops.map(change), calendars: raw.calendars.map(change), forms: raw.forms };
}

async function problemsOf(file: string, edit: (data: Record<string, any>) => void): Promise<string[]> {
  return buildCatalog(await brokenCopy(file, edit)).problems.map(formatProblem);
}

describe("the real catalog", () => {
  it("has no problems", async () => {
    const { problems } = await realCatalog();
    expect(problems.map(formatProblem)).toEqual([]);
  });
});

describe("lint of a broken copy", () => {
  it("rejects an actor that is not a column of its SOP", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.steps[2].actor = "Kepala Biro"))).toEqual([
      'flows/sop/sop-18.yaml at steps[2].actor: "Kepala Biro" is not one of this SOP\'s columns (Sekretaris, Kasubag Kepegawaian dan Umum, Pengelola Kepegawaian, Kepala Dinas)',
    ]);
  });

  it("rejects a return to a later step", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.steps[4].decision.returnTo = "7"))).toEqual([
      'flows/sop/sop-18.yaml at steps[4].decision.returnTo: "7" is not an earlier step',
    ]);
  });

  it("rejects a return to a step that does not exist", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.steps[4].decision.returnTo = "9"))).toEqual([
      'flows/sop/sop-18.yaml at steps[4].decision.returnTo: no step "9"',
    ]);
  });

  it("rejects a review without a return target", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => delete d.steps[3].decision)).toEqual([
      "flows/sop/sop-18.yaml at steps[3].decision.returnTo: a review step needs the step a return goes back to",
    ]);
  });

  it("rejects a step nobody reaches and a flow without an end", async () => {
    // The Kepala Dinas's approval loops back to step 1: step 7 is never reached and nothing ends.
    const problems = await problemsOf("sop/sop-18.yaml", (d) => (d.steps[5].decision.approveTo = "1"));
    expect(problems).toEqual([
      'flows/sop/sop-18.yaml at steps[6]: step "7" cannot be reached from the first step',
      "flows/sop/sop-18.yaml at steps: no step leads to the end of the SOP",
    ]);
  });

  it("rejects a printed time that disagrees with its numbers", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.steps[2].time = { printed: "2 Jam", minutes: 90 }))).toEqual([
      'flows/sop/sop-18.yaml at steps[2].time: printed "2 Jam" does not read as 90 office-hours minutes',
    ]);
  });

  it("rejects a time that neither parses nor says why", async () => {
    const problems = await problemsOf("sop/sop-18.yaml", (d) => (d.steps[2].time = { printed: "3. Jam", minutes: 180 }));
    expect(problems).toEqual(['flows/sop/sop-18.yaml at steps[2].time: printed "3. Jam" does not read as 180 office-hours minutes']);
  });

  it("rejects a skipped number without a note", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.steps[4].no = "6"))).toEqual([
      "flows/sop/sop-18.yaml at steps[4].numberNote: number 6 does not follow the previous one; say what the document shows",
      "flows/sop/sop-18.yaml at steps[5].numberNote: number 6 repeats the previous one; say what the document shows",
    ]);
  });

  it("rejects a link to an SOP that is not in the catalog", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.links[0] = { text: "SOP Hilang", sop: 99 }))).toEqual([
      "flows/sop/sop-18.yaml at links[0].sop: no SOP number 99 in the catalog; mark it external: true if it is not one of ours",
    ]);
  });

  it("rejects a duplicate SOP number", async () => {
    const problems = await problemsOf("sop/sop-17.yaml", (d) => (d.number = 18));
    expect(problems).toContain("flows/sop/sop-17.yaml at number: SOP 18 must be in flows/sop/sop-18.yaml");
    expect(problems.some((p) => p.includes("SOP number 18 is also used by"))).toBe(true);
  });

  it("rejects a schema violation with its path", async () => {
    expect(await problemsOf("sop/sop-18.yaml", (d) => (d.start = { kind: "staff-deadline", trigger: "bonus" }))).toEqual([
      expect.stringMatching(/^flows\/sop\/sop-18\.yaml at start\.trigger: Invalid option: expected one of "pension"\|"promotion"\|"kgb"/),
    ]);
  });

  it("fails an office that does not map an actor used by the catalog", async () => {
    expect(await problemsOf("offices/kota-batam.yaml", (d) => delete d.actors["Pengelola Kepegawaian"])).toEqual([
      expect.stringMatching(
        /^flows\/offices\/kota-batam\.yaml at actors: actor "Pengelola Kepegawaian" \(SOP (\d+, )*18(, \d+)*\) is not mapped to a position or party$/,
      ),
    ]);
  });

  it("fails an office whose mapping names a position it does not have", async () => {
    expect(await problemsOf("offices/kota-kupang.yaml", (d) => (d.actors["Kepala Dinas"] = { position: "raja" }))).toEqual([
      'flows/offices/kota-kupang.yaml at actors["Kepala Dinas"].position: unknown position "raja"',
    ]);
  });

  it("fails a superior chain with a loop", async () => {
    const problems = await problemsOf("offices/ntt-provinsi.yaml", (d) => {
      const kadis = d.positions.find((p: { id: string }) => p.id === "kepala-dinas");
      kadis.superior = "sekretaris";
    });
    expect(problems).toContain(
      "flows/offices/ntt-provinsi.yaml at positions: expected exactly one position without a superior (the head), found 0",
    );
    expect(problems.some((p) => p.includes('superior chain of "kepala-dinas" loops'))).toBe(true);
  });

  it("fails a calendar day outside its year or listed twice", async () => {
    const problems = await problemsOf("calendar/2026.yaml", (d) => {
      d.days.push({ date: "2027-01-01", kind: "holiday", name: "x" }, { date: "2026-01-01", kind: "holiday", name: "x" });
    });
    expect(problems).toEqual([
      "flows/calendar/2026.yaml at days[25].date: 2027-01-01 is not in 2026",
      "flows/calendar/2026.yaml at days[26].date: 2026-01-01 is listed twice",
    ]);
  });

  it("reports YAML syntax errors with the file", () => {
    const { problems } = buildCatalog({
      offices: [],
      sops: [
        {
          file: "sop/sop-01.yaml",
          text: "",
          hash: "",
          data: undefined,
          yamlErrors: ["Nested mappings are not allowed in compact mappings at line 3"],
        },
      ],
      calendars: [],
      forms: [],
    });
    expect(problems.map(formatProblem)).toEqual([
      "flows/sop/sop-01.yaml: YAML: Nested mappings are not allowed in compact mappings at line 3",
    ]);
  });
});
