// The swimlane chart's structure for SOPs with returns, skipped numbers, rejections and several
// pages; the PNG decodes at the size of the SVG; a 15-step, 6-lane SOP stays readable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/domain/catalog.ts";
import { renderSopChart } from "../../src/domain/sop-chart.ts";
import type { Sop } from "../../src/domain/sop-schema.ts";
import { createPngRenderer, pngSize } from "../../src/store/png-renderer.ts";
import { realCatalog } from "../helpers/catalog.ts";

let catalog: Catalog;
const sop = (n: number) => catalog.sops.get(n)?.value as Sop;
const renderer = createPngRenderer();
beforeAll(async () => {
  catalog = (await realCatalog()).catalog;
});
afterAll(() => renderer.close());

const count = (svg: string, pattern: RegExp) => (svg.match(pattern) ?? []).length;

describe("SOP swimlane chart", () => {
  it("SOP 18: a lane per column, process boxes and decision diamonds, three return arrows to the steps the SOP names", () => {
    const [page] = renderSopChart(sop(18));
    if (!page) throw new Error();
    const svg = page.svg;
    expect(count(svg, /class="lane-head"/g)).toBe(4);
    for (const actor of ["Sekretaris", "Kasubag", "Kepegawaian dan", "Pengelola", "Kepala Dinas"]) expect(svg).toContain(`>${actor}<`);
    expect(count(svg, /class="process"/g)).toBe(4);
    expect(count(svg, /class="decision"/g)).toBe(3);
    expect(count(svg, /class="terminator"/g)).toBe(2);
    const returns = [...svg.matchAll(/class="arrow return" data-from="(\w+)" data-to="(\w+)"/g)].map((m) => [m[1], m[2]]);
    expect(returns).toEqual([
      ["4", "3"],
      ["5", "4"],
      ["6", "5"],
    ]);
    expect(count(svg, /class="arrow forward"/g)).toBe(6);
    expect(svg).toContain(">15 menit<");
    expect(svg).toContain(">2 Jam<");
  });

  it("SOP 29 keeps the decree's step numbers where they skip (1, 2, 3, 5, 6)", () => {
    const [page] = renderSopChart(sop(29));
    const numbers = [...(page?.svg ?? "").matchAll(/data-step="(\w+)"/g)].map((m) => m[1]);
    expect(numbers).toEqual(["1", "2", "3", "5", "6"]);
    expect(page?.svg).toContain('data-from="3" data-to="2"');
  });

  it("SOP 24 marks the refusal that ends the case", () => {
    const [page] = renderSopChart(sop(24));
    expect(page?.svg).toContain("Tolak → selesai");
  });

  it("SOP 1 (15 steps) continues on a second page through off-page connectors", () => {
    const pages = renderSopChart(sop(1));
    expect(pages.map((p) => p.steps.length)).toEqual([10, 5]);
    expect(count(pages[0]?.svg ?? "", /class="connector"/g)).toBeGreaterThanOrEqual(1);
    expect(count(pages[1]?.svg ?? "", /class="connector"/g)).toBeGreaterThanOrEqual(1);
    expect(pages[1]?.svg).toContain("Halaman 2 dari 2");
    // A return to a step on the previous page goes through a connector too.
    expect(pages[1]?.svg).toContain('data-from="11" data-to="10"');
  });

  it("renders a PNG of the SVG's size with the bundled font", async () => {
    const [page] = renderSopChart(sop(18));
    if (!page) throw new Error();
    const png = await renderer.render(page.svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual({ width: page.width, height: page.height });
  });

  it("stays readable for 15 steps and 6 lanes: every label drawn, at most 1,400 px wide", async () => {
    const base = sop(1);
    const wide: Sop = {
      ...base,
      actors: [...base.actors, "Bendahara Pengeluaran", "Pejabat Pembuat Komitmen"],
      steps: base.steps.map((s, i) =>
        i === 7 ? { ...s, actor: "Bendahara Pengeluaran" } : i === 8 ? { ...s, actor: "Pejabat Pembuat Komitmen" } : s,
      ),
    };
    const pages = renderSopChart(wide);
    expect(count(pages[0]?.svg ?? "", /class="lane-head"/g)).toBe(6);
    expect(pages[0]?.width).toBeLessThanOrEqual(1400);
    const png = await renderer.render(pages[0]?.svg ?? "");
    expect(pngSize(png).width).toBe(pages[0]?.width);
  });
});
