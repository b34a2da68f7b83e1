// The conversation journeys on Telegram: the real bot process against the Bot API stand-in, which
// enforces Telegram's rate limits on a clock ten times faster (the bot's pace scaled alike).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConversation, diklatJourney, legalitasJourney } from "./conversation-scenarios.ts";
import { telegramDriver } from "./telegram-driver.ts";

const d = telegramDriver();
beforeAll(() => d.start(), 60_000);
afterAll(() => d.stop(), 30_000);

describe("the case conversation on Telegram", () => {
  it(
    "SOP 30: internal return, request answered with two files and a text, a question, a message to the applicant, to the end",
    { timeout: 120_000 },
    async () => {
      const { code, sent } = await legalitasJourney(d);
      await checkConversation(d, code, sent);
    },
  );

  it("SOP 29: the schedule reaches the applicant, who confirms; the case completes", { timeout: 60_000 }, async () => {
    const { code, sent } = await diklatJourney(d);
    await checkConversation(d, code, sent);
    // The bot kept to the limits: the stand-in never had to refuse a message.
    expect(d.rejected429()).toBe(0);
  });
});
