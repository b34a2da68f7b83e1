// What the office holds about one person, written for that person (access on request, UU 27/2022
// Pasal 7): their cases with answers, files and messages, their forms in progress and their chats.
// Officials' internal notes about a case are counted, not quoted.
import { formatDateTime, statusWords } from "./case-messages.ts";

export interface PersonRecord {
  key: string;
  generatedAt: Date;
  officeName: string;
  timeZone: string;
  retentionYears: number;
  chats: { channel: string; chatId: string; name: string | null }[];
  cases: {
    code: string;
    title: string;
    status: string;
    createdAt: Date;
    closedAt: Date | null;
    purgedAt: Date | null;
    answers: { label: string; value: string }[];
    files: { name: string; mime: string; size: number; at: Date }[];
    conversation: { at: Date; author: string; text: string }[];
    internalNotes: number;
    messages: { at: Date; text: string }[];
  }[];
  formsInProgress: { form: string; updatedAt: Date; answers: { field: string; value: string }[] }[];
  otherMessages: { at: Date; text: string }[];
}

const channelNames: Record<string, string> = { telegram: "Telegram", whatsapp: "WhatsApp", console: "konsol" };

export function renderPersonRecord(r: PersonRecord): string {
  const at = (d: Date) => formatDateTime(d, r.timeZone);
  const out = [
    `DATA PRIBADI YANG DISIMPAN — ${r.officeName}`,
    `Untuk: ${r.key}`,
    `Dibuat: ${at(r.generatedAt)}`,
    "",
    `Data disimpan selama permohonan diproses dan ${r.retentionYears} tahun sesudahnya, lalu dihapus otomatis.`,
    "Anda dapat meminta data ini diperbaiki atau dihapus kepada admin Dinas.",
    "",
    "AKUN CHAT",
    ...(r.chats.length === 0
      ? ["(tidak ada)"]
      : r.chats.map((c) => `- ${channelNames[c.channel] ?? c.channel}: ${c.chatId}${c.name ? ` (${c.name})` : ""}`)),
  ];
  for (const c of r.cases) {
    out.push("", `PERMOHONAN ${c.code} — ${c.title}`, `Status: ${(statusWords as Record<string, string>)[c.status] ?? c.status}`);
    out.push(`Diajukan: ${at(c.createdAt)}${c.closedAt ? `; selesai: ${at(c.closedAt)}` : ""}`);
    if (c.purgedAt) out.push(`Data pribadi permohonan ini sudah dihapus pada ${at(c.purgedAt)}.`);
    if (c.answers.length > 0) out.push("Jawaban formulir:", ...c.answers.map((a) => `- ${a.label}: ${a.value}`));
    if (c.files.length > 0)
      out.push("Berkas:", ...c.files.map((f) => `- ${f.name} (${f.mime}, ${Math.max(1, Math.round(f.size / 1024))} KB, ${at(f.at)})`));
    if (c.conversation.length > 0) out.push("Percakapan:", ...c.conversation.map((e) => `- ${at(e.at)} ${e.author}: ${e.text}`));
    if (c.internalNotes > 0) out.push(`Catatan internal petugas: ${c.internalNotes} (tidak disertakan).`);
    if (c.messages.length > 0) out.push("Pesan yang dikirim kepada Anda:", ...c.messages.map((m) => `- ${at(m.at)}: ${m.text}`));
  }
  if (r.formsInProgress.length > 0) {
    out.push("", "FORMULIR YANG BELUM SELESAI");
    for (const f of r.formsInProgress)
      out.push(`${f.form} (terakhir diisi ${at(f.updatedAt)}):`, ...f.answers.map((a) => `- ${a.field}: ${a.value}`));
  }
  if (r.otherMessages.length > 0) out.push("", "PESAN LAIN KEPADA ANDA", ...r.otherMessages.map((m) => `- ${at(m.at)}: ${m.text}`));
  if (r.cases.length === 0 && r.formsInProgress.length === 0) out.push("", "Tidak ada permohonan atau formulir atas nama ini.");
  return `${out.join("\n")}\n`;
}
