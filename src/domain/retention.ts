// How long an office keeps applicants' personal data: while the case is open, then a number of
// years after it closed (flows/offices/<office>.yaml, `dataRetention`). The privacy notice states
// the same number, so what applicants are told and what the purge does cannot drift apart.

/** The notice's promise when an office says nothing: 5 years after the case closed. */
export const defaultRetentionYears = 5;

export interface RetentionSetting {
  yearsAfterClose: number;
  /** Completed cases of these SOPs are the office's records (issued licences, certificates): kept until retention ends. */
  archive?: { sops: number[]; reason: string }[] | undefined;
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

/** The case's last day of retention (the purge removes its personal data after it). */
export function retentionEnd(closedAt: Date, years: number): Date {
  const end = new Date(closedAt);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

/**
 * Why a case's personal data may not be erased on request now (null: it may): an open case is still
 * being served; a completed case of an archived SOP is a record the office must keep until retention ends.
 */
export function erasureRefusal(
  office: { dataRetention?: RetentionSetting | undefined },
  kase: { sopNumber: number; status: string },
): { kind: "open" } | { kind: "archive"; reason: string } | null {
  if (kase.status === "open") return { kind: "open" };
  if (kase.status !== "completed") return null;
  const rule = office.dataRetention?.archive?.find((a) => a.sops.includes(kase.sopNumber));
  return rule ? { kind: "archive", reason: rule.reason } : null;
}
