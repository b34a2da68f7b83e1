// How a message looks on WhatsApp, where buttons and lists can no longer be sent: choices become a
// numbered line naming the case.
import { renderWithChoices } from "../../engine/choices-text.ts";
import type { OutboundMessage } from "../../engine/types.ts";

/** "Balas 1 untuk Setujui, 2 untuk Kembalikan — kasus 18-7Q3FK" under the message text. */
export function renderForWhatsApp(message: OutboundMessage): string {
  return renderWithChoices(message.text, message.actions);
}
