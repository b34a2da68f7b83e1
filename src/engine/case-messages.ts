// Indonesian texts the officials read about cases and steps. Short, polite, always naming the case
// code. What the applicant reads is in applicant-messages.ts.
import type { StepAction } from "../domain/case-machine.ts";
import type { ReasonProblem } from "../domain/reason-check.ts";
import type { Sop, SopStep } from "../domain/sop-schema.ts";
import type { CaseEntryRow, CaseRow, TokenAction } from "./case-ports.ts";

const zoneLabels: Record<string, string> = { "Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

/** "Senin, 16 Maret 2026 pukul 08.15 WITA" */
/** Formatters per time zone (making one costs far more than using it; there are three zones). */
const formatters = new Map<string, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

export function formatDateTime(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      date: new Intl.DateTimeFormat("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone }),
      time: new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }),
    };
    if (formatters.size < 50) formatters.set(timeZone, f);
  }
  return `${f.date.format(at)} pukul ${f.time.format(at)} ${zoneLabels[timeZone] ?? timeZone}`;
}

export const actionLabels: Record<TokenAction, string> = {
  take: "Ambil",
  done: "Selesai",
  "done-note": "Selesai + catatan",
  "done-applicant": "Selesai + pesan ke pemohon",
  approve: "Setujui",
  return: "Kembalikan",
  reject: "Tolak",
  "ask-applicant": "Minta kelengkapan ke pemohon",
  "message-applicant": "Kirim pesan ke pemohon",
  bulk: "Selesaikan sekaligus",
  "bulk-confirm": "Ya, lakukan",
  "bulk-cancel": "Batal",
  supplied: "Diterima langsung",
  withdraw: "Batalkan permintaan",
};

/** The label of "done" on a step the applicant does, recorded by an official. */
export const applicantDoneLabel = "Sudah dilakukan pemohon";

/** What happened to a step, and by whom: "disetujui oleh Maria (Sekretaris)". `by` null: the applicant. */
export function decisionPhrase(action: StepAction | "cancel", by: string | null): string {
  const who = by ?? "pemohon";
  switch (action) {
    case "done":
      return `diselesaikan oleh ${who}`;
    case "approve":
      return `disetujui oleh ${who}`;
    case "return":
      return `dikembalikan oleh ${who}`;
    case "reject":
      return `ditolak oleh ${who}`;
    case "request":
      return `ditunda oleh ${who} sampai pemohon mengirim kelengkapan`;
    case "supplied":
      return by ? `dilanjutkan: kelengkapan diterima langsung oleh ${by}` : "dilanjutkan: pemohon mengirim kelengkapan";
    case "withdraw":
      return `dilanjutkan: permintaan kepada pemohon dibatalkan oleh ${who}`;
    case "cancel":
      return `dibatalkan oleh ${who}`;
  }
}

export const statusWords: Record<CaseRow["status"], string> = {
  open: "sedang berjalan",
  completed: "selesai",
  rejected: "ditolak",
  cancelled: "dibatalkan",
};

/** "langkah 2 dari 5", with the decree's own number when it differs: "langkah 4 dari 5 (nomor 5 di SOP)". */
export function stepPosition(sop: Sop, step: SopStep): string {
  const index = sop.steps.findIndex((s) => s.id === step.id) + 1;
  const printed = step.no ?? step.id;
  return `langkah ${index} dari ${sop.steps.length}${printed !== String(index) ? ` (nomor ${printed} di SOP)` : ""}`;
}

/** The step's action as chat shows it: the wording for chat where the printed one names a link. */
export function stepAction(step: SopStep): string {
  return step.chat?.action ?? step.action;
}

export const capitalize = (s: string) => `${s[0]?.toUpperCase() ?? ""}${s.slice(1)}`;

/** Cuts a long text for a one-line mention. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One line of a case's conversation, as an official reads it in a task message or /kasus. */
export function entryLine(e: CaseEntryRow): string {
  const text = e.text ? excerpt(e.text) : "";
  switch (e.kind) {
    case "note":
      return `Catatan ${e.authorLabel}: ${text}`;
    case "return":
      return `Dikembalikan oleh ${e.authorLabel}. Alasan: ${text}`;
    case "request":
      return `${e.authorLabel} meminta kelengkapan kepada pemohon: ${text}`;
    case "to-applicant":
      return `${e.authorLabel} kepada pemohon: ${text}`;
    case "from-applicant":
      return `Pemohon: "${text}"`;
    case "applicant-file":
      return `Pemohon mengirim berkas ${text}`;
    case "request-withdrawn":
      return `Permintaan kelengkapan dibatalkan oleh ${e.authorLabel}`;
    case "received-in-person":
      return `Kelengkapan diterima langsung oleh ${e.authorLabel}`;
    case "reject":
      return `Ditolak oleh ${e.authorLabel}. Alasan: ${text}`;
    case "cancel":
      return `Dibatalkan oleh ${e.authorLabel}. Alasan: ${text}`;
  }
}

/** What a reason prompt says back when the reason does not say enough. */
export function reasonRefusal(problem: ReasonProblem): string {
  return problem === "empty"
    ? "Alasan wajib diisi. Tulis alasannya, atau ketik /batal."
    : "Alasan ini terlalu singkat untuk dipahami penerimanya. Tulis dalam beberapa kata yang jelas " +
        "(misalnya: pindaian KTP buram, mohon kirim ulang), atau ketik /batal.";
}

export const caseTexts = {
  opened: (k: CaseRow, sop: Sop) =>
    `Kasus ${k.code} dibuka: SOP ${sop.number} — ${sop.title}.\nPerihal: ${k.title}\n` +
    `Ketik /kasus ${k.code} untuk melihat perkembangannya.`,
  closed: (k: CaseRow, status: CaseRow["status"], reason?: string) =>
    `Kasus ${k.code} (${k.title}) ${statusWords[status]}.${reason ? `\nAlasan: ${reason}` : ""}`,
  returnedToOpener: (k: CaseRow, reason: string, stepText: string) =>
    `Kasus ${k.code} dikembalikan ke ${stepText} untuk diperbaiki.\nAlasan: ${reason}`,
  decided: (k: CaseRow, stepText: string, action: StepAction, by: string) => `Kasus ${k.code}: ${stepText} ${decisionPhrase(action, by)}.`,
  taken: (k: CaseRow, stepText: string, by: string) => `Kasus ${k.code}: ${stepText} sudah diambil oleh ${by}.`,
  youTook: (k: CaseRow, stepText: string) => `Anda mengambil ${stepText} kasus ${k.code}. Silakan pilih tindakan:`,
  askReason: (k: CaseRow, action: "return" | "reject" | "cancel", toApplicant: boolean) =>
    `${action === "return" ? "Tulis alasan pengembalian" : action === "reject" ? "Tulis alasan penolakan" : "Tulis alasan pembatalan"} ` +
    `untuk kasus ${k.code}.${
      action === "return" ? " Alasan ini hanya dibaca petugas." : toApplicant ? " Alasan ini dikirim juga kepada pemohon." : ""
    } ` +
    `Ketik /batal untuk membatalkan.`,
  askNote: (k: CaseRow) =>
    `Tulis catatan untuk langkah ini (kasus ${k.code}); catatan hanya dibaca petugas. Berkas boleh ` +
    `dilampirkan. Ketik /batal untuk membatalkan.`,
  askApplicantNote: (k: CaseRow) =>
    `Tulis pesan untuk pemohon (kasus ${k.code}), misalnya jadwal atau cara mengambil hasil. Pesan ini ` +
    `dikirim kepada pemohon dan langkah ini diselesaikan. Berkas boleh dilampirkan. Ketik /batal untuk membatalkan.`,
  askMessage: (k: CaseRow) =>
    `Tulis pesan untuk pemohon (kasus ${k.code}); berkas boleh dilampirkan. Pesan dikirim di chat ` +
    `pemohon dan dicatat di riwayat kasus. Ketik /batal untuk membatalkan.`,
  promptCancelled: "Baik, dibatalkan. Tidak ada yang berubah.",
  askRequest: (k: CaseRow) =>
    `Tulis apa yang perlu dilengkapi pemohon untuk kasus ${k.code}, sejelas mungkin (misalnya: pindaian ` +
    `ijazah tidak terbaca, kirim ulang dalam PDF). Pesan ini dikirim kepada pemohon. Ketik /batal untuk membatalkan.`,
  messageSent: (k: CaseRow) => `Pesan Anda terkirim kepada pemohon kasus ${k.code} dan dicatat di riwayat kasus.`,
  fromApplicant: (k: CaseRow, applicant: string, lines: string[], waiting: "request" | "step" | null) =>
    [
      `Pesan dari pemohon — kasus ${k.code}`,
      `${k.title}${applicant && !k.title.includes(applicant) ? ` (pemohon: ${applicant})` : ""}`,
      ...lines,
      waiting === "request"
        ? "Kasus ini masih menunggu kelengkapan; pemohon akan mengetik KIRIM bila sudah lengkap."
        : waiting === "step"
          ? "Kasus ini sedang pada langkah pemohon."
          : null,
    ]
      .filter((l): l is string => l !== null)
      .join("\n"),
  reminder: (k: CaseRow, stepText: string, due: string) =>
    `Pengingat: ${stepText} kasus ${k.code} (${k.title}) sudah mencapai batas waktu (${due}). Mohon segera diselesaikan.`,
  escalation: (k: CaseRow, stepText: string, who: string, since: string) =>
    `Eskalasi: ${stepText} kasus ${k.code} (${k.title}) belum diselesaikan oleh ${who} sejak ${since}. Mohon ditindaklanjuti.`,
  vacant: (title: string, to: string) => `Jabatan ${title} kosong; tugas diteruskan kepada ${to}.`,
  chose: (index: number, label: string, code: string) => `Pilihan ${index} (${label}) untuk kasus ${code}.`,
  files: (k: CaseRow, count: number) => `Berkas kasus ${k.code} (${count}):`,
  bulkOffer: "Tugas pada langkah yang sama dapat diselesaikan sekaligus; setiap kasus tetap dicatat dan diteruskan sendiri-sendiri:",
  bulkLabel: (action: "done" | "approve", count: number, label: string) =>
    `${action === "approve" ? "Setujui" : "Selesaikan"} ${count} tugas ${label}`,
  bulkConfirm: (action: "done" | "approve", count: number, label: string, codes: string[]) =>
    `${action === "approve" ? "Setujui" : "Selesaikan"} ${count} tugas ${label}?\nKasus: ` +
    `${codes.join(", ")}\nSetiap kasus tetap mendapat keputusannya sendiri, tercatat di jejak audit, dan ` +
    `diteruskan ke langkah berikutnya.`,
  bulkDone: (action: "done" | "approve", done: number, skipped: number) =>
    `${done} tugas ${action === "approve" ? "disetujui" : "diselesaikan"}.` +
    (skipped > 0 ? ` ${skipped} tugas tidak diproses karena sudah berubah (diambil orang lain atau sudah selesai).` : ""),
  bulkCancelled: "Baik, tidak ada yang berubah.",
  noFiles: (k: CaseRow) => `Kasus ${k.code} belum memiliki berkas.`,
} as const;

export const refusals = {
  unknownButton: "Maaf, tombol ini tidak dikenal. Ketik /tugas untuk melihat tugas Anda.",
  stale: "Langkah ini sudah diproses atau tidak berlaku lagi. Tidak ada yang berubah.",
  notYours: "Maaf, langkah ini bukan tugas Anda. Tidak ada yang berubah.",
  takenByOther: (by: string) => `Langkah ini sudah diambil oleh ${by}.`,
  notOfficial: "Maaf, hanya pejabat yang terdaftar yang dapat melakukan ini. Pejabat mendaftar dengan /daftar KODE dari admin.",
  caseClosed: "Kasus ini sudah ditutup. Tidak ada yang berubah.",
  noChoices: "Tidak ada pilihan yang menunggu jawaban Anda. Ketik /tugas untuk melihat tugas Anda.",
  quotedNoChoices: "Pesan yang Anda kutip tidak memiliki pilihan. Kutip pesan tugasnya, atau kirim angkanya saja untuk pilihan terakhir.",
  choiceOutOfRange: (max: number) => `Pilihan tidak tersedia. Balas dengan angka 1 sampai ${max}.`,
  reasonRequired: "Alasan wajib diisi. Tulis alasannya, atau ketik /batal.",
  messageRequired: "Belum ada kata yang dapat dicatat. Tulis isinya, atau ketik /batal.",
  notApplicantCase: "Kasus ini tidak dibuka oleh pemohon melalui chat, jadi tidak ada chat pemohon untuk dikirimi pesan.",
  fileNeedsReason:
    "Alasan wajib ditulis; berkas tidak dapat menggantikan alasan dan tidak kami simpan. Tulis alasannya, atau ketik /batal.",
} as const;
