// The Indonesian catalog of the directory over time: transfers (mutasi/rotasi), leaving (pensiun,
// pindah tugas), and what the people concerned are told. Clear, polite and short.

export const directoryTexts = {
  movedAway: (to: string, reason: string) => `➜ Dialihkan kepada ${to} (${reason})`,
  usage:
    "Perintah pejabat untuk admin:\n" +
    "/pejabat — daftar jabatan dan pejabat\n" +
    "/pejabat pindah NAMA ke JABATAN [mulai TANGGAL] — mutasi/rotasi (tanpa tanggal: hari ini)\n" +
    "/pejabat keluar NAMA alasan [mulai TANGGAL] — pensiun atau pindah tugas keluar Dinas (hari ini atau tanggal yang lalu)\n" +
    "/pejabat riwayat NAMA — riwayat jabatan\n" +
    "Perubahan dilaksanakan setelah Anda mengirim perintah yang sama dengan YA di akhir.",
  adminOnly: "Maaf, perubahan data pejabat hanya untuk admin Dinas.",
  unknownPosition: (query: string, known: string) => `Jabatan "${query}" tidak dikenal. Jabatan yang ada: ${known}.`,
  ambiguousPosition: (query: string, found: string) => `"${query}" cocok dengan beberapa jabatan: ${found}. Tulis lebih lengkap.`,
  alreadyHolds: (name: string, title: string) => `${name} sudah menjabat ${title}.`,
  needReason: "Tulis alasannya, misalnya: /pejabat keluar Yohanes Seran pensiun",
  inactive: (name: string) => `${name} sudah tidak aktif di Dinas ini.`,
  lastAdmin: (name: string) =>
    `${name} adalah satu-satunya admin Dinas ini. Tetapkan admin lain dulu (npm run officials -- add … --admin), lalu ulangi.`,
  movePlan: (name: string, from: string, to: string, tasks: number, command: string, when: { label: string; ahead: boolean }) =>
    [
      `${name}: ${from} → ${to}, mulai ${when.label}.`,
      tasks > 0
        ? `${tasks} tugas terbuka ${name} dialihkan kepada pemegang jabatan lamanya (atau atasannya bila kosong)` +
          (when.ahead ? ` pada ${when.label}.` : ".")
        : `${name} tidak memiliki tugas terbuka.`,
      `Untuk melaksanakan, kirim: ${command} YA`,
    ].join("\n"),
  leavePlan: (name: string, positions: string, tasks: number, command: string, when: string) =>
    [
      `${name} keluar dari Dinas (${positions}), mulai ${when}: akun chat dilepas, hak admin berakhir, riwayatnya tetap tersimpan.`,
      tasks > 0 ? `${tasks} tugas terbuka dialihkan kepada pemegang jabatan lain atau atasannya.` : "Tidak ada tugas terbuka.",
      `Untuk melaksanakan, kirim: ${command} YA`,
    ].join("\n"),
  moved: (name: string, to: string, moved: number) => `${name} sekarang menjabat ${to}. ${moved} tugas dialihkan.`,
  movedAhead: (name: string, to: string, when: string) =>
    `${name} akan menjabat ${to} mulai ${when}. Tugas jabatan lamanya dialihkan pada hari itu.`,
  leaveAhead: (name: string, when: string) =>
    `${name} masih bertugas sampai ${when}. Catat keluarnya pada hari itu (tanggal keluar tidak boleh di masa depan).`,
  badDate: (text: string) => `Tanggal "${text}" tidak dapat dibaca. Tulis seperti 1 Desember 2026 atau 01-12-2026.`,
  left: (name: string, moved: number, chats: number) =>
    `${name} telah keluar dari Dinas. ${moved} tugas dialihkan; ${chats} akun chat dilepas.`,
  toMoved: (office: string, from: string, to: string) =>
    `Data jabatan Anda di ${office} diperbarui: ${from} → ${to}. Tugas jabatan lama Anda dialihkan kepada penggantinya.`,
  toMovedAhead: (office: string, from: string, to: string, when: string) =>
    `Data jabatan Anda di ${office} akan berubah mulai ${when}: ${from} → ${to}. ` +
    "Tugas jabatan lama Anda dialihkan kepada penggantinya pada hari itu.",
  toLeaving: (office: string) =>
    `Terima kasih atas pengabdian Anda di ${office}. Akun chat Anda tidak lagi terhubung sebagai pejabat; ` +
    "tugas Anda yang masih terbuka dialihkan kepada rekan atau atasan Anda.",
  history: (name: string, lines: string[]) => [`Riwayat jabatan ${name}:`, ...(lines.length > 0 ? lines : ["(belum ada)"])].join("\n"),
} as const;
