// Choices as text, where a platform has no buttons (WhatsApp, the console's transcript): a numbered
// line under the message that names the case, so a bare number can be matched to what it answers.
import type { OutboundAction } from "./types.ts";

/** "Balas 1 untuk Setujui, 2 untuk Kembalikan — kasus 18-7Q3FK" under the message text. */
export function renderWithChoices(text: string, actions: OutboundAction[] | undefined): string {
  if (!actions || actions.length === 0) return text;
  const code = /kasus (\d{1,2}-[A-Z0-9]{5})/.exec(text)?.[1];
  const options = actions.map((a, i) => `${i + 1} untuk ${a.label}`).join(", ");
  return `${text}\n\nBalas ${options}${code ? ` — kasus ${code}` : ""}.\n(Bisa juga membalas dengan mengutip pesan ini.)`;
}
