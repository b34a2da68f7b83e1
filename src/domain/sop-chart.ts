// Draws an SOP as the swimlane flowchart of Permenpan RB 35/2012: one lane per Pelaksana column in
// document order, the five symbols (terminator, process, decision, arrow, off-page connector),
// approve and return arrows, and each step's standard time and output beside it. Pure: returns SVG
// text; a rasterizer elsewhere turns it into PNG with the bundled font.
import { stepEdges } from "./sop-lint.ts";
import type { Sop, SopStep } from "./sop-schema.ts";

export const chartFont = "DejaVu Sans";

export interface ChartOptions {
  /** Steps per page; a longer SOP continues on the next page through off-page connectors. */
  stepsPerPage?: number;
  /** Office name printed under the title. */
  subtitle?: string;
}

export interface ChartPage {
  svg: string;
  width: number;
  height: number;
  /** Step ids drawn on this page. */
  steps: string[];
}

export const escapeXml = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Wraps text to lines of at most `width` characters, with at most `max` lines (the last gets "…"). */
export function wrap(text: string, width: number, max: number): string[] {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > width && line) {
      lines.push(line);
      line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    } else line = next.length > width ? `${next.slice(0, width - 1)}…` : next;
  }
  if (line) lines.push(line);
  if (lines.length > max) {
    const kept = lines.slice(0, max);
    kept[max - 1] = `${(kept[max - 1] ?? "").slice(0, Math.max(0, width - 1))}…`;
    return kept;
  }
  return lines;
}

function textBlock(lines: string[], x: number, y: number, size: number, anchor: "start" | "middle" = "start", weight = "normal"): string {
  return lines
    .map(
      (l, i) =>
        `<text x="${x}" y="${y + i * (size + 3)}" font-size="${size}" font-family="${chartFont}" ` +
        `font-weight="${weight}" text-anchor="${anchor}" fill="#111">${escapeXml(l)}</text>`,
    )
    .join("");
}

const COL = { no: 36, activity: 300, lane: 128, time: 86, output: 170 };
const HEAD = 96;
const LANE_HEAD = 72;
const PAD = 16;

export function renderSopChart(sop: Sop, options: ChartOptions = {}): ChartPage[] {
  const perPage = options.stepsPerPage ?? 10;
  const lanes = sop.actors;
  const width = PAD * 2 + COL.no + COL.activity + lanes.length * COL.lane + COL.time + COL.output;
  const laneX = (actor: string) => PAD + COL.no + COL.activity + lanes.indexOf(actor) * COL.lane + COL.lane / 2;
  const pages: ChartPage[] = [];
  const pageCount = Math.max(1, Math.ceil(sop.steps.length / perPage));
  const pageOf = new Map(sop.steps.map((s, i) => [s.id, Math.floor(i / perPage)]));

  for (let page = 0; page < pageCount; page++) {
    const steps = sop.steps.slice(page * perPage, (page + 1) * perPage);
    const activityLines = steps.map((s) => wrap(s.action, 48, 6));
    // The first row of the first page also holds the "Mulai" terminator; the last row with an end
    // holds "Selesai" below its symbol.
    const topPad = steps.map((_, i) => (i === 0 ? 40 : 0));
    const bottomPad = steps.map((_, i) => (stepEdges(sop, page * perPage + i).forward === "end" ? 40 : 0));
    const rowHeight = steps.map((s, i) => Math.max(76, (activityLines[i]?.length ?? 1) * 14 + 24) + (topPad[i] ?? 0) + (bottomPad[i] ?? 0));
    const top = HEAD + LANE_HEAD;
    const rowY: number[] = [];
    let y = top;
    for (const h of rowHeight) {
      rowY.push(y);
      y += h;
    }
    const bodyBottom = y;
    const legendTop = bodyBottom + 40;
    const height = legendTop + 60;
    const parts: string[] = [];
    const center = (i: number) => ({
      x: laneX((steps[i] as SopStep).actor),
      y: (rowY[i] ?? 0) + (topPad[i] ?? 0) + ((rowHeight[i] ?? 0) - (topPad[i] ?? 0) - (bottomPad[i] ?? 0)) / 2,
    });

    // Title and table frame.
    parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
    parts.push(textBlock([`SOP ${sop.code} — ${sop.title}`], PAD, 30, 17, "start", "bold"));
    parts.push(
      textBlock(
        [options.subtitle ?? sop.unit.join(" / "), pageCount > 1 ? `Halaman ${page + 1} dari ${pageCount}` : ""].filter(Boolean),
        PAD,
        54,
        12,
      ),
    );
    const headerCells: [string, number, number][] = [
      ["No", PAD, COL.no],
      ["Kegiatan", PAD + COL.no, COL.activity],
      ...lanes.map((a, i): [string, number, number] => [a, PAD + COL.no + COL.activity + i * COL.lane, COL.lane]),
      ["Waktu", PAD + COL.no + COL.activity + lanes.length * COL.lane, COL.time],
      ["Output", PAD + COL.no + COL.activity + lanes.length * COL.lane + COL.time, COL.output],
    ];
    for (const [label, x, w] of headerCells) {
      const isLane = lanes.includes(label);
      parts.push(
        `<rect class="${isLane ? "lane-head" : "col-head"}" x="${x}" y="${HEAD}" width="${w}" ` +
          `height="${LANE_HEAD}" fill="#e8eef7" stroke="#555" stroke-width="1"/>`,
      );
      parts.push(textBlock(wrap(label, Math.floor(w / 7.2), 4), x + w / 2, HEAD + 18, 11, "middle", "bold"));
    }
    steps.forEach((s, i) => {
      const ry = rowY[i] ?? 0;
      const rh = rowHeight[i] ?? 0;
      for (const [, x, w] of headerCells)
        parts.push(`<rect x="${x}" y="${ry}" width="${w}" height="${rh}" fill="none" stroke="#999" stroke-width="0.6"/>`);
      parts.push(textBlock([s.no ?? "–"], PAD + COL.no / 2, ry + 18, 11, "middle"));
      parts.push(textBlock(activityLines[i] ?? [], PAD + COL.no + 6, ry + 16, 10.5));
      const timeText = "none" in s.time ? [s.time.printed || "–", "(bukan waktu)"] : [s.time.printed];
      parts.push(
        textBlock(
          timeText.flatMap((t) => wrap(t, 12, 2)),
          PAD + COL.no + COL.activity + lanes.length * COL.lane + COL.time / 2,
          ry + 18,
          10.5,
          "middle",
        ),
      );
      parts.push(
        textBlock(wrap(s.output || "–", 26, 5), PAD + COL.no + COL.activity + lanes.length * COL.lane + COL.time + 6, ry + 16, 10),
      );
    });

    // Symbols.
    steps.forEach((s, i) => {
      const { x, y: cy } = center(i);
      if (s.kind === "task") {
        parts.push(
          `<rect class="process" data-step="${escapeXml(s.id)}" x="${x - 44}" y="${cy - 16}" width="88" ` +
            `height="32" fill="#fff" stroke="#1f3b73" stroke-width="1.6"/>`,
        );
      } else {
        parts.push(
          `<polygon class="decision" data-step="${escapeXml(s.id)}" points="${x},${cy - 26} ${x + 40},${cy} ` +
            `${x},${cy + 26} ${x - 40},${cy}" fill="#fff7e0" stroke="#8a5a00" stroke-width="1.6"/>`,
        );
      }
      parts.push(textBlock([s.no ?? s.id], x, cy + 4, 11, "middle", "bold"));
    });

    // Start and end terminators.
    const globalIndex = (i: number) => page * perPage + i;
    const first = steps[0];
    if (first && globalIndex(0) === 0) {
      const { x, y: cy } = center(0);
      const ty = (rowY[0] ?? 0) + 8;
      parts.push(
        `<rect class="terminator" x="${x - 30}" y="${ty}" width="60" height="20" rx="10" ry="10" ` +
          `fill="#e6f4ea" stroke="#1e6b35" stroke-width="1.4"/>`,
      );
      parts.push(textBlock(["Mulai"], x, ty + 14, 10, "middle"));
      parts.push(
        `<line class="arrow" x1="${x}" y1="${ty + 20}" x2="${x}" ` +
          `y2="${cy - (first.kind === "task" ? 17 : 27)}" stroke="#333" stroke-width="1.3" ` +
          `marker-end="url(#arrow)"/>`,
      );
    }

    if (first && page > 0) {
      // Where the flow comes in from the previous page.
      const { x, y: cy } = center(0);
      const ty = (rowY[0] ?? 0) + 6;
      parts.push(
        `<polygon class="connector" points="${x - 14},${ty} ${x + 14},${ty} ${x + 14},${ty + 12} ` +
          `${x},${ty + 22} ${x - 14},${ty + 12}" fill="#fff" stroke="#333" stroke-width="1.3"/>`,
      );
      parts.push(textBlock([`${page}`], x, ty + 13, 9, "middle", "bold"));
      parts.push(
        `<line class="arrow" x1="${x}" y1="${ty + 22}" x2="${x}" ` +
          `y2="${cy - (first.kind === "task" ? 17 : 27)}" stroke="#333" stroke-width="1.3" ` +
          `marker-end="url(#arrow)"/>`,
      );
    }

    const symbolHalf = (s: SopStep) => (s.kind === "task" ? 16 : 26);
    steps.forEach((s, i) => {
      const index = globalIndex(i);
      const edges = stepEdges(sop, index);
      const from = center(i);
      // Forward (done / approve).
      if (edges.forward === "end") {
        const ex = from.x;
        const ey = from.y + symbolHalf(s) + 14;
        parts.push(
          `<line class="arrow" x1="${ex}" y1="${from.y + symbolHalf(s)}" x2="${ex}" y2="${ey}" stroke="#333" ` +
            `stroke-width="1.3" marker-end="url(#arrow)"/>`,
        );
        parts.push(
          `<rect class="terminator" x="${ex - 30}" y="${ey}" width="60" height="20" rx="10" ry="10" ` +
            `fill="#fde8e8" stroke="#8b1e1e" stroke-width="1.4"/>`,
        );
        parts.push(textBlock(["Selesai"], ex, ey + 14, 10, "middle"));
      } else {
        const targetIndex = sop.steps.findIndex((t) => t.id === edges.forward);
        const onPage = pageOf.get(edges.forward) === page;
        if (onPage) {
          const j = targetIndex - page * perPage;
          const to = center(j);
          const target = steps[j] as SopStep;
          const startY = from.y + symbolHalf(s);
          const endY = to.y - symbolHalf(target);
          const midY = startY + Math.max(10, (endY - startY) / 2);
          const d =
            from.x === to.x
              ? `M ${from.x} ${startY} L ${to.x} ${endY}`
              : `M ${from.x} ${startY} L ${from.x} ${midY} L ${to.x} ${midY} L ${to.x} ${endY}`;
          parts.push(`<path class="arrow forward" d="${d}" fill="none" stroke="#333" stroke-width="1.3" marker-end="url(#arrow)"/>`);
          if (s.kind !== "task") parts.push(textBlock(["Ya"], from.x + 6, startY + 12, 10));
        } else {
          // Off-page connector (pentagon) naming the page and step where the flow continues.
          const cx = from.x;
          const cy = bodyBottom + 2;
          parts.push(
            `<line class="arrow" x1="${cx}" y1="${from.y + symbolHalf(s)}" x2="${cx}" y2="${cy}" stroke="#333" stroke-width="1.3"/>`,
          );
          parts.push(
            `<polygon class="connector" points="${cx - 14},${cy} ${cx + 14},${cy} ${cx + 14},${cy + 12} ` +
              `${cx},${cy + 22} ${cx - 14},${cy + 12}" fill="#fff" stroke="#333" stroke-width="1.3"/>`,
          );
          parts.push(textBlock([`${(pageOf.get(edges.forward) ?? 0) + 1}`], cx, cy + 13, 9, "middle", "bold"));
        }
      }
      // Return for correction (dashed, up to the target), or rejection ending the case.
      if (edges.back) {
        const targetIndex = sop.steps.findIndex((t) => t.id === edges.back);
        const j = targetIndex - page * perPage;
        const side = lanes.indexOf(s.actor) === 0 ? 1 : -1;
        const channel = from.x + side * 58 + side * (i % 3) * 6;
        if (j >= 0) {
          const to = center(j);
          const target = steps[j] as SopStep;
          const tx = to.x + side * (target.kind === "task" ? 44 : 40);
          const channelX = side > 0 ? Math.max(channel, tx + 12) : Math.min(channel, tx - 12);
          const d = `M ${from.x + side * 40} ${from.y} L ${channelX} ${from.y} L ${channelX} ${to.y} L ${tx} ${to.y}`;
          parts.push(
            `<path class="arrow return" data-from="${escapeXml(s.id)}" data-to="${escapeXml(edges.back)}" ` +
              `d="${d}" fill="none" stroke="#b42318" stroke-width="1.3" stroke-dasharray="5 3" ` +
              `marker-end="url(#arrow-red)"/>`,
          );
        } else {
          // The target is on an earlier page: an off-page connector to it.
          parts.push(
            `<path class="arrow return" data-from="${escapeXml(s.id)}" data-to="${escapeXml(edges.back)}" d="M ` +
              `${from.x + side * 40} ${from.y} L ${channel} ${from.y} L ${channel} ${HEAD + LANE_HEAD + 4}" ` +
              `fill="none" stroke="#b42318" stroke-width="1.3" stroke-dasharray="5 3"/>`,
          );
          parts.push(
            `<polygon class="connector" points="${channel - 12},${HEAD + LANE_HEAD + 4} ` +
              `${channel + 12},${HEAD + LANE_HEAD + 4} ${channel + 12},${HEAD + LANE_HEAD + 14} ` +
              `${channel},${HEAD + LANE_HEAD + 22} ${channel - 12},${HEAD + LANE_HEAD + 14}" fill="#fff" stroke="#b42318"/>`,
          );
        }
        parts.push(textBlock([`Tidak → ${edges.back}`], from.x + side * 42 + (side < 0 ? -52 : 0), from.y - 8, 9.5));
      }
      if (s.decision?.rejectEnds) parts.push(textBlock(["Tolak → selesai"], from.x + 44, from.y + 14, 9.5));
    });

    // Legend.
    const ly = legendTop;
    parts.push(`<rect x="${PAD}" y="${ly - 14}" width="60" height="20" rx="10" ry="10" fill="#e6f4ea" stroke="#1e6b35"/>`);
    parts.push(textBlock(["Mulai/selesai"], PAD + 68, ly, 10));
    parts.push(`<rect x="${PAD + 160}" y="${ly - 14}" width="50" height="20" fill="#fff" stroke="#1f3b73"/>`);
    parts.push(textBlock(["Kegiatan"], PAD + 218, ly, 10));
    parts.push(
      `<polygon points="${PAD + 300},${ly - 16} ${PAD + 320},${ly - 4} ${PAD + 300},${ly + 8} ` +
        `${PAD + 280},${ly - 4}" fill="#fff7e0" stroke="#8a5a00"/>`,
    );
    parts.push(textBlock(["Keputusan"], PAD + 328, ly, 10));
    parts.push(
      `<path d="M ${PAD + 410} ${ly - 4} L ${PAD + 450} ${ly - 4}" stroke="#b42318" stroke-dasharray="5 3" marker-end="url(#arrow-red)"/>`,
    );
    parts.push(textBlock(["Dikembalikan untuk diperbaiki"], PAD + 458, ly, 10));
    parts.push(
      `<polygon points="${PAD + 650},${ly - 14} ${PAD + 674},${ly - 14} ${PAD + 674},${ly - 4} ` +
        `${PAD + 662},${ly + 4} ${PAD + 650},${ly - 4}" fill="#fff" stroke="#333"/>`,
    );
    parts.push(textBlock(["Bersambung ke halaman"], PAD + 682, ly, 10));
    parts.push(textBlock([`Sumber: Keputusan Gubernur NTT 546/KEP/HK/2025, SOP ${sop.number}. Digambar oleh sopbot.`], PAD, ly + 26, 9));

    const defs =
      `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
      `orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker>` +
      (`<marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ` +
        `orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#b42318"/></marker></defs>`);
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ` +
      `${height}">${defs}${parts.join("")}</svg>`;
    pages.push({ svg, width, height, steps: steps.map((s) => s.id) });
  }
  return pages;
}
