// A plain-text table with wrapped cells, for terminal output of the admin commands.

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = "";
      }
      while (word.length > width && !line) {
        lines.push(word.slice(0, width));
        return lines.concat(wrap(word.slice(width), width));
      }
      line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.length > 0 ? lines : [""];
}

/** Renders rows under headers; `widths` are the maximum widths of each column. */
export function renderTable(headers: string[], rows: string[][], widths: number[]): string {
  const cols = headers.length;
  const actual = headers.map((h, c) =>
    Math.min(
      widths[c] ?? 20,
      Math.max(
        h.length,
        ...rows.map((r) => Math.max(...(r[c] ?? "").split(/\s+/).map((w) => w.length), 0)),
        ...rows.map((r) => (r[c] ?? "").length),
      ),
    ),
  );
  const line = (cells: string[][]) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++)
      out.push(
        cells
          .map((c, j) => (c[i] ?? "").padEnd(actual[j] ?? 0))
          .join(" │ ")
          .trimEnd(),
      );
    return out.join("\n");
  };
  const rule = actual.map((w) => "─".repeat(w)).join("─┼─");
  const body = rows.map((r) => line(Array.from({ length: cols }, (_, c) => wrap(r[c] ?? "", actual[c] ?? 20))));
  return [line(headers.map((h) => [h])), rule, ...body].join("\n");
}
