// Answers chat commands. Every channel hands its InboundMessage here and sends back the replies.
// This first slice answers the directory commands; SOP cases join it through the case engine.
import { channelLabels, formatDate, messages } from "./messages.ts";
import type { Clock, Directory, OfficialView } from "./ports.ts";
import type { InboundMessage, OutboundMessage } from "./types.ts";

export interface ChatServiceDeps {
  directory: Directory;
  clock: Clock;
  /** The office a chat belongs to when nothing else tells (one office per deployment for now). */
  defaultOfficeId: string;
}

export interface ChatService {
  handle(message: InboundMessage): Promise<OutboundMessage[]>;
}

/** Splits "/cmd@bot arg1 arg2" into a lower-case command and its argument text. */
export function parseCommand(text: string): { command: string; args: string } | null {
  const match = /^\/([a-zA-Z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() };
}

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { directory, clock } = deps;

  async function whoAmI(message: InboundMessage, official: OfficialView | null): Promise<string> {
    if (!official) return messages.whoAmIUnknown(channelLabels[message.channel]);
    const office = await directory.office(official.officeId);
    const tz = office?.timeZone ?? "Asia/Jakarta";
    const positions = official.positions.map((p) => `${p.title} (${p.unitName}), sejak ${formatDate(p.startsOn, tz)}`);
    return messages.whoAmI(official.name, office?.name ?? official.officeId, positions);
  }

  async function listOfficials(officeId: string): Promise<string> {
    const office = await directory.office(officeId);
    if (!office) return messages.officeUnknown;
    const positions = await directory.positions(officeId, clock.now());
    const lines = positions.map((p) => {
      const holders = p.holders.length > 0 ? p.holders.map((h) => h.name).join(", ") : messages.vacant;
      return `• ${p.title}: ${holders}`;
    });
    return [messages.directoryHeader(office.name), ...lines].join("\n");
  }

  return {
    async handle(message) {
      const reply = (text: string): OutboundMessage[] => [{ channel: message.channel, chatId: message.chatId, text }];
      const official = await directory.officialByIdentity(message.channel, message.senderId, clock.now());
      const text = message.text?.trim() ?? "";
      const command = parseCommand(text);
      if (!command) return reply(messages.notUnderstood);
      switch (command.command) {
        case "start":
        case "bantuan":
        case "help":
          return reply(messages.help(official !== null));
        case "saya":
          return reply(await whoAmI(message, official));
        case "pejabat":
          return reply(await listOfficials(official?.officeId ?? deps.defaultOfficeId));
        default:
          return reply(messages.unknownCommand(`/${command.command}`));
      }
    },
  };
}
