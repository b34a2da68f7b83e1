// The office's commands: reports (/laporan), exports (/ekspor), personnel deadlines (/jatuhtempo)
// and enrolment codes (/kode), each for the positions entitled to it.
import { localDate, type TimeZone } from "../../../domain/working-time.ts";
import { formatDateId } from "../../../domain/field-types.ts";
import { reportChart, reportText } from "../../../domain/sla-report.ts";
import type { Reply } from "../../case-engine.ts";
import { formatDateTime } from "../../case-messages.ts";
import type { EngineTx, OfficialRow } from "../../case-ports.ts";
import { issueEnrolmentCode } from "../../enrolment.ts";
import { messages } from "../../messages.ts";
import { buildSlaReportIn, exportRowsIn, parsePeriod } from "../../report-service.ts";
import { kindLabels } from "../../staff-service.ts";
import type { ChatCommand, CommandContext, OfficialCommandContext } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";
import { findOfficial } from "./delegation.ts";

/** Who may use the office's reports (their admins too): the commands check it, and help shows them to these alone. */
const reportHolders = ["kepala-dinas", "sekretaris"] as const;
const exportHolders = ["sekretaris"] as const;
const upcomingHolders = ["kepala-dinas", "sekretaris", "kasubag-kepegawaian-umum", "pengelola-kepegawaian"] as const;

export function officeCommands(deps: ChatServiceDeps): ChatCommand[] {
  const { engine, clock } = deps;
  const ttl = deps.enrolmentTtlHours ?? 72;

  async function holdsAny(tx: EngineTx, official: OfficialRow, keys: readonly string[]): Promise<boolean> {
    if (official.isAdmin) return true;
    return (await tx.positionsOf(official.id, clock.now())).some((k) => keys.includes(k));
  }

  /** /laporan [periode]: SLA compliance for the Kepala Dinas and the Sekretaris, as text and a chart. */
  async function reportCommand(tx: EngineTx, record: CommandContext["record"], official: OfficialRow, args: string): Promise<Reply[]> {
    if (!(await holdsAny(tx, official, reportHolders)))
      return [{ text: "Maaf, laporan kepatuhan waktu hanya untuk Kepala Dinas dan Sekretaris." }];
    if (!deps.calendar) return [{ text: messages.unknownCommand("/laporan") }];
    const office = engine.officeOf(official.officeId);
    const period = parsePeriod(args, clock.now(), office.timeZone as TimeZone);
    if (!period)
      return [
        {
          text:
            "Periode tidak dapat dibaca. Contoh: /laporan (30 hari terakhir), /laporan 7, /laporan 2026-03, " +
            "/laporan 2026-03-01 2026-03-31.",
        },
      ];
    const report = await buildSlaReportIn(tx, office.id, period.from, period.to, clock.now(), deps.calendar(office.id));
    const fileIds: string[] = [];
    if (deps.renderPng && deps.files) {
      const chart = reportChart(report, office.shortName, period.label);
      const saved = await deps.files.prepare({
        bytes: await deps.renderPng(chart.svg),
        name: "laporan-sla.png",
        channel: "system",
        uploaderId: "sopbot",
        at: clock.now(),
      });
      if (saved.ok) {
        await record((t) => t.recordFile(saved.row));
        fileIds.push(saved.file.id);
      }
    }
    return [{ text: reportText(report, office.shortName, period.label), fileIds }];
  }

  /** /ekspor [periode]: cases, steps and the audit trail as one XLSX, for the Sekretaris. */
  async function exportCommand(tx: EngineTx, record: CommandContext["record"], official: OfficialRow, args: string): Promise<Reply[]> {
    if (!(await holdsAny(tx, official, exportHolders))) return [{ text: "Maaf, ekspor data hanya untuk Sekretaris dan admin." }];
    if (!deps.toXlsx || !deps.files) return [{ text: messages.unknownCommand("/ekspor") }];
    const office = engine.officeOf(official.officeId);
    const period = parsePeriod(args, clock.now(), office.timeZone as TimeZone);
    if (!period) return [{ text: "Periode tidak dapat dibaca. Contoh: /ekspor 2026-03 atau /ekspor 2026-03-01 2026-03-31." }];
    const rows = await exportRowsIn(tx, office.id, period.from, period.to);
    const xlsx = await deps.toXlsx([
      { name: "Kasus", rows: rows.cases },
      { name: "Langkah", rows: rows.steps },
      { name: "Jejak audit", rows: rows.audit },
    ]);
    // The period's first day in the office's own calendar (in UTC it is the day before, in Indonesia).
    const name = `ekspor-${office.id}-${localDate(period.from, office.timeZone as TimeZone)}.xlsx`;
    const saved = await deps.files.prepare({
      bytes: xlsx,
      name,
      channel: "system",
      uploaderId: "sopbot",
      at: clock.now(),
      generatedMime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    });
    if (!saved.ok) return [{ text: "Maaf, berkas ekspor gagal dibuat." }];
    await record(async (t) => {
      await t.recordFile(saved.row);
      await t.appendAudit({
        at: clock.now(),
        actorOfficialId: official.id,
        actorLabel: official.name,
        action: "export",
        note: `${period.label}: ${rows.cases.length} kasus, ${rows.steps.length} langkah, ${rows.audit.length} peristiwa`,
      });
    });
    return [
      {
        text:
          `Ekspor ${office.shortName}, ${period.label}: ${rows.cases.length} kasus, ${rows.steps.length} ` +
          `langkah, ${rows.audit.length} peristiwa audit.`,
        fileIds: [saved.file.id],
      },
    ];
  }

  /** /jatuhtempo [bulan]: the coming personnel deadlines, for the personnel staff and the office's leaders. */
  async function upcomingCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    if (!deps.staff) return [{ text: messages.unknownCommand("/jatuhtempo") }];
    if (!(await holdsAny(tx, official, upcomingHolders)))
      return [{ text: "Maaf, daftar tenggat kepegawaian hanya untuk Sub Bagian Kepegawaian, Sekretaris, dan Kepala Dinas." }];
    const months = args ? Number(args) : 3;
    if (!Number.isInteger(months) || months < 1 || months > 24)
      return [{ text: "Tulis jumlah bulan 1 sampai 24, misalnya /jatuhtempo 6." }];
    const rows = await deps.staff.upcomingIn(tx, official.officeId, months);
    if (rows.length === 0) return [{ text: `Tidak ada tenggat kepegawaian dalam ${months} bulan ke depan.` }];
    const lines = rows
      .slice(0, 40)
      .map(
        (r) =>
          `• ${formatDateId(r.deadline.tmt)} — ${kindLabels[r.deadline.kind]} ${r.employee.name} (NIP ` +
          `${r.employee.nip})` +
          (r.nextAction
            ? `; ${r.nextAction.key === "open" ? "kasus dibuka" : r.nextAction.key === "overdue" ? "tenggat akhir" : "pengingat"} ` +
              formatDateId(r.nextAction.date)
            : ""),
      );
    return [
      {
        text: [
          `Tenggat kepegawaian ${months} bulan ke depan (${rows.length}):`,
          ...lines,
          ...(rows.length > 40 ? [`… dan ${rows.length - 40} lainnya: npm run staff:upcoming`] : []),
        ].join("\n"),
      },
    ];
  }

  async function enrolmentCode(c: OfficialCommandContext): Promise<Reply[]> {
    if (!c.official.isAdmin) return [{ text: "Maaf, hanya admin yang dapat membuat kode pendaftaran." }];
    const found = await findOfficial(c.tx, c.official.officeId, c.args);
    if (typeof found === "string") return [{ text: c.args ? found : "Tulis nama pejabatnya, misalnya /kode Maria Goreti Bria." }];
    const target = found[0] as OfficialRow;
    const { code, expiresAt } = await issueEnrolmentCode(c.tx, target, clock.now(), ttl, deps.enrolmentSecret, c.official);
    const tz = engine.officeOf(c.official.officeId).timeZone;
    return [
      {
        text:
          `Kode pendaftaran untuk ${target.name}: ${code}\nBerlaku sekali, sampai ` +
          `${formatDateTime(expiresAt, tz)}.\nMinta ${target.name} mengirim: /daftar ${code}`,
      },
    ];
  }

  return [
    {
      names: ["jatuhtempo"],
      audience: "official",
      help: "/jatuhtempo [bulan] — tenggat KGB, pensiun, dan kenaikan pangkat (Kepegawaian)",
      holders: upcomingHolders,
      outside: true,
      run: (c) => upcomingCommand(c.tx, c.official, c.args),
    },
    {
      names: ["laporan"],
      audience: "official",
      help: "/laporan [periode] — kepatuhan waktu layanan (Kepala Dinas, Sekretaris)",
      holders: reportHolders,
      outside: true,
      run: (c) => reportCommand(c.tx, c.record, c.official, c.args),
    },
    {
      names: ["ekspor"],
      audience: "official",
      help: "/ekspor [periode] — kasus, langkah, dan jejak audit sebagai XLSX (Sekretaris)",
      holders: exportHolders,
      outside: true,
      run: (c) => exportCommand(c.tx, c.record, c.official, c.args),
    },
    {
      names: ["kode"],
      audience: "official",
      adminOnly: true,
      help: "/kode NAMA — kode pendaftaran akun chat untuk seorang pejabat",
      run: enrolmentCode,
    },
  ];
}
