// Indonesian texts about cases and steps. Short, polite, and always naming the case code.
import type { StepAction } from "../domain/case-machine.ts";
import type { Sop, SopStep } from "../domain/sop-schema.ts";
import { formatStandardTime } from "../domain/standard-time.ts";
import { stepStandardTime } from "../domain/sop-summary.ts";
import type { CaseRow, TokenAction } from "./case-ports.ts";

const zoneLabels: Record<string, string> = { "Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT" };

/** "Senin, 16 Maret 2026 pukul 08.15 WITA" */
export function formatDateTime(at: Date, timeZone: string): string {
  const date = new Intl.DateTimeFormat("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone }).format(at);
  const time = new Intl.DateTimeFormat("id-ID", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(at);
  return `${date} pukul ${time} ${zoneLabels[timeZone] ?? timeZone}`;
}

export const actionLabels: Record<TokenAction, string> = {
  take: "Ambil",
  done: "Selesai",
  "done-note": "Selesai + catatan",
  approve: "Setujui",
  return: "Kembalikan",
  reject: "Tolak",
  "ask-applicant": "Minta kelengkapan ke pemohon",
};

export const decisionWords: Record<StepAction | "cancel", string> = {
  done: "diselesaikan",
  approve: "disetujui",
  return: "dikembalikan",
  reject: "ditolak",
  request: "dikembalikan kepada pemohon",
  cancel: "dibatalkan",
};

export const statusWords: Record<CaseRow["status"], string> = {
  open: "sedang berjalan",
  completed: "selesai",
  rejected: "ditolak",
  cancelled: "dibatalkan",
};

export function stepPosition(sop: Sop, step: SopStep): string {
  const index = sop.steps.findIndex((s) => s.id === step.id);
  return `langkah ${step.no ?? step.id} (${index + 1} dari ${sop.steps.length})`;
}

export interface StepMessageInput {
  kase: CaseRow;
  sop: Sop;
  step: SopStep;
  dueAt: Date | null;
  timeZone: string;
  returned?: { by: string; reason: string };
  onBehalfOf?: string;
  offeredToMany: boolean;
  waitingFor: string | null;
}

export function stepMessage(m: StepMessageInput): string {
  const standard = stepStandardTime(m.step);
  const lines = [
    m.returned ? `Dikembalikan untuk diperbaiki — kasus ${m.kase.code}` : `Tugas baru — kasus ${m.kase.code}`,
    `SOP ${m.sop.number}: ${m.sop.title}`,
    `Perihal: ${m.kase.title}`,
    `${stepPosition(m.sop, m.step)[0]?.toUpperCase()}${stepPosition(m.sop, m.step).slice(1)}: ${m.step.action}`,
  ];
  if (m.returned) lines.push(`Alasan dari ${m.returned.by}: ${m.returned.reason}`);
  if (m.step.inputs.trim()) lines.push(`Kelengkapan: ${m.step.inputs}`);
  lines.push(
    standard
      ? `Waktu baku: ${formatStandardTime(standard)}${m.dueAt ? ` — batas ${formatDateTime(m.dueAt, m.timeZone)}` : ""}`
      : "Waktu baku: tidak ditentukan dalam SOP",
  );
  if (m.waitingFor === "applicant") lines.push("Langkah ini dilakukan oleh pemohon; catat di sini setelah diterima.");
  if (m.waitingFor === "external") lines.push("Langkah ini dilakukan pihak luar; catat di sini setelah jawabannya diterima.");
  if (m.onBehalfOf) lines.push(`Anda menerima tugas ini sebagai pelaksana tugas untuk ${m.onBehalfOf}.`);
  if (m.offeredToMany) lines.push("Tugas ini ditawarkan kepada beberapa orang; yang pertama menekan Ambil akan mengerjakannya.");
  return lines.join("\n");
}

export const caseTexts = {
  opened: (k: CaseRow, sop: Sop) => `Kasus ${k.code} dibuka: SOP ${sop.number} — ${sop.title}.\nPerihal: ${k.title}\nKetik /kasus ${k.code} untuk melihat perkembangannya.`,
  closed: (k: CaseRow, status: CaseRow["status"], reason?: string) =>
    `Kasus ${k.code} (${k.title}) ${statusWords[status]}.${reason ? `\nAlasan: ${reason}` : ""}`,
  returnedToOpener: (k: CaseRow, reason: string, stepText: string) =>
    `Kasus ${k.code} dikembalikan ke ${stepText} untuk diperbaiki.\nAlasan: ${reason}`,
  decided: (k: CaseRow, stepText: string, action: StepAction, by: string) => `Kasus ${k.code}: ${stepText} ${decisionWords[action]} oleh ${by}.`,
  taken: (k: CaseRow, stepText: string, by: string) => `Kasus ${k.code}: ${stepText} sudah diambil oleh ${by}.`,
  youTook: (k: CaseRow, stepText: string) => `Anda mengambil ${stepText} kasus ${k.code}. Silakan pilih tindakan:`,
  askReason: (k: CaseRow, action: "return" | "reject" | "cancel") =>
    `${action === "return" ? "Tulis alasan pengembalian" : action === "reject" ? "Tulis alasan penolakan" : "Tulis alasan pembatalan"} untuk kasus ${k.code}. Ketik /batal untuk membatalkan.`,
  askNote: (k: CaseRow) => `Tulis catatan untuk langkah ini (kasus ${k.code}). Ketik /batal untuk membatalkan.`,
  promptCancelled: "Baik, dibatalkan. Tidak ada yang berubah.",
  askRequest: (k: CaseRow) =>
    `Tulis apa yang perlu dilengkapi pemohon untuk kasus ${k.code}, sejelas mungkin (misalnya: pindaian ijazah tidak terbaca, kirim ulang dalam PDF). Ketik /batal untuk membatalkan.`,
  requestToApplicant: (k: CaseRow, reason: string) =>
    `Permohonan Anda ${k.code} (${k.title}) perlu dilengkapi.\nYang diminta petugas: ${reason}\nKirim berkas atau keterangan yang diminta di chat ini, lalu ketik KIRIM. Ketik STATUS ${k.code} untuk melihat posisi permohonan.`,
  nextForApplicant: (k: CaseRow, action: string, result: string | null) =>
    [`Permohonan Anda ${k.code} (${k.title}) sampai pada langkah untuk Anda: ${action}`, result ? `Hasil layanan: ${result}` : null, "Balas KIRIM bila langkah ini sudah Anda lakukan, atau datang ke Klinik Layanan pada jam kerja."]
      .filter(Boolean)
      .join("\n"),
  applicantDone: (k: CaseRow) => `Terima kasih. Kiriman Anda untuk permohonan ${k.code} sudah diteruskan kepada petugas.`,
  applicantResult: (k: CaseRow, result: string | null, files: number) =>
    `Permohonan Anda ${k.code} (${k.title}) selesai.${result ? `\n${result}` : ""}${files > 0 ? `\nDokumen hasil terlampir (${files}).` : ""}\nTerima kasih telah menggunakan layanan kami.`,
  reminder: (k: CaseRow, stepText: string, due: string) => `Pengingat: ${stepText} kasus ${k.code} (${k.title}) sudah mencapai batas waktu (${due}). Mohon segera diselesaikan.`,
  escalation: (k: CaseRow, stepText: string, who: string, since: string) =>
    `Eskalasi: ${stepText} kasus ${k.code} (${k.title}) belum diselesaikan oleh ${who} sejak ${since}. Mohon ditindaklanjuti.`,
  vacant: (title: string, to: string) => `Jabatan ${title} kosong; tugas diteruskan kepada ${to}.`,
  chose: (index: number, label: string, code: string) => `Pilihan ${index} (${label}) untuk kasus ${code}.`,
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
} as const;
