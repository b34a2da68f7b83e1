// Answers every inbound chat message. Each message is handled in one transaction: the message id is
// recorded (a redelivered message does nothing), the command or button runs, and every reply is
// written to the outbox. The caller flushes the outbox after the commit.
import { randomUUID } from "node:crypto";
import type { TimeZone, WorkCalendar } from "../domain/working-time.ts";
import { reportChart, reportText } from "../domain/sla-report.ts";
import { buildSlaReportIn, exportRowsIn, parsePeriod } from "./report-service.ts";
import type { ApplicantService } from "./applicant-service.ts";
import { kindLabels, type StaffService } from "./staff-service.ts";
import { formatDateId } from "../domain/field-types.ts";
import { type CaseEngine, type Reply, normalizeCaseCode } from "./case-engine.ts";
import { caseTexts, decisionWords, formatDateTime, refusals, statusWords, stepPosition } from "./case-messages.ts";
import type { CaseRow, EngineStore, EngineTx, OfficialRow, OutboxDraft, TaskRow } from "./case-ports.ts";
import { delegationUsage, parseDelegation } from "./delegation-command.ts";
import { issueEnrolmentCode, redeemEnrolmentCode } from "./enrolment.ts";
import { fileTexts, type FilePort } from "./file-ports.ts";
import { channelLabels, formatDate, messages } from "./messages.ts";
import type { Clock, Directory } from "./ports.ts";
import type { InboundMessage } from "./types.ts";

export interface ChatServiceDeps {
  store: EngineStore;
  engine: CaseEngine;
  applicants: ApplicantService;
  staff?: StaffService;
  /** Draws an SOP's swimlane chart as PNG pages (for /alur). */
  sopChart?(sopNumber: number, officeId: string): { name: string; png: Buffer }[];
  /** Where generated files (charts, reports) are kept to be sent. */
  files?: FilePort;
  renderPng?(svg: string): Buffer;
  toXlsx?(sheets: { name: string; rows: Record<string, string | number | null>[] }[]): Promise<Buffer>;
  calendar?(officeId: string): WorkCalendar;
  /** Messages a chat that is not an official may send per minute (more are politely refused). */
  publicRateLimit?: number;
  directory: Directory;
  clock: Clock;
  /** The office a chat belongs to when nothing else tells (one office per deployment for now). */
  defaultOfficeId: string;
  /** Hours an enrolment code stays valid. */
  enrolmentTtlHours?: number;
  sopTitle(number: number): string | undefined;
  sopStartKind(number: number): string | undefined;
}

export interface ChatService {
  /** Handles one message; replies are in the outbox when this resolves. */
  handle(message: InboundMessage): Promise<void>;
  /**
   * A read-only check of a button press, so a channel can answer it at once: the refusal text for
   * a foreign, stale or repeated press, or null when the engine should handle it. The engine
   * checks again inside its transaction.
   */
  precheckAction(message: InboundMessage): Promise<string | null>;
  /** True when the chat identity belongs to an enrolled official. */
  isOfficial(channel: InboundMessage["channel"], senderId: string): Promise<boolean>;
}

/** Splits "/cmd@bot arg1 arg2" into a lower-case command and its argument text. */
/**
 * WhatsApp users type commands without a slash: BATAL, BANTUAN, STATUS <kode>, DAFTAR <kode> …
 * Returns the text with the slash added when its first word is one of those keywords.
 */
export function keywordCommand(text: string): string {
  const match = /^(batal|bantuan|status|daftar|tugas|kasus|saya|pejabat|delegasi|buka|batalkan|kode|layanan)\b([\s\S]*)$/i.exec(text.trim());
  return match ? `/${(match[1] ?? "").toLowerCase()}${match[2] ?? ""}` : text;
}

export function parseCommand(text: string): { command: string; args: string } | null {
  const match = /^\/([a-zA-Z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  return { command: (match[1] ?? "").toLowerCase(), args: (match[2] ?? "").trim() };
}

const officialHelp = [
  "Perintah pejabat:",
  "/tugas — tugas Anda yang masih terbuka",
  "/kasus KODE — status dan riwayat sebuah kasus",
  "/buka NOMOR-SOP perihal — membuka kasus baru",
  "/batalkan KODE alasan — membatalkan kasus (yang berwenang)",
  "/delegasi — menetapkan atau mengakhiri Plt./Plh.",
  "/jatuhtempo [bulan] — tenggat KGB, pensiun, dan kenaikan pangkat (Kepegawaian)",
  "/laporan [periode] — kepatuhan waktu layanan (Kepala Dinas, Sekretaris)",
  "/ekspor [periode] — kasus, langkah, dan jejak audit sebagai XLSX (Sekretaris)",
  "Pilihan pada pesan tugas dapat dijawab dengan nomornya.",
].join("\n");

/** Control characters mean nothing in chat, and PostgreSQL refuses NUL in text: they are dropped. */
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const clean = (s: string) => s.replace(controlChars, "");

function cleanInbound(m: InboundMessage): InboundMessage {
  return {
    ...m,
    chatId: clean(m.chatId),
    senderId: clean(m.senderId),
    messageId: clean(m.messageId),
    ...(m.senderName !== undefined ? { senderName: clean(m.senderName) } : {}),
    ...(m.senderAlias !== undefined ? { senderAlias: clean(m.senderAlias) } : {}),
    ...(m.text !== undefined ? { text: clean(m.text) } : {}),
    ...(m.action ? { action: { token: clean(m.action.token) } } : {}),
    ...(m.replyTo ? { replyTo: { platformMessageId: clean(m.replyTo.platformMessageId) } } : {}),
  };
}

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { store, engine, directory, clock } = deps;
  const ttl = deps.enrolmentTtlHours ?? 72;
  const rateLimit = deps.publicRateLimit ?? 30;
  /** Recent message times per public chat (in memory: a limit against floods, not a record). */
  const recent = new Map<string, number[]>();
  const warned = new Set<string>();
  function overLimit(chatKey: string): "ok" | "warn" | "drop" {
    const now = clock.now().getTime();
    const times = (recent.get(chatKey) ?? []).filter((t) => now - t < 60_000);
    times.push(now);
    recent.set(chatKey, times);
    if (times.length <= rateLimit) {
      warned.delete(chatKey);
      return "ok";
    }
    if (warned.has(chatKey)) return "drop";
    warned.add(chatKey);
    return "warn";
  }

  async function whoAmI(message: InboundMessage, official: OfficialRow | null): Promise<string> {
    if (!official) return messages.whoAmIUnknown(channelLabels[message.channel]);
    const view = await directory.official(official.id, clock.now());
    const office = await directory.office(official.officeId);
    const tz = office?.timeZone ?? "Asia/Jakarta";
    const positions = (view?.positions ?? []).map((p) => `${p.title} (${p.unitName}), sejak ${formatDate(p.startsOn, tz)}`);
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

  async function findOfficial(tx: EngineTx, officeId: string, query: string): Promise<OfficialRow[] | string> {
    const q = query.trim().toLowerCase();
    const all = await tx.officialsOfOffice(officeId);
    const exact = all.filter((o) => o.name.toLowerCase() === q);
    const found = exact.length > 0 ? exact : all.filter((o) => o.name.toLowerCase().includes(q));
    if (found.length === 0) return `Tidak ada pejabat bernama "${query}". Ketik /pejabat untuk melihat daftarnya.`;
    if (found.length > 1) return `"${query}" cocok dengan beberapa orang: ${found.map((o) => o.name).join(", ")}. Tulis nama lengkapnya.`;
    return found;
  }

  async function canSee(tx: EngineTx, official: OfficialRow, kase: CaseRow): Promise<boolean> {
    if (kase.openedByOfficialId === official.id || kase.subjectOfficialId === official.id) return true;
    const tasksOfMine = (await tx.tasksOfCase(kase.id)).some((t) => t.candidates.some((c) => c.officialId === official.id) || t.decidedByOfficialId === official.id);
    if (tasksOfMine) return true;
    // Office-wide rights (admin, head, secretary) stop at the office's own cases.
    if (official.officeId !== kase.officeId) return false;
    if (official.isAdmin) return true;
    if (await engine.mayCancel(tx, official, kase)) return true;
    const tasks = await tx.tasksOfCase(kase.id);
    return tasks.some((t) => t.candidates.some((c) => c.officialId === official.id) || t.decidedByOfficialId === official.id);
  }

  async function caseStatus(tx: EngineTx, official: OfficialRow, codeText: string): Promise<string> {
    if (!codeText) return "Tulis kode kasusnya, misalnya /kasus 18-7QK3F.";
    const kase = await tx.caseByCode(normalizeCaseCode(codeText));
    if (!kase || !(await canSee(tx, official, kase))) return `Kasus ${normalizeCaseCode(codeText)} tidak ditemukan di antara kasus yang dapat Anda lihat.`;
    const sop = await tx.pinnedSop(kase.flowHash);
    const office = engine.officeOf(kase.officeId);
    const tasks = await tx.tasksOfCase(kase.id);
    const lines = [
      `Kasus ${kase.code} — ${kase.title}`,
      `SOP ${sop.number}: ${sop.title}`,
      `Status: ${statusWords[kase.status]}`,
      `Dibuka: ${formatDateTime(kase.createdAt, office.timeZone)}`,
    ];
    const open = tasks.find((t) => t.status === "open");
    if (open) {
      const who = await Promise.all((open.takenByOfficialId ? [open.takenByOfficialId] : open.candidates.map((c) => c.officialId)).map((id) => tx.official(id)));
      lines.push(
        `Sekarang: ${stepPosition(sop, engine.stepOf(sop, open.stepId))} — ${engine.stepOf(sop, open.stepId).action}`,
        `Ditangani: ${who.map((o) => o?.name ?? "?").join(", ")}${open.dueAt ? `; batas ${formatDateTime(open.dueAt, office.timeZone)}${open.dueAt <= clock.now() ? " (TERLAMBAT)" : ""}` : ""}`,
      );
    }
    const history = tasks.filter((t) => t.status !== "open" && t.decision);
    if (history.length > 0) {
      lines.push("Riwayat:");
      for (const t of history) {
        const by = t.decidedByOfficialId ? ((await tx.official(t.decidedByOfficialId))?.name ?? "?") : "sistem";
        const word = decisionWords[(t.decision ?? "done") as keyof typeof decisionWords] ?? t.decision;
        lines.push(`  • ${stepPosition(sop, engine.stepOf(sop, t.stepId))} ${word} oleh ${by}, ${formatDateTime(t.closedAt ?? t.openedAt, office.timeZone)}${t.note ? ` — ${t.note}` : ""}`);
      }
    }
    return lines.join("\n");
  }

  async function myTasks(tx: EngineTx, official: OfficialRow): Promise<Reply[]> {
    const now = clock.now();
    const mine = (await tx.openTasks()).filter((t) => engine.mayAct(t, official.id));
    if (mine.length === 0) return [{ text: "Tidak ada tugas terbuka untuk Anda saat ini." }];
    const overdue = (t: TaskRow) => (t.dueAt !== null && t.dueAt <= now ? 0 : 1);
    mine.sort((a, b) => overdue(a) - overdue(b) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
    const late = mine.filter((t) => overdue(t) === 0).length;
    const replies: Reply[] = [{ text: `Anda memiliki ${mine.length} tugas terbuka${late ? `, ${late} di antaranya terlambat` : ""}. Terlambat ditampilkan lebih dahulu.` }];
    for (const task of mine.slice(0, 10)) {
      const kase = await tx.caseById(task.caseId);
      if (!kase) continue;
      const sop = await tx.pinnedSop(kase.flowHash);
      // Re-send the step with fresh choices to this chat.
      await engine.sendStepMessage(tx, kase, sop, task, now, { only: official.id });
    }
    if (mine.length > 10) replies.push({ text: `… dan ${mine.length - 10} tugas lainnya. Selesaikan yang di atas lebih dahulu.` });
    return replies;
  }

  async function openCaseCommand(tx: EngineTx, official: OfficialRow, message: InboundMessage, args: string): Promise<Reply[]> {
    const match = /^(\d{1,2})\s*([\s\S]*)$/.exec(args);
    const number = Number(match?.[1]);
    const title = deps.sopTitle(number);
    if (!match || !title) return [{ text: "Tulis nomor SOP dan perihalnya, misalnya: /buka 13 Surat undangan rapat koordinasi" }];
    const subject = match[2]?.trim() || title;
    const employeeStart = deps.sopStartKind(number) === "employee";
    await engine.openCaseIn(tx, {
      officeId: official.officeId,
      sopNumber: number,
      title: subject,
      openedBy: official,
      opener: { channel: message.channel, chatId: message.chatId },
      ...(employeeStart ? { subjectOfficialId: official.id } : {}),
    });
    return [];
  }

  async function cancelCommand(tx: EngineTx, official: OfficialRow, message: InboundMessage, args: string): Promise<Reply[]> {
    const [codeText = "", ...rest] = args.split(/\s+/);
    if (!codeText) return [{ text: "Tulis kode kasus dan alasannya, misalnya: /batalkan 13-7QK3F salah memilih SOP" }];
    const kase = await tx.caseByCode(normalizeCaseCode(codeText));
    if (!kase || !(await canSee(tx, official, kase))) return [{ text: `Kasus ${normalizeCaseCode(codeText)} tidak ditemukan di antara kasus yang dapat Anda lihat.` }];
    if (!(await engine.mayCancel(tx, official, kase))) return [{ text: "Maaf, hanya admin, pembuka kasus, Sekretaris, atau Kepala Dinas yang dapat membatalkan kasus." }];
    const reason = rest.join(" ").trim();
    const actor = { official, channel: message.channel, chatId: message.chatId };
    if (!reason) {
      await tx.setPrompt({ chatKey: `${message.channel}:${message.chatId}`, officialId: official.id, kind: "cancel-reason", token: null, caseId: kase.id, createdAt: clock.now() });
      return [{ text: caseTexts.askReason(kase, "cancel") }];
    }
    return engine.cancelIn(tx, actor, kase.id, reason);
  }

  /** The absent official's superior (any level up) or an admin may set a delegation. */
  async function maySetDelegation(tx: EngineTx, setter: OfficialRow, absent: OfficialRow): Promise<boolean> {
    if (setter.isAdmin) return true;
    const office = engine.officeOf(absent.officeId);
    const now = clock.now();
    const mine = new Set(await tx.positionsOf(setter.id, now));
    for (const key of await tx.positionsOf(absent.id, now)) {
      let up = office.positions.find((p) => p.id === key)?.superior ?? null;
      while (up) {
        if (mine.has(up)) return true;
        up = office.positions.find((p) => p.id === up)?.superior ?? null;
      }
    }
    return false;
  }

  async function delegationCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    const office = engine.officeOf(official.officeId);
    const now = clock.now();
    const all = await tx.delegations(office.id);
    const current = all.filter((d) => !d.endedAt && d.endsAt > now);
    if (!args) {
      if (current.length === 0) return [{ text: `Tidak ada Plt./Plh. yang berlaku.\n\n${delegationUsage}` }];
      const lines = await Promise.all(
        current.map(async (d, i) => {
          const [a, b] = await Promise.all([tx.official(d.absentOfficialId), tx.official(d.deputyOfficialId)]);
          return `${i + 1}. ${d.kind === "plt" ? "Plt." : "Plh."} ${b?.name} untuk ${a?.name}, ${formatDateTime(d.startsAt, office.timeZone)} s.d. ${formatDateTime(d.endsAt, office.timeZone)} — ${d.reason}`;
        }),
      );
      return [{ text: `Plt./Plh. yang berlaku atau akan berlaku:\n${lines.join("\n")}\n\n${delegationUsage}` }];
    }
    const end = /^akhiri\s+(\d+)$/i.exec(args);
    if (end) {
      const d = current[Number(end[1]) - 1];
      if (!d) return [{ text: "Nomor itu tidak ada. Ketik /delegasi untuk melihat daftarnya." }];
      const absent = await tx.official(d.absentOfficialId);
      if (!absent || !(await maySetDelegation(tx, official, absent))) return [{ text: "Maaf, hanya atasan pejabat yang berhalangan atau admin yang dapat mengakhiri Plt./Plh." }];
      await tx.updateDelegation(d.id, { endedAt: now });
      await tx.appendAudit({ at: now, actorOfficialId: official.id, actorLabel: official.name, action: "delegation-ended-early", note: d.id });
      await engine.applyDelegationsIn(tx, office.id);
      return [{ text: `Plt./Plh. untuk ${absent.name} diakhiri. Tugas yang tertunda kembali kepada ${absent.name}.` }];
    }
    const parsed = parseDelegation(args, now, office.timeZone as TimeZone);
    if (!parsed.ok) return [{ text: parsed.message }];
    const absentFound = await findOfficial(tx, office.id, parsed.request.absent);
    if (typeof absentFound === "string") return [{ text: absentFound }];
    const deputyFound = await findOfficial(tx, office.id, parsed.request.deputy);
    if (typeof deputyFound === "string") return [{ text: deputyFound }];
    const [absent, deputy] = [absentFound[0] as OfficialRow, deputyFound[0] as OfficialRow];
    if (absent.id === deputy.id) return [{ text: "Pejabat pengganti harus orang lain." }];
    if (!(await maySetDelegation(tx, official, absent))) return [{ text: `Maaf, hanya atasan ${absent.name} atau admin yang dapat menetapkan Plt./Plh. untuknya.` }];
    const overlap = current.find((d) => d.absentOfficialId === absent.id && d.startsAt < parsed.request.endsAt && d.endsAt > parsed.request.startsAt);
    if (overlap) return [{ text: `Sudah ada Plt./Plh. untuk ${absent.name} pada periode itu. Akhiri dulu dengan /delegasi akhiri <nomor>.` }];
    const id = randomUUID();
    await tx.createDelegation({ id, officeId: office.id, kind: parsed.request.kind, absentOfficialId: absent.id, deputyOfficialId: deputy.id, startsAt: parsed.request.startsAt, endsAt: parsed.request.endsAt, reason: parsed.request.reason, createdByOfficialId: official.id, createdAt: now, appliedAt: null, revertedAt: null, endedAt: null });
    await tx.appendAudit({ at: now, actorOfficialId: official.id, actorLabel: official.name, action: "delegation-set", note: `${parsed.request.kind} ${deputy.name} untuk ${absent.name} sampai ${parsed.request.endsAt.toISOString()}: ${parsed.request.reason}` });
    const label = parsed.request.kind === "plt" ? "Plt." : "Plh.";
    const period = `${formatDateTime(parsed.request.startsAt, office.timeZone)} s.d. ${formatDateTime(parsed.request.endsAt, office.timeZone)}`;
    const deputyAddress = (await tx.addressesOf(deputy.id))[0];
    if (deputyAddress) await tx.enqueue({ ...deputyAddress, text: `Anda ditetapkan sebagai ${label} untuk ${absent.name}, ${period}. Alasan: ${parsed.request.reason}. Tugas ${absent.name} yang tertunda akan diteruskan kepada Anda.` }, now);
    // A delegation that starts now takes over the pending steps at once.
    await engine.applyDelegationsIn(tx, office.id);
    return [{ text: `${label} ditetapkan: ${deputy.name} menggantikan ${absent.name}, ${period}.` }];
  }

  /** /alur <nomor>: the SOP drawn as a swimlane flowchart (one picture per page). */
  async function sopChartCommand(tx: EngineTx, officeId: string, args: string): Promise<Reply[]> {
    const number = Number(args);
    const title = deps.sopTitle(number);
    if (!args || !title) return [{ text: "Tulis nomor SOP, misalnya /alur 18 untuk bagan alir SOP Penerbitan Surat Pemberitahuan KGB." }];
    if (!deps.sopChart || !deps.files) return [{ text: "Maaf, gambar bagan alir belum tersedia di sini." }];
    const pages = deps.sopChart(number, officeId);
    const fileIds: string[] = [];
    for (const page of pages) {
      const saved = await deps.files.prepare({ bytes: page.png, name: page.name, channel: "system", uploaderId: "sopbot", at: clock.now() });
      if (saved.ok) {
        await tx.recordFile(saved.row);
        fileIds.push(saved.file.id);
      }
    }
    return [{ text: `Bagan alir SOP ${number} — ${title}${pages.length > 1 ? ` (${pages.length} halaman)` : ""}.`, fileIds }];
  }

  async function holdsAny(tx: EngineTx, official: OfficialRow, keys: string[]): Promise<boolean> {
    if (official.isAdmin) return true;
    return (await tx.positionsOf(official.id, clock.now())).some((k) => keys.includes(k));
  }

  /** /laporan [periode]: SLA compliance for the Kepala Dinas and the Sekretaris, as text and a chart. */
  async function reportCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    if (!(await holdsAny(tx, official, ["kepala-dinas", "sekretaris"]))) return [{ text: "Maaf, laporan kepatuhan waktu hanya untuk Kepala Dinas dan Sekretaris." }];
    if (!deps.calendar) return [{ text: messages.unknownCommand("/laporan") }];
    const office = engine.officeOf(official.officeId);
    const period = parsePeriod(args, clock.now(), office.timeZone as TimeZone);
    if (!period) return [{ text: "Periode tidak dapat dibaca. Contoh: /laporan (30 hari terakhir), /laporan 7, /laporan 2026-03, /laporan 2026-03-01 2026-03-31." }];
    const report = await buildSlaReportIn(tx, office.id, period.from, period.to, clock.now(), deps.calendar(office.id));
    const fileIds: string[] = [];
    if (deps.renderPng && deps.files) {
      const chart = reportChart(report, office.shortName, period.label);
      const saved = await deps.files.prepare({ bytes: deps.renderPng(chart.svg), name: "laporan-sla.png", channel: "system", uploaderId: "sopbot", at: clock.now() });
      if (saved.ok) {
        await tx.recordFile(saved.row);
        fileIds.push(saved.file.id);
      }
    }
    return [{ text: reportText(report, office.shortName, period.label), fileIds }];
  }

  /** /ekspor [periode]: cases, steps and the audit trail as one XLSX, for the Sekretaris. */
  async function exportCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    if (!(await holdsAny(tx, official, ["sekretaris"]))) return [{ text: "Maaf, ekspor data hanya untuk Sekretaris dan admin." }];
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
    const name = `ekspor-${office.id}-${period.from.toISOString().slice(0, 10)}.xlsx`;
    const saved = await deps.files.prepare({ bytes: xlsx, name, channel: "system", uploaderId: "sopbot", at: clock.now(), generatedMime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
    if (!saved.ok) return [{ text: "Maaf, berkas ekspor gagal dibuat." }];
    await tx.recordFile(saved.row);
    await tx.appendAudit({ at: clock.now(), actorOfficialId: official.id, actorLabel: official.name, action: "export", note: `${period.label}: ${rows.cases.length} kasus, ${rows.steps.length} langkah, ${rows.audit.length} peristiwa` });
    return [{ text: `Ekspor ${office.shortName}, ${period.label}: ${rows.cases.length} kasus, ${rows.steps.length} langkah, ${rows.audit.length} peristiwa audit.`, fileIds: [saved.file.id] }];
  }

  /** /jatuhtempo [bulan]: the coming personnel deadlines, for the personnel staff and the office's leaders. */
  async function upcomingCommand(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    if (!deps.staff) return [{ text: messages.unknownCommand("/jatuhtempo") }];
    const keys = await tx.positionsOf(official.id, clock.now());
    const allowed = official.isAdmin || keys.some((k) => ["kepala-dinas", "sekretaris", "kasubag-kepegawaian-umum", "pengelola-kepegawaian"].includes(k));
    if (!allowed) return [{ text: "Maaf, daftar tenggat kepegawaian hanya untuk Sub Bagian Kepegawaian, Sekretaris, dan Kepala Dinas." }];
    const months = args ? Number(args) : 3;
    if (!Number.isInteger(months) || months < 1 || months > 24) return [{ text: "Tulis jumlah bulan 1 sampai 24, misalnya /jatuhtempo 6." }];
    const rows = await deps.staff.upcomingIn(tx, official.officeId, months);
    if (rows.length === 0) return [{ text: `Tidak ada tenggat kepegawaian dalam ${months} bulan ke depan.` }];
    const lines = rows.slice(0, 40).map((r) => `• ${formatDateId(r.deadline.tmt)} — ${kindLabels[r.deadline.kind]} ${r.employee.name} (NIP ${r.employee.nip})${r.nextAction ? `; ${r.nextAction.key === "open" ? "kasus dibuka" : r.nextAction.key === "overdue" ? "tenggat akhir" : "pengingat"} ${formatDateId(r.nextAction.date)}` : ""}`);
    return [{ text: [`Tenggat kepegawaian ${months} bulan ke depan (${rows.length}):`, ...lines, ...(rows.length > 40 ? [`… dan ${rows.length - 40} lainnya: npm run staff:upcoming`] : [])].join("\n") }];
  }

  async function route(tx: EngineTx, message: InboundMessage): Promise<Reply[]> {
    const official = await tx.officialByIdentity(message.channel, message.senderId);
    const actor = official ? { official, channel: message.channel, chatId: message.chatId } : null;
    const chatKey = `${message.channel}:${message.chatId}`;
    if (message.senderAlias) await tx.rememberAlias(message.channel, message.senderId, message.senderAlias);
    if (!official) {
      const limit = overLimit(chatKey);
      if (limit === "drop") return [];
      if (limit === "warn") return [{ text: "Pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu satu menit, lalu lanjutkan." }];
    }

    if (message.attachment && "rejected" in message.attachment) {
      const { rejected, maxMb } = message.attachment;
      return [{ text: rejected === "too-large" ? fileTexts.tooLarge(maxMb) : rejected === "type" ? fileTexts.wrongType : rejected === "empty" ? fileTexts.empty : fileTexts.failed }];
    }

    if (message.action) {
      if (!actor) return [{ text: refusals.notOfficial }];
      await tx.clearPrompt(chatKey);
      return engine.pressIn(tx, actor, message.action.token);
    }

    let text = message.attachment ? "" : (message.text?.trim() ?? "");
    // A keyword is a command (WhatsApp users cannot tap a menu of slash commands), except while a
    // free-text answer is awaited (a reason or a form answer may begin with "status …"); then only a
    // keyword on its own counts.
    if (text && !text.startsWith("/")) {
      const answering = (await tx.prompt(chatKey)) !== null || ["form", "amend"].includes((await tx.formSession(chatKey))?.kind ?? "");
      if (!answering || /^(batal|bantuan|status|layanan)$/i.test(text) || /^status\s+\d{1,2}[- ]?[a-z0-9]{5}$/i.test(text)) text = keywordCommand(text);
    }
    const command = parseCommand(text);

    // The applicant's side (service menu, forms, sending what was asked, own cases) comes first.
    const applicantReply = await deps.applicants.route(tx, message, official, command, text);
    if (applicantReply) return applicantReply;

    if (message.attachment && "file" in message.attachment) {
      if (actor) {
        const answered = await engine.answerPromptIn(tx, actor, message.text?.trim() || `Berkas: ${message.attachment.file.name}`, message.attachment.file.id);
        if (answered) return answered;
      }
      return [{ text: fileTexts.notExpected }];
    }

    if (command) {
      if (command.command !== "batal") await tx.clearPrompt(chatKey);
      switch (command.command) {
        case "start":
          if (command.args) return enrol(tx, message, command.args);
          return [{ text: messages.help(official !== null) + (official ? `\n\n${officialHelp}` : "") }];
        case "bantuan":
        case "help":
          return [{ text: messages.help(official !== null) + (official ? `\n\n${officialHelp}` : "") }];
        case "daftar":
          return enrol(tx, message, command.args);
        case "saya":
          return [{ text: await whoAmI(message, official) }];
        case "pejabat":
          return [{ text: await listOfficials(official?.officeId ?? deps.defaultOfficeId) }];
        case "alur":
          return sopChartCommand(tx, official?.officeId ?? deps.defaultOfficeId, command.args);
        case "batal": {
          const had = await tx.prompt(chatKey);
          await tx.clearPrompt(chatKey);
          return [{ text: had ? caseTexts.promptCancelled : "Tidak ada yang sedang menunggu jawaban Anda." }];
        }
      }
      if (!official || !actor) return [{ text: refusals.notOfficial }];
      switch (command.command) {
        case "tugas":
          return myTasks(tx, official);
        case "kasus":
        case "status":
          return [{ text: await caseStatus(tx, official, command.args) }];
        case "buka":
          return openCaseCommand(tx, official, message, command.args);
        case "batalkan":
          return cancelCommand(tx, official, message, command.args);
        case "delegasi":
          return delegationCommand(tx, official, command.args);
        case "jatuhtempo":
          return upcomingCommand(tx, official, command.args);
        case "laporan":
          return reportCommand(tx, official, command.args);
        case "ekspor":
          return exportCommand(tx, official, command.args);
        case "kode": {
          if (!official.isAdmin) return [{ text: "Maaf, hanya admin yang dapat membuat kode pendaftaran." }];
          const found = await findOfficial(tx, official.officeId, command.args);
          if (typeof found === "string") return [{ text: command.args ? found : "Tulis nama pejabatnya, misalnya /kode Maria Goreti Bria." }];
          const target = found[0] as OfficialRow;
          const { code, expiresAt } = await issueEnrolmentCode(tx, target, clock.now(), ttl, official);
          const tz = engine.officeOf(official.officeId).timeZone;
          return [{ text: `Kode pendaftaran untuk ${target.name}: ${code}\nBerlaku sekali, sampai ${formatDateTime(expiresAt, tz)}.\nMinta ${target.name} mengirim: /daftar ${code}` }];
        }
        default:
          return [{ text: messages.unknownCommand(`/${command.command}`) }];
      }
    }

    // A number answers the prompt it quotes, or else the newest numbered choice sent to this chat.
    if (/^\d{1,2}$/.test(text)) {
      if (!actor) return [{ text: refusals.notOfficial }];
      const quoted = message.replyTo ? await tx.choicesOfMessage(message.channel, message.chatId, message.replyTo.platformMessageId) : null;
      if (message.replyTo && !quoted) return [{ text: refusals.quotedNoChoices }];
      const latest = quoted ?? (await tx.latestChoices(message.channel, message.chatId));
      if (!latest) return [{ text: refusals.noChoices }];
      const index = Number(text);
      const choice = latest.actions[index - 1];
      if (!choice) return [{ text: refusals.choiceOutOfRange(latest.actions.length) }];
      await tx.clearPrompt(chatKey);
      const kase = latest.caseId ? await tx.caseById(latest.caseId) : null;
      const replies = await engine.pressIn(tx, actor, choice.token);
      return [{ text: caseTexts.chose(index, choice.label, kase?.code ?? "?") }, ...replies];
    }

    if (actor && text) {
      const answered = await engine.answerPromptIn(tx, actor, text);
      if (answered) return answered;
    }
    return [{ text: messages.notUnderstood }];
  }

  async function enrol(tx: EngineTx, message: InboundMessage, code: string): Promise<Reply[]> {
    if (!code) return [{ text: "Tulis kode pendaftaran dari admin, misalnya /daftar K7QX-3MPA." }];
    const result = await redeemEnrolmentCode(tx, { channel: message.channel, externalId: message.senderId, displayName: message.senderName ?? null, code, now: clock.now() });
    if (!result.ok) {
      const why = { unknown: "tidak dikenal", used: "sudah pernah dipakai", expired: "sudah kedaluwarsa" }[result.reason];
      return [{ text: `Maaf, kode itu ${why}. Minta kode baru kepada admin kantor Anda.` }];
    }
    return [{ text: `Terima kasih, ${result.official.name}. Akun ${channelLabels[message.channel]} ini sekarang terdaftar. Ketik /tugas untuk melihat tugas Anda.\n\n${officialHelp}` }];
  }

  return {
    async precheckAction(raw) {
      const message = cleanInbound(raw);
      const token = message.action?.token;
      if (!token) return null;
      return store.transaction(async (tx) => {
        const official = await tx.officialByIdentity(message.channel, message.senderId);
        if (!official) return refusals.notOfficial;
        const ref = await tx.token(token);
        const task = ref ? await tx.taskById(ref.taskId) : null;
        if (!ref || !task) return refusals.unknownButton;
        const kase = await tx.caseById(task.caseId);
        if (!kase || kase.status !== "open") return refusals.caseClosed;
        if (task.status !== "open" || task.visit !== ref.visit || kase.visit !== ref.visit) return refusals.stale;
        if (!engine.mayAct(task, official.id)) {
          if (task.takenByOfficialId && task.candidates.some((c) => c.officialId === official.id)) {
            return refusals.takenByOther((await tx.official(task.takenByOfficialId))?.name ?? "orang lain");
          }
          return refusals.notYours;
        }
        return null;
      });
    },
    isOfficial: (channel, senderId) => store.transaction(async (tx) => (await tx.officialByIdentity(channel, senderId)) !== null),
    async handle(raw) {
      const message = cleanInbound(raw);
      await store.transaction(async (tx) => {
        if (!(await tx.recordInbound(message.channel, message.messageId, message.receivedAt))) return;
        // The sender's own replies go out before the notifications the message caused for others.
        const caused: { draft: OutboxDraft; at: Date }[] = [];
        const buffered: EngineTx = { ...tx, enqueue: async (draft, at) => void caused.push({ draft, at }) };
        const replies = await route(buffered, message);
        for (const reply of replies) {
          await tx.enqueue(
            {
              channel: message.channel,
              chatId: message.chatId,
              text: reply.text,
              ...(reply.actions ? { actions: reply.actions } : {}),
              ...(reply.taskId ? { taskId: reply.taskId } : {}),
              ...(reply.fileIds && reply.fileIds.length > 0 ? { fileIds: reply.fileIds } : {}),
            },
            clock.now(),
          );
        }
        for (const { draft, at } of caused) await tx.enqueue(draft, at);
      });
    },
  };
}
