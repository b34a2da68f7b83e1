// Rasterizes SVG to PNG with resvg and the DejaVu Sans font shipped in an npm package, so a chart
// looks the same on every machine (no system fonts are read).
import { createRequire } from "node:module";
import path from "node:path";

// Loaded on first use: most processes never draw a chart, and the module costs resident memory.
const require = createRequire(import.meta.url);
let resvg: typeof import("@resvg/resvg-js") | undefined;
const fontDir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(fontDir, f));

const options = { font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }, background: "#ffffff" };

/** Draws on libuv's thread pool: the event loop (and every press waiting on it) goes on meanwhile. */
export async function renderPng(svg: string): Promise<Buffer> {
  resvg ??= require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  return Buffer.from((await resvg.renderAsync(svg, options)).asPng());
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
