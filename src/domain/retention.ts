// How long an office keeps applicants' personal data: while the case is open, then a number of
// years after it closed (flows/offices/<office>.yaml, `dataRetention`). The privacy notice states
// the same number, so what applicants are told and what the purge does cannot drift apart.

/** The notice's promise when an office says nothing: 5 years after the case closed. */
export const defaultRetentionYears = 5;

export interface RetentionSetting {
  yearsAfterClose: number;
}

export function retentionYears(office: { dataRetention?: RetentionSetting | undefined }): number {
  return office.dataRetention?.yearsAfterClose ?? defaultRetentionYears;
}

/** "selama permohonan diproses dan 5 tahun sesudahnya …", as the privacy notice says it. */
export function retentionText(years: number): string {
  return `selama permohonan diproses dan ${years} tahun sesudahnya sebagai arsip layanan, sesuai jadwal retensi arsip Dinas`;
}

/** The moment before which a closed case's personal data is past retention. */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}
