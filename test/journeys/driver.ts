// One journey, three channels: the scenarios in conversation-scenarios.ts talk to a JourneyDriver,
// and each channel has a driver that does what a person on that channel does (types, sends a file,
// presses a button or replies with the number of a choice) and records what the bot delivered to
// each person's chat, as the platform saw it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../helpers/run-bot.ts";

/** The people of the journeys: an applicant and the two klinik officials of the NTT office. */
export type Person = "applicant" | "admin" | "koordinator";

export const officialNames: Record<Exclude<Person, "applicant">, string> = {
  admin: "Theresia Lake",
  koordinator: "Elisabeth Manafe",
};

/** What reached one chat: the text, the choices offered with it, and the files (by content). */
export interface Delivered {
  text: string;
  choices: string[];
  /** One entry per file sent: its name and a key that identifies the content. */
  files: { name: string; key: string }[];
}

export interface OutgoingFile {
  name: string;
  mime: "application/pdf" | "image/jpeg" | "image/png";
  bytes: Buffer;
}

export interface JourneyDriver {
  readonly channel: "console" | "telegram" | "whatsapp";
  /** The database the bot runs on (to read the case history). */
  readonly databaseUrl: string;
  /** Starts the bot with the demo office; enrols the officials on this channel. */
  start(): Promise<void>;
  say(who: Person, text: string): Promise<void>;
  sendFile(who: Person, file: OutgoingFile): Promise<void>;
  /** Chooses the option labelled `label` on the newest message to `who` that offers it. */
  choose(who: Person, label: string): Promise<void>;
  /** Everything delivered to a person's chat so far, oldest first. */
  inbox(who: Person): Delivered[];
  stop(): Promise<void>;
}

/** The text of everything a person received since message number `from`. */
export function textSince(driver: JourneyDriver, who: Person, from = 0): string {
  return driver
    .inbox(who)
    .slice(from)
    .map((d) => d.text)
    .join("\n---\n");
}

export const contentKey = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

let copies = 0;
/**
 * A demo file made distinct (a tag appended after the end of the PDF or image, which readers
 * ignore), so that every upload of the journey is a different file and a repeat shows as one.
 */
export function demoFile(
  base: "ijazah.pdf" | "persyaratan.pdf" | "sk-pangkat.pdf" | "ktp.jpg" | "pas-foto.png",
  name?: string,
): OutgoingFile {
  const bytes = readFileSync(path.join(repoRoot, "scripts/demo-files", base));
  const tag = Buffer.from(`\n%journey-copy-${++copies}-${process.pid}\n`);
  const mime = base.endsWith(".pdf") ? "application/pdf" : base.endsWith(".png") ? "image/png" : "image/jpeg";
  return { name: name ?? base, mime, bytes: Buffer.concat([bytes, tag]) };
}
