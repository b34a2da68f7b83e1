// The chart renderer process (src/store/png-renderer.ts): drawings go to a process of its own,
// several at once each get their own answer, a bad SVG fails alone, a renderer that dies or hangs
// fails what it held and the next drawing starts a fresh one, and an idle one goes away.
import { afterEach, describe, expect, it } from "vitest";
import { createPngRenderer, pngSize, type PngRenderer } from "../../src/store/png-renderer.ts";

const svg = (width: number, height: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
  `<rect width="${width}" height="${height}" fill="#36c"/><text x="4" y="14" font-size="12">Laporan</text></svg>`;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  return check();
};

let renderer: PngRenderer | undefined;
afterEach(async () => {
  await renderer?.close();
  renderer = undefined;
});

describe("PNG renderer process", () => {
  it("draws in another process, each of several drawings at once answered with its own PNG", async () => {
    renderer = createPngRenderer();
    const pngs = await Promise.all([svg(120, 40), svg(300, 90), svg(64, 64)].map((s) => renderer!.render(s)));
    expect(pngs.map(pngSize)).toEqual([
      { width: 120, height: 40 },
      { width: 300, height: 90 },
      { width: 64, height: 64 },
    ]);
    const pid = renderer.pid();
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    // The same process draws the next one.
    await renderer.render(svg(10, 10));
    expect(renderer.pid()).toBe(pid);
  });

  it("a bad SVG fails alone; the renderer goes on", async () => {
    renderer = createPngRenderer();
    await expect(renderer.render("<svg")).rejects.toThrow(/drawing the PNG failed/);
    expect(pngSize(await renderer.render(svg(20, 30)))).toEqual({ width: 20, height: 30 });
  });

  it("a renderer that dies fails what it held; the next drawing starts a fresh one", async () => {
    renderer = createPngRenderer();
    await renderer.render(svg(10, 10));
    const first = renderer.pid()!;
    const held = renderer.render(svg(4000, 4000));
    process.kill(first, "SIGKILL");
    await expect(held).rejects.toThrow(/the PNG renderer exited \(SIGKILL\)/);
    expect(pngSize(await renderer.render(svg(12, 8)))).toEqual({ width: 12, height: 8 });
    expect(renderer.pid()).not.toBe(first);
  });

  it("a drawing that takes too long fails and its renderer is stopped", async () => {
    renderer = createPngRenderer({ timeoutMs: 1 });
    await expect(renderer.render(svg(6000, 6000))).rejects.toThrow(/took longer than 1 ms/);
    expect(renderer.pid()).toBeUndefined();
  });

  it("an idle renderer goes away, and comes back for the next drawing; close stops it", async () => {
    renderer = createPngRenderer({ idleMs: 20 });
    await renderer.render(svg(10, 10));
    const first = renderer.pid()!;
    expect(await until(() => !alive(first))).toBe(true);
    expect(renderer.pid()).toBeUndefined();
    await renderer.render(svg(10, 10));
    const second = renderer.pid()!;
    expect(alive(second)).toBe(true);
    await renderer.close();
    expect(alive(second)).toBe(false);
  });
});
