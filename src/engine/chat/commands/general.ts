// Commands anyone may use: help, enrolment, who am I, the office's positions, SOP charts, and
// dropping a pending question.
import { caseTexts } from "../../case-messages.ts";
import type { EngineTx, OfficialRow } from "../../case-ports.ts";
import { redeemEnrolmentCode } from "../../enrolment.ts";
import { channelLabels, formatDate, messages } from "../../messages.ts";
import type { InboundMessage } from "../../types.ts";
import { directoryCommand } from "./directory.ts";
import type { ChatCommand, CommandContext } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";

export function generalCommands(
  deps: ChatServiceDeps,
  officialHelp: (isAdmin: boolean, positions: readonly string[]) => string,
): ChatCommand[] {
  const { directory, clock, engine } = deps;
  const changeDirectory = directoryCommand(deps);

  /** The officials' commands this official may use. */
  const helpOf = async (tx: EngineTx, official: OfficialRow) =>
    officialHelp(official.isAdmin, await tx.positionsOf(official.id, clock.now()));

  const help = async (c: CommandContext) => [
    { text: c.official ? `${messages.help(true)}\n\n${await helpOf(c.tx, c.official)}` : messages.help(false) },
  ];

  async function enrol(c: CommandContext, code: string) {
    if (!code) return [{ text: "Tulis kode pendaftaran dari admin, misalnya /daftar K7QX-3MPA." }];
    const result = await redeemEnrolmentCode(c.tx, {
      channel: c.message.channel,
      externalId: c.message.senderId,
      displayName: c.message.senderName ?? null,
      code,
      now: clock.now(),
      secret: deps.enrolmentSecret,
    });
    if (!result.ok) {
      const why = { unknown: "tidak dikenal", used: "sudah pernah dipakai", expired: "sudah kedaluwarsa" }[result.reason];
      return [{ text: `Maaf, kode itu ${why}. Minta kode baru kepada admin kantor Anda.` }];
    }
    return [
      {
        text:
          `Terima kasih, ${result.official.name}. Akun ${channelLabels[c.message.channel]} ini sekarang ` +
          `terdaftar. Ketik /tugas untuk melihat tugas Anda.\n\n${await helpOf(c.tx, result.official)}`,
      },
    ];
  }

  async function whoAmI(message: InboundMessage, official: OfficialRow | null): Promise<string> {
    if (!official) return messages.whoAmIUnknown(channelLabels[message.channel]);
    const view = await directory.official(official.id, clock.now());
    const office = await directory.office(official.officeId);
    const tz = office?.timeZone ?? "Asia/Jakarta";
    // A title that already names its unit ("Admin … (Klinik Layanan)") is not followed by the unit again.
    const positions = (view?.positions ?? []).map(
      (p) =>
        `${p.title.includes(p.unitName) || /\)$/.test(p.title) ? p.title : `${p.title} (${p.unitName})`}, ` +
        `sejak ${formatDate(p.startsOn, tz)}`,
    );
    return messages.whoAmI(official.name, office?.name ?? official.officeId, positions) + (official.isAdmin ? "\nPeran: admin" : "");
  }

  async function listOfficials(officeId: string): Promise<string> {
    const office = await directory.office(officeId);
    if (!office) return messages.officeUnknown;
    const positions = await directory.positions(officeId, clock.now());
    const byUnit = new Map<string, string[]>();
    for (const p of positions) {
      const holders = p.holders.length > 0 ? p.holders.map((h) => h.name).join(", ") : messages.vacant;
      byUnit.set(p.unitName, [...(byUnit.get(p.unitName) ?? []), `  • ${p.title}: ${holders}`]);
    }
    return [messages.directoryHeader(office.name), ...[...byUnit].flatMap(([unit, lines]) => [unit, ...lines])].join("\n");
  }

  /** /alur <nomor>: the SOP drawn as a swimlane flowchart (one picture per page). */
  async function sopChart(record: CommandContext["record"], officeId: string, args: string) {
    const number = Number(args);
    const title = deps.sopTitle(number);
    if (!args) return [{ text: "Tulis nomor SOP, misalnya /alur 18 untuk bagan alir SOP Penerbitan Surat Pemberitahuan KGB." }];
    if (!title) {
      const max = deps.sopCount ?? 48;
      const shown = args.length > 6 ? `${args.slice(0, 6)}…` : args;
      return [
        {
          text: `SOP nomor ${shown} tidak ada. Tulis nomor SOP 1 sampai ${max}, misalnya /alur 18 untuk ${deps.sopTitle(18) ?? "SOP 18"}.`,
        },
      ];
    }
    if (!deps.sopChart || !deps.files) return [{ text: "Maaf, gambar bagan alir belum tersedia di sini." }];
    const pages = await deps.sopChart(number, officeId);
    const fileIds: string[] = [];
    for (const page of pages) {
      const saved = await deps.files.prepare({
        bytes: page.png,
        name: page.name,
        channel: "system",
        uploaderId: "sopbot",
        at: clock.now(),
      });
      if (saved.ok) {
        await record((tx) => tx.recordFile(saved.row));
        fileIds.push(saved.file.id);
      }
    }
    return [{ text: `Bagan alir SOP ${number} — ${title}${pages.length > 1 ? ` (${pages.length} halaman)` : ""}.`, fileIds }];
  }

  return [
    { names: ["start"], audience: "anyone", run: (c) => (c.args ? enrol(c, c.args) : Promise.resolve(help(c))) },
    { names: ["bantuan", "help"], audience: "anyone", run: (c) => Promise.resolve(help(c)) },
    { names: ["daftar"], audience: "anyone", run: (c) => enrol(c, c.args) },
    { names: ["saya"], audience: "anyone", outside: true, run: async (c) => [{ text: await whoAmI(c.message, c.official) }] },
    {
      names: ["pejabat"],
      audience: "anyone",
      // The list only reads; pindah, keluar and riwayat (admins) change the directory in the message's transaction.
      outside: (args) => args.trim() === "",
      run: async (c) =>
        c.args.trim()
          ? changeDirectory(c)
          : [{ text: await listOfficials(c.official?.officeId ?? c.message.office ?? deps.defaultOfficeId) }],
    },
    {
      names: ["alur"],
      audience: "anyone",
      outside: true,
      run: (c) => sopChart(c.record, c.official?.officeId ?? engine.officeOf(c.message.office ?? deps.defaultOfficeId).id, c.args),
    },
    {
      names: ["batal"],
      audience: "anyone",
      run: async (c) => {
        const had = await c.tx.prompt(c.chatKey);
        await c.tx.clearPrompt(c.chatKey);
        return [{ text: had ? caseTexts.promptCancelled : "Tidak ada yang sedang menunggu jawaban Anda." }];
      },
    },
  ];
}
