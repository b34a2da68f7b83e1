// The open loop: button presses arrive through grammY at a fixed rate whatever the bot does, and
// each one's latency is measured from when it was due (a busy process must not hide its own
// queueing) until it is recorded and what it caused has been sent. The bot runs as in production:
// an update returns once recorded, and the outbox sends in the background (awaitDelivery off).
//
// Whose presses: Telegram hands a chat's updates to the bot one at a time (sequentialize keeps a
// chat's order), so one official pressing 200 times a second measures that one chat's lane, not the
// bot. The target load is spread over the four officials of SOP 13 (the Kasubag, the
// Pengadministrasi Umum, the Sekretaris and the Kepala Dinas), 50 presses a second each; the lane of
// a single chat is measured too.
import { performance } from "node:perf_hooks";
import type { App } from "../src/app.ts";
import type { InboundMessage } from "../src/engine/types.ts";
import { callbackUpdate, collectSetupGarbage, nextPressesWithSteps, openCases } from "./bench-app.ts";

export type Spread = "four officials" | "one chat";

/**
 * Moves open cases of SOP 13 (all at step 1) so that a quarter each waits at steps 1, 2, 4 and 5:
 * on the Kasubag, the Pengadministrasi Umum, the Sekretaris and the Kepala Dinas. Not timed.
 */
async function spreadOverOfficials(app: App, seq: { n: number }, prefix: string): Promise<void> {
  const plan: [string, number][] = [
    ["1", 3 / 4],
    ["2", 2 / 3],
    ["3", 1],
    ["4", 1 / 2],
  ];
  for (const [step, share] of plan) {
    const presses = (await nextPressesWithSteps(app, seq, prefix)).filter((p) => p.stepId === step);
    for (const p of presses.slice(0, Math.round(presses.length * share))) await app.chat.handle(p.press);
    await app.dispatcher.flush();
  }
}

/** The presses in turn by chat (a, b, c, d, a, b, …), so each chat's share arrives evenly. */
function interleave(presses: InboundMessage[]): InboundMessage[] {
  const byChat = new Map<string, InboundMessage[]>();
  for (const p of presses) byChat.set(p.chatId, [...(byChat.get(p.chatId) ?? []), p]);
  const lanes = [...byChat.values()];
  const out: InboundMessage[] = [];
  for (let i = 0; out.length < presses.length; i++) {
    for (const lane of lanes) {
      const p = lane[i];
      if (p) out.push(p);
    }
  }
  return out;
}

export interface OpenLoopResult {
  /** Latencies in ms, sorted. */
  latencies: number[];
  chats: number;
}

export function createOpenLoop(app: App, seq: { n: number }) {
  const bot = app.telegram?.bot;
  if (!bot) throw new Error("no telegram");
  let updateId = 90_000;
  return async (rate: number, seconds: number, spread: Spread, during?: () => Promise<unknown>): Promise<OpenLoopResult> => {
    // This loop's own cases only (the cases of earlier loops stay open where they were left).
    const prefix = `Loop${updateId} `;
    await openCases(app, rate * seconds, prefix.trim());
    if (spread === "four officials") await spreadOverOfficials(app, seq, prefix);
    const open = interleave((await nextPressesWithSteps(app, seq, prefix)).map((p) => p.press));
    collectSetupGarbage();
    const latencies: number[] = [];
    const start = performance.now();
    const side = during?.();
    await Promise.all(
      open.map(async (p, i) => {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await bot.handleUpdate(callbackUpdate(Number(p.senderId), `a:${p.action?.token ?? ""}`, updateId++));
        // Sent: a pass of the outbox that started after the update was recorded has ended.
        await app.dispatcher.flush();
        latencies.push(performance.now() - due);
      }),
    );
    await side;
    await app.dispatcher.flush();
    return { latencies: latencies.sort((a, b) => a - b), chats: new Set(open.map((p) => p.chatId)).size };
  };
}
