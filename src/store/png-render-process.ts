// The renderer process that png-renderer.ts starts: rasterizes each SVG it is sent with resvg and
// the DejaVu Sans font shipped in an npm package, so a chart looks the same on every machine (no
// system fonts are read). It has one job and one thread, so it renders synchronously; it exits when
// the bot lets it go (or dies), and the memory the drawing took goes back to the system with it.
import { createRequire } from "node:module";
import path from "node:path";

export interface RenderRequest {
  id: number;
  svg: string;
}
export type RenderReply = { id: number; png: Uint8Array } | { id: number; error: string };

const require = createRequire(import.meta.url);
const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
const fontDir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => path.join(fontDir, f));
const options = { font: { fontFiles, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" }, background: "#ffffff" };

process.on("message", (request: RenderRequest) => {
  let reply: RenderReply;
  try {
    reply = { id: request.id, png: new Resvg(request.svg, options).render().asPng() };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply);
});
// The bot closed the channel (it is done drawing, or it exited): nothing more will come.
process.on("disconnect", () => process.exit(0));
