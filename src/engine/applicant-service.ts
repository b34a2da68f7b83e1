// The applicant's side of the bot: the service menu, chat forms (answers saved after every message,
// resumed hours or days later on the same chat), submitting (opens the SOP's case and gives a
// tracking code), everything they send afterwards (into their open case, never lost), and STATUS.
import { answersForCase, formFileIds, questionText, startForm, stepForm, type FormState } from "../domain/form-engine.ts";
import type { FieldInput } from "../domain/field-types.ts";
import type { Form } from "../domain/form-schema.ts";
import { localDate, type WorkCalendar } from "../domain/working-time.ts";
import { applicantTexts } from "./applicant-messages.ts";
import { plainStatus } from "./applicant-status.ts";
import { findCaseCodes, normalizeCaseCode, type CaseEngine, type Reply } from "./case-engine.ts";
import type { ApplicantInput } from "./case/conversation.ts";
import { statusWords } from "./case-messages.ts";
import { applicantActor, type CaseRow, type EngineTx, type FormSessionRow, type OfficialRow } from "./case-ports.ts";
import { applicantNameOf, applicationTitle } from "./case-rows.ts";
import { retentionYears } from "../domain/retention.ts";
import type { Clock } from "./ports.ts";
import type { InboundMessage } from "./types.ts";
import { createOfficeChoices, menuFor } from "./applicant-offices.ts";

export interface LoadedForm {
  form: Form;
  hash: string;
}

export interface ApplicantServiceDeps {
  engine: CaseEngine;
  clock: Clock;
  forms(): LoadedForm[];
  calendar(officeId: string): WorkCalendar;
  defaultOfficeId: string;
  /** The offices applicants of this deployment may write to (the default one first); several: they choose. */
  officeIds?: string[];
}

/** After this long without a message, a returning applicant is greeted and shown the open question again. */
const RESUME_AFTER_MS = 60 * 60_000;

type Session = Omit<FormSessionRow, "chatKey" | "createdAt" | "updatedAt">;

export function createApplicantService(deps: ApplicantServiceDeps) {
  const { engine, clock } = deps;

  const choices = createOfficeChoices({
    officeIds: deps.officeIds ?? [deps.defaultOfficeId],
    officeOf: engine.officeOf,
    forms: deps.forms,
  });
  const { orderedForms } = choices.shared;

  function formContext(now: Date, officeId: string) {
    const office = engine.officeOf(officeId);
    return {
      today: localDate(now, deps.calendar(office.id).timeZone),
      now: now.toISOString(),
      regions: office.regions.items,
      officeName: office.name,
      retentionYears: retentionYears(office),
    };
  }

  /** The session's office; else, where several share the bot, the office of this chat's latest application. */
  async function officeFor(tx: EngineTx, message: InboundMessage, session: FormSessionRow | null): Promise<string | null> {
    const offices = choices.of(message);
    const chosen = offices.officeOf(session);
    if (chosen || !offices.several) return chosen;
    const latest = (await tx.casesOfChat(message.channel, message.chatId, 1))[0];
    return latest && (deps.officeIds ?? []).includes(latest.officeId) ? latest.officeId : null;
  }

  async function save(tx: EngineTx, chatKey: string, row: Session, createdAt?: Date): Promise<void> {
    const now = clock.now();
    await tx.saveFormSession({ chatKey, ...row, createdAt: createdAt ?? now, updatedAt: now });
  }

  /** Open cases this chat applied for, newest first. */
  async function openCases(tx: EngineTx, message: InboundMessage): Promise<CaseRow[]> {
    return (await tx.casesOfChat(message.channel, message.chatId, 50)).filter((k) => k.status === "open" && engine.isApplicantCase(k));
  }

  async function statusCommand(tx: EngineTx, message: InboundMessage, args: string): Promise<string | null> {
    // Applications sent from this chat (cases an official opened from here get the officials' view).
    const mine = (await tx.casesOfChat(message.channel, message.chatId, 20)).filter((k) => engine.isApplicantCase(k)).slice(0, 10);
    if (!args) {
      if (mine.length === 0) return null;
      return [
        "Permohonan Anda:",
        ...mine.map((k) => `• ${k.code} — ${k.title} (${statusWords[k.status]})`),
        "Ketik STATUS <kode> untuk rinciannya.",
      ].join("\n");
    }
    const code = normalizeCaseCode(args);
    const kase = mine.find((k) => k.code === code);
    return kase ? plainStatus(tx, engine, kase) : null;
  }

  async function submit(
    tx: EngineTx,
    message: InboundMessage,
    session: FormSessionRow,
    loaded: LoadedForm,
    state: FormState,
  ): Promise<Reply[]> {
    const form = loaded.form;
    const value = (id: string) => {
      const a = state.answers[id];
      return a && !("skipped" in a) ? a.display : undefined;
    };
    const applicantName = applicantNameOf(value);
    const kase = await engine.openCaseIn(tx, {
      officeId: choices.of(message).officeOf(session) ?? deps.defaultOfficeId,
      sopNumber: form.sop,
      title: applicationTitle(form.title, value),
      opener: { channel: message.channel, chatId: message.chatId },
      data: {
        form: form.id,
        formHash: loaded.hash,
        formTitle: form.title,
        answers: answersForCase(form, state),
        consentAt: state.consentAt,
        result: form.result,
        applicant: { name: applicantName, phone: value("telepon") ?? null },
      },
      applicantSubmission: { label: applicantName, note: "Formulir pendaftaran dikirim melalui chat", fileIds: formFileIds(state) },
    });
    if (state.consentAt) {
      await tx.appendAudit({
        at: clock.now(),
        caseId: kase.id,
        actorLabel: applicantActor,
        actingAs: "pemohon",
        action: "privacy-consent",
        note: `persetujuan pemberitahuan data pribadi pada ${state.consentAt}`,
      });
    }
    await tx.deleteFormSession(session.chatKey);
    return [
      {
        text: [
          "Terima kasih, permohonan Anda sudah kami terima.",
          `Kode permohonan: ${kase.code}`,
          `Simpan kode ini. Ketik STATUS ${kase.code} kapan saja untuk melihat posisi permohonan.`,
          `Petugas ${form.servedBy} akan memeriksa berkas Anda; kabar berikutnya kami kirim di chat ini. ` +
            `Pertanyaan atau berkas tambahan untuk permohonan ini cukup dikirim di chat ini.`,
        ].join("\n"),
      },
    ];
  }

  /** One message while a form is open: the form's next step; files it did not take are not kept. */
  async function formStep(tx: EngineTx, message: InboundMessage, session: FormSessionRow, input: FieldInput): Promise<Reply[]> {
    const chatKey = session.chatKey;
    const offices = choices.of(message);
    const officeId = offices.officeOf(session) ?? deps.defaultOfficeId;
    const loaded = deps.forms().find((f) => f.form.id === session.formId);
    if (!loaded) {
      await save(tx, chatKey, menuFor(officeId));
      return [{ text: `Formulir ini sudah tidak tersedia. ${offices.menuText(officeId)}` }];
    }
    const now = clock.now();
    const state = session.state as unknown as FormState;
    if (now.getTime() - session.updatedAt.getTime() > RESUME_AFTER_MS && input.kind === "text") {
      await save(tx, chatKey, { ...session, state: state as unknown as Record<string, unknown> }, session.createdAt);
      const where =
        state.phase === "asking"
          ? questionText(loaded.form, state, formContext(now, officeId))
          : "Balas KIRIM untuk mengirim, atau UBAH <nomor> untuk mengubah satu jawaban.";
      return [
        { text: `Selamat datang kembali. Anda sedang mengisi ${loaded.form.title}; jawaban Anda sebelumnya tersimpan.` },
        { text: where },
      ];
    }
    const step = stepForm(loaded.form, state, input, formContext(now, officeId));
    const kept = step.kind === "cancel" ? [] : [...formFileIds(step.state), ...(step.state.pendingFiles ?? []).map((f) => f.id)];
    const discard = input.kind === "file" && !kept.includes(input.file.id) ? { discardFileIds: [input.file.id] } : {};
    if (step.kind === "cancel") {
      // A refusal of the notice ends the form; the menu stays open, so a number chooses a service.
      await save(tx, chatKey, menuFor(officeId));
      return step.messages.map((t, i) => ({ text: t, ...(i === 0 ? discard : {}) }));
    }
    if (step.kind === "submit") return submit(tx, message, session, loaded, step.state);
    await save(
      tx,
      chatKey,
      {
        kind: "form",
        formId: session.formId,
        formHash: loaded.hash,
        caseId: null,
        state: step.state as unknown as Record<string, unknown>,
      },
      session.createdAt,
    );
    return step.messages.map((t, i) => ({ text: t, ...(i === 0 ? discard : {}) }));
  }

  /** Which of several open cases a message is for: asks, keeping the message until the answer. */
  async function pickCase(
    tx: EngineTx,
    chatKey: string,
    cases: CaseRow[],
    pending: ApplicantInput[],
    session?: FormSessionRow,
  ): Promise<Reply[]> {
    const ids = cases.map((k) => k.id);
    await save(
      tx,
      chatKey,
      { kind: "pick-case", formId: null, formHash: null, caseId: null, state: { caseIds: ids, pending } },
      session?.createdAt,
    );
    const listed = await Promise.all(
      cases.map(async (k) => {
        const open = (await tx.tasksOfCase(k.id)).find((t) => t.status === "open") ?? null;
        return { code: k.code, title: k.title, waiting: engine.waitsForApplicant(open) };
      }),
    );
    return [{ text: applicantTexts.pickCase(listed) }];
  }

  async function deliver(tx: EngineTx, kase: CaseRow, inputs: ApplicantInput[]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const input of inputs) replies.push(...(await engine.fromApplicant(tx, kase, input)));
    return replies;
  }

  /** A message after submission: into the open case it belongs to; the menu only when there is none. */
  async function toOpenCase(
    tx: EngineTx,
    message: InboundMessage,
    session: FormSessionRow | null,
    input: ApplicantInput,
    text: string,
  ): Promise<Reply[] | null> {
    const chatKey = `${message.channel}:${message.chatId}`;
    const cases = await openCases(tx, message);
    if (session?.kind === "pick-case") {
      const state = session.state as { caseIds?: string[]; pending?: ApplicantInput[] };
      const listed = (state.caseIds ?? []).map((id) => cases.find((k) => k.id === id)).filter((k): k is CaseRow => k !== undefined);
      const pending = state.pending ?? [];
      const chosen = input.kind === "text" && /^\d{1,2}$/.test(text) ? listed[Number(text) - 1] : undefined;
      if (chosen) {
        await tx.deleteFormSession(chatKey);
        return deliver(tx, chosen, pending);
      }
      if (input.kind === "text" && /^\d{1,2}$/.test(text)) return [{ text: applicantTexts.pickAgain(listed.length) }];
      if (listed.length === 0) await tx.deleteFormSession(chatKey);
      else return pickCase(tx, chatKey, listed, [...pending, input], session);
    }
    if (cases.length === 0) return null;
    const named =
      input.kind === "text"
        ? findCaseCodes(text)
            .map((code) => cases.find((k) => k.code === code))
            .find((k) => k !== undefined)
        : undefined;
    const target = named ?? (cases.length === 1 ? cases[0] : undefined);
    if (session?.kind === "menu") await tx.deleteFormSession(chatKey);
    if (target) return deliver(tx, target, [input]);
    return pickCase(tx, chatKey, cases, [input]);
  }

  /**
   * Handles the message when it belongs to the applicant's side; returns null to let the officials'
   * commands handle it (an official with no open form).
   */
  async function route(
    tx: EngineTx,
    message: InboundMessage,
    official: OfficialRow | null,
    command: { command: string; args: string } | null,
    text: string,
  ): Promise<Reply[] | null> {
    const chatKey = `${message.channel}:${message.chatId}`;
    const offices = choices.of(message);
    let session = await tx.formSession(chatKey);
    if (session?.kind === "amend") {
      await tx.deleteFormSession(chatKey);
      session = null;
    }

    if (command) {
      switch (command.command) {
        case "layanan": {
          if (session?.kind === "form")
            return [{ text: "Anda sedang mengisi formulir. Ketik /batal untuk berhenti dulu, lalu pilih layanan lain." }];
          const officeId = await officeFor(tx, message, session);
          await save(tx, chatKey, menuFor(officeId));
          return [{ text: offices.menuText(officeId) }];
        }
        case "kantor": {
          if (!offices.several || official) return null;
          if (session?.kind === "form")
            return [{ text: "Anda sedang mengisi formulir. Ketik /batal untuk berhenti dulu, lalu pilih kantor lain." }];
          await save(tx, chatKey, menuFor(null));
          return [{ text: offices.choiceText() }];
        }
        case "status": {
          const status = await statusCommand(tx, message, command.args);
          if (status) return [{ text: status }];
          if (official) return null;
          return [
            {
              text: command.args
                ? `Permohonan ${normalizeCaseCode(command.args)} tidak ditemukan di antara permohonan dari chat ini. Periksa kodenya.`
                : "Belum ada permohonan dari chat ini. Ketik LAYANAN untuk mendaftar.",
            },
          ];
        }
        case "batal": {
          if (session?.kind === "form") {
            await save(tx, chatKey, menuFor(offices.officeOf(session)));
            return [
              {
                text:
                  "Pendaftaran dibatalkan dan jawaban Anda dihapus. Ketik angka layanan bila ingin mendaftar lagi, " +
                  "atau LAYANAN untuk melihat daftarnya.",
              },
            ];
          }
          if (session?.kind === "pick-case") {
            await tx.deleteFormSession(chatKey);
            return [{ text: "Pesan yang belum terkirim dihapus. Permohonan Anda tidak berubah." }];
          }
          if (session) await tx.deleteFormSession(chatKey);
          return official ? null : [{ text: "Tidak ada pendaftaran yang sedang berjalan. Ketik LAYANAN untuk memilih layanan." }];
        }
        case "start":
        case "mulai":
          if (official || command.args) return null;
          const officeId = await officeFor(tx, message, session);
          await save(tx, chatKey, menuFor(officeId));
          return [{ text: offices.menuText(officeId) }];
        default:
          // Other commands (help, enrolment, the officials' ones) are answered by the chat service,
          // except that a form in progress keeps the applicant on their question.
          if (session?.kind === "form" && !official && !["bantuan", "help", "daftar", "saya"].includes(command.command)) {
            return [{ text: "Anda sedang mengisi formulir. Jawab pertanyaannya, atau ketik /batal untuk berhenti." }];
          }
          return null;
      }
    }

    if (message.attachment && "rejected" in message.attachment) return null; // the file refusal is answered by the caller
    const file = message.attachment && "file" in message.attachment ? message.attachment.file : null;
    const input: FieldInput = file ? { kind: "file", file } : { kind: "text", text };

    if (session?.kind === "form" && session.formId) return formStep(tx, message, session, input);

    if (session?.kind === "menu" && !file && /^\d{1,2}$/.test(text)) {
      const officeId = offices.officeOf(session);
      if (!officeId) {
        // Several offices share this bot: the number chooses the office first.
        const picked = offices.pick(text);
        if (!picked) return [{ text: offices.choiceText() }];
        await save(tx, chatKey, menuFor(picked));
        return [{ text: offices.menuText(picked) }];
      }
      const chosen = orderedForms()[Number(text) - 1];
      if (!chosen) return [{ text: `Pilihan tidak tersedia. Balas dengan angka 1 sampai ${orderedForms().length}.` }];
      const start = startForm(chosen.form, formContext(clock.now(), officeId));
      if (start.kind !== "continue") return [];
      await save(tx, chatKey, {
        kind: "form",
        formId: chosen.form.id,
        formHash: chosen.hash,
        caseId: null,
        state: { ...(start.state as unknown as Record<string, unknown>), officeId },
      });
      return start.messages.map((t) => ({ text: t }));
    }

    if (official) return null;
    const applicantInput: ApplicantInput = file
      ? { kind: "file", file, ...(message.text?.trim() ? { caption: message.text.trim() } : {}) }
      : { kind: "text", text };
    if (file || text) {
      const delivered = await toOpenCase(tx, message, session, applicantInput, text);
      if (delivered) return delivered;
    }
    // Nobody's case to pass it to: greet and show the services.
    const officeId = await officeFor(tx, message, session);
    await save(tx, chatKey, menuFor(officeId));
    if (file) return [{ text: `${applicantTexts.fileNotKeptNoCase}\n\n${offices.menuText(officeId)}`, discardFileIds: [file.id] }];
    return [{ text: offices.menuText(officeId) }];
  }

  return {
    route,
    menuText: (officeId: string | null = deps.defaultOfficeId) => choices.shared.menuText(officeId),
    plainStatus: (tx: EngineTx, kase: CaseRow) => plainStatus(tx, engine, kase),
  };
}

export type ApplicantService = ReturnType<typeof createApplicantService>;
