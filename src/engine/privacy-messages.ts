// The Indonesian catalog of the audit and personal-data area: the daily seal digest, erasure on
// request, answer correction. Clear, polite and short.

export const privacyMessages = {
  sealDigest: (office: string, date: string, sealId: number, code: string, chains: number | null) =>
    [
      `Segel jejak audit ${office}, ${date}.`,
      `Segel nomor ${sealId}, kode: ${code}${chains === null ? "" : ` (${chains} rantai)`}.`,
      "Simpan pesan ini. Bila jejak audit diperiksa, kode ini dicocokkan: jejak yang diubah diam-diam tidak akan cocok lagi.",
    ].join("\n"),
} as const;
