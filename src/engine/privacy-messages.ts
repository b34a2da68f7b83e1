// The Indonesian catalog of the audit and personal-data area: the daily seal digest, erasure on
// request, answer correction. Clear, polite and short.

export const privacyMessages = {
  sealDigest: (office: string, date: string, sealId: number, code: string, chains: number | null) =>
    [
      `Segel jejak audit ${office}, ${date}.`,
      `Segel nomor ${sealId}, kode: ${code}${chains === null ? "" : ` (${chains} rantai)`}.`,
      "Simpan pesan ini. Bila jejak audit diperiksa, kode ini dicocokkan: jejak yang diubah diam-diam tidak akan cocok lagi.",
    ].join("\n"),
  /** To the person, on each of their chats, once their data was erased on request. */
  erasedNotice: (office: string) =>
    `Sesuai permintaan Anda, ${office} telah menghapus data pribadi Anda: jawaban formulir, berkas, dan pesan. ` +
    "Kode permohonan dan riwayat langkahnya tetap tercatat tanpa data pribadi. Terima kasih.",
  erasurePlan: (who: string, cases: string[], forms: number, chats: number) =>
    [
      `Data ${who}:`,
      cases.length > 0 ? `Permohonan: ${cases.join(", ")}` : "Permohonan: tidak ada",
      `Formulir belum selesai: ${forms}; akun chat: ${chats}.`,
    ].join("\n"),
  erasureRefused: (reasons: string[]) => ["Data tidak dapat dihapus sekarang:", ...reasons.map((r) => `- ${r}`)].join("\n"),
  erasureConfirm: (command: string) => `Untuk menghapus, kirim: ${command} YA\nData yang dihapus tidak dapat dikembalikan.`,
  erasureDone: (cases: number) =>
    `Data pribadi telah dihapus (${cases} permohonan). Pemilik data sudah diberi tahu melalui chat-nya. ` +
    "Peristiwa ini tercatat di jejak audit.",
  erasureNothing: "Tidak ada data pribadi dengan NIK itu yang tersimpan di Dinas ini.",
  erasureUsage:
    "Tulis NIK pemilik data, misalnya /hapusdata 5371012308900001. Bot menampilkan datanya dulu; penghapusan baru dilakukan " +
    "setelah Anda mengirim perintah yang sama dengan YA di belakangnya.",
  adminOnly: "Maaf, perintah ini hanya untuk admin Dinas.",
  erasureBusy: "Ada pertanyaan yang masih menunggu jawaban Anda. Ketik /batal dulu, lalu kirim perintah /hapusdata lagi.",
} as const;

/** /koreksi: an admin corrects a form answer on an open case. */
export const correctionTexts = {
  usage: "Tulis kode kasusnya, misalnya /koreksi 30-7QK3F untuk melihat jawabannya, lalu /koreksi 30-7QK3F 2 nilai-baru.",
  noCase: (code: string) => `Kasus ${code} tidak ditemukan di Dinas ini.`,
  notOpen: (code: string) => `Kasus ${code} sudah selesai: jawabannya tidak dapat diperbaiki lagi.`,
  noAnswers: (code: string) => `Kasus ${code} tidak memiliki jawaban formulir.`,
  list: (code: string, answers: { label: string; value: string }[]) =>
    [
      `Jawaban formulir kasus ${code}:`,
      ...answers.map((a, i) => `${i + 1}. ${a.label}: ${a.value}`),
      `Untuk memperbaiki, kirim: /koreksi ${code} NOMOR nilai-baru`,
    ].join("\n"),
  outOfRange: (n: number) => `Nomor jawaban tidak ada. Pilih nomor 1 sampai ${n}.`,
  needValue: (code: string, index: number, label: string) =>
    `Tulis nilai baru untuk "${label}", misalnya: /koreksi ${code} ${index} nilai-baru`,
  notText: (label: string) =>
    `"${label}" tidak dapat diperbaiki dengan perintah ini. Untuk berkas, minta pemohon mengirim ulang melalui pesan kepada pemohon.`,
  done: (code: string, label: string, value: string) =>
    `Jawaban "${label}" pada kasus ${code} diperbaiki menjadi: ${value}. Pemohon diberi tahu; nilai lama tidak disimpan.`,
  entry: (label: string) => `Admin memperbaiki jawaban "${label}".`,
  toApplicant: (code: string, label: string, value: string) =>
    `Data permohonan ${code} diperbaiki oleh petugas: ${label} sekarang "${value}". Bila ini keliru, balas pesan ini.`,
} as const;
