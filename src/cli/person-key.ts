// The person a data command is about: --nik <16 digits> or --chat <channel>:<chat id>.
import { parseNik, type PersonKey } from "../engine/person-data-port.ts";
import { CliError } from "./cli-context.ts";

export const personOptions = { nik: { type: "string" }, chat: { type: "string" } } as const;

export function personKeyOf(values: { nik?: string | undefined; chat?: string | undefined }): PersonKey {
  if (values.nik && values.chat) throw new CliError("Give either --nik or --chat, not both.");
  if (values.nik) {
    const nik = parseNik(values.nik);
    if (!nik) throw new CliError(`--nik ${values.nik}: a NIK has 16 digits.`);
    return { nik };
  }
  const chat = /^(telegram|whatsapp|console):(.+)$/.exec(values.chat ?? "");
  if (chat?.[1] && chat[2]) return { channel: chat[1], chatId: chat[2] };
  throw new CliError("Name the person: --nik <16 digits> or --chat <telegram|whatsapp|console>:<chat id>.");
}
