// The applicant's side of the bot: the service menu, chat forms (answers saved after every message,
// resumed hours or days later on the same chat), submitting (opens the SOP's case and gives a
// tracking code), sending what an official asked for into the same case, and plain-words status.
import { answersForCase, formFileIds, questionText, startForm, stepForm, type FormState } from "../domain/form-engine.ts";
import type { FieldInput } from "../domain/field-types.ts";
import type { Form } from "../domain/form-schema.ts";
import { resolveActor } from "../domain/actor-resolution.ts";
import { localDate, type WorkCalendar } from "../domain/working-time.ts";
import { normalizeCaseCode, type CaseEngine, type Reply } from "./case-engine.ts";
import { formatDateTime, statusWords, stepPosition } from "./case-messages.ts";
import type { CaseRow, EngineTx, FormSessionRow, OfficialRow } from "./case-ports.ts";
import type { Clock } from "./ports.ts";
import type { InboundMessage } from "./types.ts";

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
}

/** After this long without a message, a returning applicant is greeted and shown the open question again. */
const RESUME_AFTER_MS = 60 * 60_000;

function firstSentence(text: string): string {
  const cut = text.search(/\.\s/);
  const sentence = cut > 0 ? text.slice(0, cut + 1) : text;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}

export function createApplicantService(deps: ApplicantServiceDeps) {
  const { engine, clock } = deps;

  function orderedForms(): LoadedForm[] {
    return [...deps.forms()].sort((a, b) => Number(Boolean(b.form.klinik)) - Number(Boolean(a.form.klinik)) || a.form.sop - b.form.sop);
  }

  function menuText(): string {
    const forms = orderedForms();
    return [
      `Selamat datang di layanan ${engine.officeOf(deps.defaultOfficeId).name}.`,
      "Pilih layanan yang Anda butuhkan:",
      ...forms.map((f, i) => `${i + 1}. ${f.form.title}`),
      "Balas dengan angkanya. Ketik STATUS <kode> untuk melihat permohonan Anda, atau BANTUAN.",
    ].join("\n");
  }

  function formContext(now: Date) {
    const office = engine.officeOf(deps.defaultOfficeId);
    return { today: localDate(now, deps.calendar(office.id).timeZone), now: now.toISOString(), regions: office.regions.items, officeName: office.name };
  }

  async function save(tx: EngineTx, chatKey: string, row: Omit<FormSessionRow, "chatKey" | "createdAt" | "updatedAt">, createdAt?: Date): Promise<void> {
    const now = clock.now();
    await tx.saveFormSession({ chatKey, ...row, createdAt: createdAt ?? now, updatedAt: now });
  }

  /** Where a case stands, in the words an applicant uses. Only the chat that opened it may see it. */
  async function plainStatus(tx: EngineTx, kase: CaseRow): Promise<string> {
    const sop = await tx.pinnedSop(kase.flowHash);
    const office = engine.officeOf(kase.officeId);
    const tasks = await tx.tasksOfCase(kase.id);
    const open = tasks.find((t) => t.status === "open");
    const formTitle = typeof kase.data["formTitle"] === "string" ? kase.data["formTitle"] : sop.title;
    const lines = [`Permohonan ${kase.code} — ${formTitle}`, `Diajukan: ${formatDateTime(kase.createdAt, office.timeZone)}`];
    if (kase.status !== "open") {
      lines.push(`Status: ${statusWords[kase.status]}${kase.closedAt ? ` pada ${formatDateTime(kase.closedAt, office.timeZone)}` : ""}.`);
      if (kase.status === "completed" && typeof kase.data["result"] === "string") lines.push(`Hasil: ${kase.data["result"]}`);
      return lines.join("\n");
    }
    lines.push("Status: sedang diproses.");
    if (open) {
      const step = engine.stepOf(sop, open.stepId);
      const who = resolveActor(office, step.actor, sop.number);
      if (open.waitingFor === "applicant") {
        const asked = tasks.filter((t) => t.decision === "request" || t.decision === "return").at(-1)?.note;
        lines.push(`Sekarang: menunggu Anda — ${asked ? `petugas meminta: ${asked}` : firstSentence(step.action)}`, "Kirim yang diminta di chat ini, lalu ketik KIRIM.");
      } else {
        const title = who.kind === "position" ? who.position.title : "Petugas";
        lines.push(`Sekarang: ${title} — ${firstSentence(step.action)} (${stepPosition(sop, step)})`);
        if (open.dueAt) lines.push(`Perkiraan langkah ini selesai: ${formatDateTime(open.dueAt, office.timeZone)}.`);
      }
      const index = sop.steps.findIndex((s) => s.id === open.stepId);
      const next = sop.steps[index + 1];
      if (next) {
        const nextWho = resolveActor(office, next.actor, sop.number);
        lines.push(`Berikutnya: ${nextWho.kind === "position" ? nextWho.position.title : nextWho.kind === "party" && nextWho.party === "applicant" ? "Anda" : "petugas"} — ${firstSentence(next.action)}`);
      }
    }
    return lines.join("\n");
  }

  async function statusCommand(tx: EngineTx, message: InboundMessage, args: string): Promise<string | null> {
    // Applications sent from this chat (cases an official opened from here get the officials' view).
    const mine = (await tx.casesOfChat(message.channel, message.chatId, 20)).filter((k) => engine.isApplicantCase(k)).slice(0, 10);
    if (!args) {
      if (mine.length === 0) return null;
      return ["Permohonan Anda:", ...mine.map((k) => `• ${k.code} — ${k.title} (${statusWords[k.status]})`), "Ketik STATUS <kode> untuk rinciannya."].join("\n");
    }
    const code = normalizeCaseCode(args);
    const kase = mine.find((k) => k.code === code);
    return kase ? plainStatus(tx, kase) : null;
  }

  async function submit(tx: EngineTx, message: InboundMessage, session: FormSessionRow, loaded: LoadedForm, state: FormState): Promise<Reply[]> {
    const form = loaded.form;
    const answers = answersForCase(form, state);
    const value = (id: string) => {
      const a = state.answers[id];
      return a && !("skipped" in a) ? a.display : undefined;
    };
    const applicantName = value("nama") ?? value("nama_pemohon") ?? "Pemohon";
    const subject = value("nama_koperasi") ?? value("nama_usaha") ?? value("nama_calon_koperasi") ?? applicantName;
    const kase = await engine.openCaseIn(tx, {
      officeId: deps.defaultOfficeId,
      sopNumber: form.sop,
      title: `${form.title} — ${subject}`,
      opener: { channel: message.channel, chatId: message.chatId },
      data: {
        form: form.id,
        formHash: loaded.hash,
        formTitle: form.title,
        answers,
        consentAt: state.consentAt,
        result: form.result,
        applicant: { name: applicantName, phone: value("telepon") ?? null },
      },
      applicantSubmission: { label: applicantName, note: "Formulir pendaftaran dikirim melalui chat", fileIds: formFileIds(state) },
    });
    if (state.consentAt) {
      await tx.appendAudit({ at: clock.now(), caseId: kase.id, actorLabel: `Pemohon: ${applicantName}`, actingAs: "pemohon", action: "privacy-consent", note: `persetujuan pemberitahuan data pribadi pada ${state.consentAt}` });
    }
    await tx.deleteFormSession(session.chatKey);
    return [
      {
        text: [
          `Terima kasih, permohonan Anda sudah kami terima.`,
          `Kode permohonan: ${kase.code}`,
          `Simpan kode ini. Ketik STATUS ${kase.code} kapan saja untuk melihat posisi permohonan.`,
          `Petugas ${form.servedBy} akan memeriksa berkas Anda; kabar berikutnya kami kirim di chat ini.`,
        ].join("\n"),
      },
    ];
  }

  /**
   * Handles the message when it belongs to the applicant's side; returns null to let the officials'
   * commands handle it (an official with no open form).
   */
  async function route(tx: EngineTx, message: InboundMessage, official: OfficialRow | null, command: { command: string; args: string } | null, text: string): Promise<Reply[] | null> {
    const chatKey = `${message.channel}:${message.chatId}`;
    const session = await tx.formSession(chatKey);
    const now = clock.now();

    if (command) {
      switch (command.command) {
        case "layanan": {
          if (session?.kind === "form") return [{ text: "Anda sedang mengisi formulir. Ketik /batal untuk berhenti dulu, lalu pilih layanan lain." }];
          await save(tx, chatKey, { kind: "menu", formId: null, formHash: null, caseId: null, state: {} });
          return [{ text: menuText() }];
        }
        case "status": {
          const status = await statusCommand(tx, message, command.args);
          if (status) return [{ text: status }];
          if (official) return null;
          return [{ text: command.args ? `Permohonan ${normalizeCaseCode(command.args)} tidak ditemukan di antara permohonan dari chat ini. Periksa kodenya.` : "Belum ada permohonan dari chat ini. Ketik LAYANAN untuk mendaftar." }];
        }
        case "batal": {
          if (!session || session.kind === "menu") {
            if (session) await tx.deleteFormSession(chatKey);
            return official ? null : [{ text: "Tidak ada pendaftaran yang sedang berjalan. Ketik LAYANAN untuk memilih layanan." }];
          }
          if (session.kind === "form") {
            await tx.deleteFormSession(chatKey);
            return [{ text: "Pendaftaran dibatalkan dan jawaban Anda dihapus. Ketik LAYANAN bila ingin mendaftar lagi." }];
          }
          await save(tx, chatKey, { kind: "amend", formId: null, formHash: null, caseId: session.caseId, state: { ...session.state, notes: [], files: [] } }, session.createdAt);
          return [{ text: "Kiriman yang belum terkirim dihapus. Permohonan Anda tetap menunggu kelengkapan; kirim berkasnya lalu ketik KIRIM." }];
        }
        case "start":
        case "mulai":
          if (official || command.args) return null;
          await save(tx, chatKey, { kind: "menu", formId: null, formHash: null, caseId: null, state: {} });
          return [{ text: menuText() }];
        default:
          // Other commands (help, enrolment, the officials' ones) are answered by the chat service,
          // except that a form in progress keeps the applicant on their question.
          if (session?.kind === "form" && !official && !["bantuan", "help", "daftar", "saya"].includes(command.command)) {
            return [{ text: "Anda sedang mengisi formulir. Jawab pertanyaannya, atau ketik /batal untuk berhenti." }];
          }
          return null;
      }
    }

    const input: FieldInput | null = message.attachment
      ? "file" in message.attachment
        ? { kind: "file", file: message.attachment.file }
        : null
      : { kind: "text", text };
    if (message.attachment && "rejected" in message.attachment) return null; // the file refusal is answered by the caller

    if (session?.kind === "form" && session.formId) {
      const loaded = deps.forms().find((f) => f.form.id === session.formId);
      if (!loaded) {
        await tx.deleteFormSession(chatKey);
        return [{ text: `Formulir ini sudah tidak tersedia. ${menuText()}` }];
      }
      const state = session.state as unknown as FormState;
      if (now.getTime() - session.updatedAt.getTime() > RESUME_AFTER_MS && input?.kind === "text") {
        await save(tx, chatKey, { kind: "form", formId: session.formId, formHash: session.formHash, caseId: null, state: state as unknown as Record<string, unknown> }, session.createdAt);
        const where = state.phase === "asking" ? questionText(loaded.form, state, formContext(now)) : "Balas KIRIM untuk mengirim, atau UBAH <nomor> untuk mengubah satu jawaban.";
        return [{ text: `Selamat datang kembali. Anda sedang mengisi ${loaded.form.title}; jawaban Anda sebelumnya tersimpan.` }, { text: where }];
      }
      if (!input) return null;
      const step = stepForm(loaded.form, state, input, formContext(now));
      if (step.kind === "cancel") {
        await tx.deleteFormSession(chatKey);
        return step.messages.map((t) => ({ text: t }));
      }
      if (step.kind === "submit") return submit(tx, message, session, loaded, step.state);
      await save(tx, chatKey, { kind: "form", formId: session.formId, formHash: loaded.hash, caseId: null, state: step.state as unknown as Record<string, unknown> }, session.createdAt);
      return step.messages.map((t) => ({ text: t }));
    }

    if (session?.kind === "amend" && session.caseId) {
      const kase = await tx.caseById(session.caseId);
      if (!kase || kase.status !== "open") {
        await tx.deleteFormSession(chatKey);
        return official ? null : [{ text: menuText() }];
      }
      const collected = session.state as { visit?: number; notes?: string[]; files?: string[]; requested?: boolean };
      const notes = collected.notes ?? [];
      const files = collected.files ?? [];
      if (input?.kind === "text" && /^kirim$/i.test(text)) {
        if (collected.requested && notes.length === 0 && files.length === 0) return [{ text: "Belum ada yang Anda kirim. Kirim berkas atau keterangan yang diminta dulu, lalu ketik KIRIM." }];
        const name = (kase.data["applicant"] as { name?: string } | undefined)?.name ?? "pemohon";
        const note = [files.length > 0 ? `${files.length} berkas dikirim` : null, ...notes].filter(Boolean).join("; ") || "dikonfirmasi pemohon";
        const done = await engine.decideAsApplicant(tx, kase, name, note, files);
        await tx.deleteFormSession(chatKey);
        return [{ text: done ? `Terima kasih. Kiriman Anda untuk permohonan ${kase.code} sudah diteruskan kepada petugas.` : "Permohonan ini sedang tidak menunggu kiriman dari Anda. Ketik STATUS untuk melihat posisinya." }];
      }
      if (input?.kind === "file") {
        const next = { ...collected, files: [...files, input.file.id] };
        await save(tx, chatKey, { kind: "amend", formId: null, formHash: null, caseId: kase.id, state: next }, session.createdAt);
        return [{ text: `Berkas "${input.file.name}" diterima (${next.files.length} berkas). Kirim yang lain bila ada, lalu ketik KIRIM.` }];
      }
      if (input?.kind === "text" && text) {
        const next = { ...collected, notes: [...notes, text.slice(0, 1000)] };
        await save(tx, chatKey, { kind: "amend", formId: null, formHash: null, caseId: kase.id, state: next }, session.createdAt);
        return [{ text: "Keterangan dicatat. Kirim berkas bila diminta, lalu ketik KIRIM." }];
      }
      return null;
    }

    if (session?.kind === "menu" && input?.kind === "text" && /^\d{1,2}$/.test(text)) {
      const chosen = orderedForms()[Number(text) - 1];
      if (!chosen) return [{ text: `Pilihan tidak tersedia. Balas dengan angka 1 sampai ${orderedForms().length}.` }];
      const start = startForm(chosen.form, formContext(now));
      if (start.kind !== "continue") return [];
      await save(tx, chatKey, { kind: "form", formId: chosen.form.id, formHash: chosen.hash, caseId: null, state: start.state as unknown as Record<string, unknown> });
      return start.messages.map((t) => ({ text: t }));
    }

    if (official) return null;
    // A person the bot does not know yet: greet and show the services.
    await save(tx, chatKey, { kind: "menu", formId: null, formHash: null, caseId: null, state: {} });
    if (input?.kind === "file") return [{ text: `Berkas belum dapat kami terima karena belum ada layanan yang dipilih.\n\n${menuText()}` }];
    return [{ text: menuText() }];
  }

  return { route, plainStatus, menuText };
}

export type ApplicantService = ReturnType<typeof createApplicantService>;
