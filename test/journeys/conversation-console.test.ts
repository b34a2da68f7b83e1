// The conversation journeys through the console channel (the whole bot in-process).
import { afterAll, beforeAll, describe, it } from "vitest";
import { consoleDriver } from "./console-driver.ts";
import { checkConversation, diklatJourney, legalitasJourney } from "./conversation-scenarios.ts";

const d = consoleDriver("Budi Santoso");
beforeAll(() => d.start());
afterAll(() => d.stop());

describe("the case conversation on the console", () => {
  it("SOP 30: internal return, request answered with two files and a text, a question, a message to the applicant, to the end", async () => {
    const { code, sent } = await legalitasJourney(d);
    await checkConversation(d, code, sent);
  });

  it("SOP 29: the schedule reaches the applicant, who confirms; the case completes", async () => {
    const { code, sent } = await diklatJourney(d);
    await checkConversation(d, code, sent);
  });
});
