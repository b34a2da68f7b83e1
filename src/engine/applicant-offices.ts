// Which office an applicant writes to. A deployment serves one office or several (OFFICES); where
// several share one bot, the applicant chooses their office (the province's or their kabupaten/kota's)
// before the services, and the choice travels with their menu and form until they change it (KANTOR).
// A message to an office's own bot (InboundMessage.office) is for that office: no choice is offered.
import type { Office } from "../domain/office-schema.ts";
import type { LoadedForm } from "./applicant-service.ts";
import type { FormSessionRow } from "./case-rows.ts";

/** The service menu, for the office chosen (kept across menus and forms until the applicant changes it). */
export const menuFor = (officeId: string | null): Omit<FormSessionRow, "chatKey" | "createdAt" | "updatedAt"> => ({
  kind: "menu",
  formId: null,
  formHash: null,
  caseId: null,
  state: officeId ? { officeId } : {},
});

export function createOfficeChoice(deps: { officeIds: string[]; officeOf(id: string): Office; forms(): LoadedForm[] }) {
  const several = deps.officeIds.length > 1;

  function orderedForms(): LoadedForm[] {
    return [...deps.forms()].sort((a, b) => Number(Boolean(b.form.klinik)) - Number(Boolean(a.form.klinik)) || a.form.sop - b.form.sop);
  }

  return {
    several,
    orderedForms,
    /** The office a session is for: the one chosen, or the only one served; null while a choice is due. */
    officeOf(session: Pick<FormSessionRow, "state"> | null): string | null {
      const chosen = session?.state["officeId"];
      if (typeof chosen === "string" && deps.officeIds.includes(chosen)) return chosen;
      return several ? null : (deps.officeIds[0] ?? null);
    },
    /** The office a numbered reply picks, or null. */
    pick(text: string): string | null {
      return /^\d{1,2}$/.test(text) ? (deps.officeIds[Number(text) - 1] ?? null) : null;
    },
    choiceText(): string {
      return [
        "Selamat datang. Pilih kantor Dinas yang Anda tuju:",
        ...deps.officeIds.map((id, i) => `${i + 1}. ${deps.officeOf(id).name}`),
        "Balas dengan angkanya.",
      ].join("\n");
    },
    /** The services of an office, or the office choice while none is chosen. */
    menuText(officeId: string | null): string {
      if (!officeId) return this.choiceText();
      return [
        `Selamat datang di layanan ${deps.officeOf(officeId).name}.`,
        "Pilih layanan yang Anda butuhkan:",
        ...orderedForms().map((f, i) => `${i + 1}. ${f.form.title}`),
        "Balas dengan angkanya. Ketik STATUS <kode> untuk melihat permohonan Anda, atau BANTUAN." +
          (several ? " Ketik KANTOR untuk memilih kantor lain." : ""),
      ].join("\n");
    },
  };
}

export type OfficeChoice = ReturnType<typeof createOfficeChoice>;

/** The choice among the offices served, and the fixed office of each office's own bot. */
export function createOfficeChoices(deps: { officeIds: string[]; officeOf(id: string): Office; forms(): LoadedForm[] }) {
  const shared = createOfficeChoice(deps);
  const own = new Map(deps.officeIds.map((id) => [id, createOfficeChoice({ ...deps, officeIds: [id] })]));
  return {
    shared,
    /** The office choice for a message: its bot's office when it came to an office's own bot. */
    of: (message: { office?: string }): OfficeChoice => (message.office ? own.get(message.office) : undefined) ?? shared,
  };
}
