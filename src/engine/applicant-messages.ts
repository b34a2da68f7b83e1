// Indonesian texts the applicant reads: what happens to their application, what is asked of them,
// and what the office wrote to them. Never an internal reason: those are for the officials only.
import type { CaseRow } from "./case-ports.ts";

const ref = (k: CaseRow) => `${k.code} (${k.title})`;

export const applicantTexts = {
  request: (k: CaseRow, reason: string) =>
    `Permohonan Anda ${ref(k)} perlu dilengkapi.\nYang diminta petugas: ${reason}\nKirim berkas atau ` +
    `keterangan yang diminta di chat ini, lalu ketik KIRIM. Ketik STATUS ${k.code} untuk melihat posisi permohonan.`,
  yourStep: (k: CaseRow, whatToDo: string, result: string | null) =>
    [`Permohonan Anda ${ref(k)} sampai pada langkah untuk Anda.`, whatToDo, result ? `Hasil layanan: ${result}` : null]
      .filter(Boolean)
      .join("\n"),
  fromOfficial: (k: CaseRow, from: string, text: string) =>
    `Pesan dari petugas tentang permohonan ${ref(k)}:\n${text}\n— ${from}\nBalas di chat ini bila ada pertanyaan.`,
  requestWithdrawn: (k: CaseRow) =>
    `Permintaan kelengkapan untuk permohonan ${k.code} dibatalkan petugas. Anda tidak perlu mengirim ` +
    `apa pun lagi; permohonan Anda diproses lebih lanjut.`,
  receivedInPerson: (k: CaseRow) =>
    `Kelengkapan permohonan ${k.code} sudah diterima petugas secara langsung. Terima kasih; permohonan Anda diproses lebih lanjut.`,
  forwarded: (k: CaseRow) => `Terima kasih. Kiriman Anda untuk permohonan ${k.code} sudah diteruskan kepada petugas.`,
  nothingSent: "Belum ada yang Anda kirim. Kirim berkas atau keterangan yang diminta dulu, lalu ketik KIRIM.",
  fileKept: (k: CaseRow, name: string, count: number) =>
    `Berkas "${name}" disimpan pada permohonan ${k.code} (${count} berkas sejak diminta). Kirim yang ` +
    `lain bila ada, lalu ketik KIRIM bila sudah lengkap.`,
  noteKept: (k: CaseRow) => `Pesan Anda diteruskan kepada petugas permohonan ${k.code}. Bila kiriman sudah lengkap, ketik KIRIM.`,
  passedOn: (k: CaseRow) =>
    `Pesan Anda sudah diteruskan kepada petugas yang menangani permohonan ${k.code}. Balasan petugas akan dikirim di chat ini.`,
  filePassedOn: (k: CaseRow, name: string) =>
    `Berkas "${name}" disimpan pada permohonan ${k.code} dan diteruskan kepada petugas yang menanganinya.`,
  notWaiting: (k: CaseRow) =>
    `Permohonan ${k.code} sedang tidak menunggu kiriman dari Anda. Pesan dan berkas yang Anda kirim ` +
    `tetap kami teruskan kepada petugas. Ketik STATUS ${k.code} untuk melihat posisinya.`,
  pickCase: (cases: { code: string; title: string; waiting: boolean }[]) =>
    [
      "Anda memiliki beberapa permohonan yang sedang berjalan. Pesan ini untuk permohonan yang mana?",
      ...cases.map((c, i) => `${i + 1}. ${c.code} — ${c.title}${c.waiting ? " (menunggu kiriman Anda)" : ""}`),
      "Balas dengan angkanya. Ketik LAYANAN bila ingin mendaftar layanan lain.",
    ].join("\n"),
  pickAgain: (count: number) => `Balas dengan angka 1 sampai ${count} untuk memilih permohonannya. Pesan Anda sebelumnya tetap tersimpan.`,
  pickedClosed: (code: string) => `Permohonan ${code} sudah ditutup. Pesan Anda belum terkirim; pilih permohonan lain atau ketik LAYANAN.`,
  reminder: (k: CaseRow, what: string) =>
    `Pengingat: permohonan Anda ${ref(k)} masih menunggu dari Anda: ${what}\nKirim di chat ini, lalu ` +
    `ketik KIRIM (atau SUDAH). Ketik STATUS ${k.code} untuk melihat posisinya.`,
  result: (k: CaseRow, result: string | null, files: number) =>
    `Permohonan Anda ${ref(k)} ` +
    `selesai.${result ? `\n${result}` : ""}${files > 0 ? `\nDokumen hasil terlampir (${files}).` : ""}\nTerima ` +
    `kasih telah menggunakan layanan kami.`,
  rejected: (k: CaseRow, reason: string) =>
    `Mohon maaf, permohonan Anda ${ref(k)} tidak dapat dikabulkan.\nAlasan: ${reason}\nBila ada ` +
    `pertanyaan, balas di chat ini atau hubungi kantor pada jam kerja.`,
  cancelled: (k: CaseRow, reason: string) =>
    `Permohonan Anda ${ref(k)} dibatalkan petugas.\nAlasan: ${reason}\nKetik LAYANAN bila ingin mendaftar lagi.`,
  fileNotKeptNoCase: "Berkas ini tidak kami simpan karena belum ada layanan yang dipilih.",
} as const;
