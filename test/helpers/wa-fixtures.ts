// Recorded WhatsApp messages.upsert payloads (test/fixtures/whatsapp/*.json), fresh copy per call.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { WAMessage } from "@whiskeysockets/baileys";
import { repoRoot } from "./run-bot.ts";

export const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/whatsapp", `${name}.json`), "utf8")) as { type: string; messages: WAMessage[] };
