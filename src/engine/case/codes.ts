// Case codes: short, readable over the phone, and without look-alike characters.
import { randomBytes } from "node:crypto";

const codeAlphabet = "ACDEFHJKMNPQRTUVWXY34679"; // no look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, G

export function newCaseCode(sopNumber: number, random: () => Buffer = () => randomBytes(5)): string {
  let suffix = "";
  for (const b of random()) suffix += codeAlphabet[b % codeAlphabet.length];
  return `${sopNumber}-${suffix}`;
}

/** Accepts "18-7q3fk", "18 7Q3FK", "187Q3FK": upper-cased, separators removed, dash restored. */
export function normalizeCaseCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, "");
  const match = /^(\d{1,2})([A-Z0-9]{5})$/.exec(compact);
  // Anything else is not a code; it is shown back cut short (never echo a whole flood).
  const raw = input.trim().toUpperCase();
  return match ? `${match[1]}-${match[2]}` : raw.length > 16 ? `${raw.slice(0, 16)}…` : raw;
}

/** Case codes written anywhere in a text ("untuk 30-7QK3F ya pak"), normalized. */
export function findCaseCodes(text: string): string[] {
  return [...text.matchAll(/\b(\d{1,2})[- ]?([ACDEFHJKMNPQRTUVWXY34679]{5})\b/gi)].map((m) => `${m[1]}-${(m[2] ?? "").toUpperCase()}`);
}
