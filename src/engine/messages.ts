// The Indonesian message catalog: every sentence a person reads that is not in flows/.
// Clear, polite and short.

const unsupportedNames = {
  voice: "pesan suara",
  video: "video",
  sticker: "stiker",
  location: "lokasi",
  contact: "kontak",
  other: "jenis pesan ini",
} as const;

export const messages = {
  help: (isOfficial: boolean) =>
    [
      "Perintah yang tersedia:",
      "/layanan — daftar layanan dan pendaftaran",
      "/status KODE — posisi permohonan Anda",
      "/batal — berhenti mengisi formulir",
      "/bantuan — daftar perintah ini",
      ...(isOfficial ? ["/saya — siapa Anda menurut sistem"] : []),
      "/pejabat — daftar jabatan dan pejabat di kantor ini",
      "/alur NOMOR — bagan alir SOP, misalnya /alur 18",
      ...(isOfficial
        ? []
        : [
            "",
            "Pertanyaan atau berkas untuk permohonan yang sedang berjalan cukup dikirim di chat ini; kami " +
              "teruskan kepada petugas yang menanganinya.",
            "Di WhatsApp perintah boleh diketik tanpa garis miring, misalnya LAYANAN atau STATUS 30-7QK3F.",
          ]),
    ].join("\n"),
  unknownCommand: (command: string) => `Maaf, perintah ${command} tidak dikenal. Ketik /bantuan untuk melihat perintah yang tersedia.`,
  notUnderstood: "Maaf, pesan Anda belum dapat kami proses. Ketik /bantuan untuk melihat apa yang bisa dilakukan.",
  /** A voice note, sticker … : said what it was and what the bot reads instead. */
  unsupported: (kind: "voice" | "video" | "sticker" | "location" | "contact" | "other") =>
    `Maaf, ${unsupportedNames[kind]} ` + `belum dapat kami baca. Silakan tulis pesan Anda dengan teks, atau kirim foto atau berkas PDF.`,
  whoAmIUnknown: (channelLabel: string) =>
    `Anda belum terdaftar sebagai pejabat (akun ${channelLabel} ini belum ditautkan). Ketik /bantuan untuk melihat perintah yang tersedia.`,
  whoAmI: (name: string, office: string, positions: string[]) =>
    [
      `Anda: ${name}`,
      `Kantor: ${office}`,
      positions.length > 0 ? `Jabatan:\n${positions.map((p) => `• ${p}`).join("\n")}` : "Jabatan: belum ada jabatan aktif.",
    ].join("\n"),
  directoryHeader: (office: string) => `Daftar jabatan — ${office}`,
  vacant: "(kosong)",
  officeUnknown: "Maaf, kantor Anda belum terdaftar di sistem. Hubungi admin.",
  internalError: "Maaf, terjadi kesalahan pada sistem. Silakan coba lagi sebentar lagi.",
  /** The storage was locked, full or unreachable: nothing of the message was saved. */
  notRecorded: (fault: "busy" | "full" | "unreachable") =>
    `Maaf, pesan Anda belum tercatat karena penyimpanan sistem sedang ` +
    `${fault === "full" ? "penuh" : fault === "busy" ? "sibuk" : "tidak dapat dihubungi"}. Silakan kirim ` +
    `ulang pesan Anda beberapa saat lagi.`,
} as const;

export const channelLabels = { console: "konsol", telegram: "Telegram", whatsapp: "WhatsApp" } as const;

/** Formats a date as Indonesians write it, e.g. "2 Januari 2026". */
export function formatDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "long", year: "numeric", timeZone }).format(date);
}
