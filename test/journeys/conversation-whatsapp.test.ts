// The conversation journeys on WhatsApp: the real app with the socket stand-in; events built from
// Baileys' proto types (hand-made, not recorded); choices are numbered replies quoting the prompt.
import { afterAll, beforeAll, describe, it } from "vitest";
import { checkConversation, diklatJourney, legalitasJourney } from "./conversation-scenarios.ts";
import { whatsappDriver } from "./whatsapp-driver.ts";

const d = whatsappDriver();
beforeAll(() => d.start());
afterAll(() => d.stop());

describe("the case conversation on WhatsApp", () => {
  it("SOP 30: internal return, request answered with two files and a text, a question, a message to the applicant, to the end", async () => {
    const { code, sent } = await legalitasJourney(d);
    await checkConversation(d, code, sent);
  });

  it("SOP 29: the schedule reaches the applicant, who confirms; the case completes", async () => {
    const { code, sent } = await diklatJourney(d);
    await checkConversation(d, code, sent);
  });
});
