// How a message looks on WhatsApp, where buttons and lists can no longer be sent: choices become a
// numbered line naming the case.
import type { OutboundMessage } from "../../engine/types.ts";

/** "Balas 1 untuk Setujui, 2 untuk Kembalikan — kasus 18-7Q3FK" under the message text. */
export function renderForWhatsApp(message: OutboundMessage): string {
  if (!message.actions || message.actions.length === 0) return message.text;
  const code = /kasus (\d{1,2}-[A-Z0-9]{5})/.exec(message.text)?.[1];
  const options = message.actions.map((a, i) => `${i + 1} untuk ${a.label}`).join(", ");
  return `${message.text}\n\nBalas ${options}${code ? ` — kasus ${code}` : ""}.\n(Bisa juga membalas dengan mengutip pesan ini.)`;
}
