// The console channel: an Indonesian chat in the terminal that can act as any person. It is the
// embedded default (no tokens needed) and the driver of the transcript tests. When standard input
// is not a terminal it reads one message per line and echoes it, so a transcript reads like a chat.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FilePort } from "../../engine/file-ports.ts";
import { createInterface, type Interface } from "node:readline";
import type { Persona, PersonaDirectory } from "../../engine/ports.ts";
import type { InboundMessage, OutboundMessage } from "../../engine/types.ts";
import { storageFailureReply } from "../../engine/storage-unavailable.ts";

export interface ConsoleChannelDeps {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  interactive: boolean;
  personas: PersonaDirectory;
  /** Hands the message to the engine; replies arrive through deliver() from the outbox. */
  handle(message: InboundMessage): Promise<void>;
  now(): Date;
  /** Where files sent with /berkas are stored (checked, encrypted), like Telegram's. */
  files?: FilePort;
  /** Where files the bot sends (charts, reports, documents) are written, decrypted, for the user to open. */
  downloadsDir?: string;
  /** Called with an error that escaped handling a line (it is logged; the console goes on). */
  onError(error: unknown): void;
}

export interface ConsoleChannel {
  /** Starts reading; resolves when input ends or stop() was called and the last line is handled. */
  run(): Promise<void>;
  /** Stops taking input; the line in progress is finished. */
  stop(): void;
  /** Prints a message addressed to a console chat (used by the outbox sender). */
  deliver(message: OutboundMessage): Promise<void>;
  /** Handles one typed line, exactly as if it came from the input (used by transcript tests), errors included. */
  submit(line: string): Promise<void>;
}

const consoleHelp = [
  "Perintah konsol:",
  "/sebagai <nama atau jabatan> — berganti peran menjadi orang lain",
  "/sebagai +<nama> — menjadi orang baru yang belum terdaftar (pemohon, atau pejabat untuk /daftar KODE)",
  "/berkas <path> — mengirim berkas (PDF/JPG/PNG) seperti lampiran chat, misalnya /berkas scripts/demo-files/ktp.jpg",
  "/keluar — menutup konsol",
].join("\n");

export function createConsoleChannel(deps: ConsoleChannelDeps): ConsoleChannel {
  const { output, personas } = deps;
  let current: Persona | undefined;
  let counter = 0;
  let rl: Interface | undefined;
  let stopped = false;
  // Unique per process run, so message ids never collide with a previous run's (which would read as redeliveries).
  const runId = `${deps.now().getTime().toString(36)}-${randomBytes(4).toString("hex")}`;

  const write = (text: string) => {
    output.write(`${text}\n`);
  };
  const indent = (text: string) =>
    text
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n");
  const promptText = () => `${current?.label ?? "?"} › `;

  async function deliver(message: OutboundMessage): Promise<void> {
    const externalId = message.chatId.replace(/^console:/, "");
    const label = externalId === current?.externalId ? current.label : await personas.label(externalId);
    const choices = message.actions?.map((a, i) => `[${i + 1}] ${a.label}`).join("  ");
    const attached: string[] = [];
    for (const fileId of message.fileIds ?? []) {
      const file = deps.files ? await deps.files.read(fileId) : null;
      if (!file) continue;
      if (deps.downloadsDir) {
        await mkdir(deps.downloadsDir, { recursive: true });
        const target = path.join(deps.downloadsDir, `${fileId.slice(0, 8)}-${file.name}`);
        await writeFile(target, file.bytes);
        attached.push(`${file.name} → ${target}`);
      } else attached.push(file.name);
    }
    write(
      `sopbot → ${label}:\n${indent(message.text)}` +
        (choices ? `\n  Pilihan: ${choices} — balas dengan nomornya` : "") +
        (attached.length > 0 ? `\n  Berkas: ${attached.join("; ")}` : ""),
    );
  }

  async function switchPersona(query: string): Promise<void> {
    if (!query) {
      write(`sopbot: tulis nama atau jabatan, misalnya "/sebagai Sekretaris".`);
      return;
    }
    const found = await personas.search(query);
    const first = found[0];
    if (!first) {
      write(`sopbot: tidak ada orang dengan nama atau jabatan "${query}". Ketik /pejabat untuk melihat daftarnya.`);
      return;
    }
    if (found.length > 1) {
      write(`sopbot: "${query}" cocok dengan beberapa orang:\n${indent(found.map((p) => p.label).join("\n"))}`);
      return;
    }
    current = first;
    write(`sopbot: sekarang Anda berbicara sebagai ${first.label}.`);
  }

  async function handleLine(line: string): Promise<void> {
    const text = line.trim();
    if (!current) current = await personas.initial();
    if (!deps.interactive && text) write(`${promptText()}${text}`);
    if (!text) return;
    const lower = text.toLowerCase();
    if (lower === "/keluar") {
      stop();
      return;
    }
    if (lower === "/sebagai" || lower.startsWith("/sebagai ")) {
      await switchPersona(text.slice("/sebagai".length).trim());
      return;
    }
    counter += 1;
    if (lower.startsWith("/berkas")) {
      await sendFile(text.slice("/berkas".length).trim());
      return;
    }
    await deps.handle(inbound(current, { text }));
    if (lower === "/bantuan") write(indent(consoleHelp));
  }

  /**
   * The console's error boundary: a line that failed is answered (the storage case says the
   * message was not recorded and should be sent again), reported to onError, and the console goes on.
   */
  async function handleLineSafely(line: string): Promise<void> {
    try {
      await handleLine(line);
    } catch (error) {
      write(`sopbot: ${storageFailureReply(error) ?? "maaf, terjadi kesalahan pada sistem. Silakan coba lagi."}`);
      deps.onError(error);
    }
  }

  /** The message as the engine receives it, from the persona speaking now. */
  function inbound(persona: Persona, content: Pick<InboundMessage, "text" | "attachment">): InboundMessage {
    return {
      channel: "console",
      chatId: `console:${persona.externalId}`,
      senderId: persona.externalId,
      senderName: persona.label,
      messageId: `${runId}-${counter}`,
      ...content,
      receivedAt: deps.now(),
    };
  }

  async function sendFile(filePath: string): Promise<void> {
    if (!current) return;
    if (!deps.files) {
      write("sopbot: penyimpanan berkas tidak tersedia.");
      return;
    }
    if (!filePath) {
      write("sopbot: tulis letak berkasnya, misalnya /berkas scripts/demo-files/ktp.jpg");
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(filePath);
    } catch {
      write(`sopbot: berkas "${filePath}" tidak dapat dibaca.`);
      return;
    }
    const maxMb = Math.round(deps.files.maxBytes / 1024 / 1024);
    const saved = await deps.files.save({
      bytes,
      name: path.basename(filePath),
      channel: "console",
      uploaderId: current.externalId,
      at: deps.now(),
    });
    await deps.handle(inbound(current, { attachment: saved.ok ? { file: saved.file } : { rejected: saved.reason, maxMb } }));
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    rl?.close();
  }

  return {
    deliver,
    stop,
    submit: handleLineSafely,
    async run() {
      current = await personas.initial();
      write(`sopbot (konsol) — Anda berbicara sebagai ${current.label}. Ketik /bantuan untuk melihat perintah.`);
      rl = createInterface({ input: deps.input, output: deps.interactive ? output : undefined, terminal: deps.interactive });
      const activeRl = rl;
      if (deps.interactive) {
        activeRl.setPrompt(promptText());
        activeRl.prompt();
        activeRl.on("SIGINT", () => process.emit("SIGINT"));
      }
      // Lines are handled strictly one after another, in the order they were typed.
      let chain = Promise.resolve();
      activeRl.on("line", (line) => {
        chain = chain
          .then(() => handleLineSafely(line))
          .catch(() => undefined)
          .then(() => {
            if (deps.interactive && !stopped) {
              activeRl.setPrompt(promptText());
              activeRl.prompt();
            }
          });
      });
      await new Promise<void>((resolve) => activeRl.once("close", () => resolve()));
      stopped = true;
      await chain;
    },
  };
}
