// The conversation of one chat form: the personal-data notice, one question at a time with its
// progress, going back, a summary, changing one answer, and confirming. Pure: the state goes in,
// the next state and the texts to send come out. The caller stores the state after every step, so
// nothing answered is lost on bad input or a restart.
import { acceptsFile, fileHint, formatDateId, readAnswer, type FieldAnswer, type FieldContext, type FieldInput } from "./field-types.ts";
import type { Form, FormField } from "./form-schema.ts";
import { retentionText } from "./retention.ts";

export interface FormState {
  formId: string;
  phase: "notice" | "asking" | "summary";
  /** The field being asked. */
  index: number;
  answers: Record<string, FieldAnswer>;
  /** When the applicant agreed to the personal-data notice (ISO), or null. */
  consentAt: string | null;
  /** Set while one answer is changed from the summary: go back to the summary after it. */
  editing: boolean;
  /** Files sent so far for the file question being asked (one that takes several, ended by SELESAI). */
  pendingFiles?: { id: string; name: string }[];
}

export type FormStep =
  | { kind: "continue"; state: FormState; messages: string[] }
  | { kind: "submit"; state: FormState; messages: string[] }
  | { kind: "cancel"; messages: string[] };

export interface FormContext extends FieldContext {
  /** Now, ISO, for the consent record. */
  now: string;
  officeName: string;
  /** Years the office keeps the data after the case closed (its `dataRetention`). */
  retentionYears: number;
}

export function initialFormState(form: Form): FormState {
  return { formId: form.id, phase: "asking", index: 0, answers: {}, consentAt: null, editing: false };
}

function firstPersonalIndex(form: Form): number {
  return form.fields.findIndex((f) => f.personal);
}

export function privacyNotice(form: Form, officeName: string, retentionYears: number): string {
  // "Nama lengkap" → "nama lengkap", but "NIK" and "KTP" keep their capitals.
  const personal = form.fields
    .filter((f) => f.personal)
    .map((f) => f.label.replace(/\s*\(.*\)$/, "").replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase()));
  return [
    "Pemberitahuan data pribadi",
    `Untuk ${form.title}, ${officeName} akan meminta data pribadi Anda: ${personal.join(", ")}.`,
    `Data dipakai hanya untuk memproses layanan ini oleh ${form.servedBy}, tidak dibagikan kepada pihak ` +
      `lain kecuali diwajibkan peraturan, dan disimpan ${retentionText(retentionYears)}.`,
    "Anda dapat meminta data Anda diperbaiki atau dihapus sepanjang diizinkan peraturan (UU 27/2022 tentang Pelindungan Data Pribadi).",
    "Balas SETUJU untuk melanjutkan, atau TIDAK untuk berhenti.",
  ].join("\n");
}

function hintFor(field: FormField, ctx: FieldContext): string[] {
  const lines: string[] = [];
  switch (field.type) {
    case "nik":
      lines.push("(16 angka, misalnya 5371012308900001)");
      break;
    case "phone":
      lines.push("(misalnya 0812 3456 7890)");
      break;
    case "email":
      lines.push("(misalnya nama@contoh.com)");
      break;
    case "date":
      lines.push("(misalnya 25-12-2026)");
      break;
    case "choice":
      lines.push(...field.options.map((o, i) => `${i + 1}. ${o}`), "Balas dengan angkanya.");
      break;
    case "region":
      lines.push(...ctx.regions.map((r, i) => `${i + 1}. ${r.name}`), "Balas dengan angkanya atau nama wilayahnya.");
      break;
    case "file":
      lines.push(fileHint(field));
      break;
    default:
      break;
  }
  if (field.hint) lines.unshift(`(${field.hint})`);
  if (field.optional) lines.push("Boleh dilewati: ketik -");
  return lines;
}

export function questionText(form: Form, state: FormState, ctx: FieldContext): string {
  const field = form.fields[state.index] as FormField;
  const header = `Pertanyaan ${state.index + 1} dari ${form.fields.length} — ${form.title}`;
  const footer =
    state.index > 0 ? "Ketik KEMBALI untuk mengubah jawaban sebelumnya, atau /batal untuk berhenti." : "Ketik /batal untuk berhenti.";
  return [header, field.label, ...hintFor(field, ctx), footer].join("\n");
}

export function summaryText(form: Form, state: FormState): string {
  const lines = form.fields.map((f, i) => {
    const a = state.answers[f.id];
    const shown = !a ? "(belum diisi)" : "skipped" in a ? "(dilewati)" : a.display;
    return `${i + 1}. ${f.label}: ${shown}`;
  });
  return [
    `Ringkasan permohonan — ${form.title}`,
    ...lines,
    "",
    "Balas KIRIM untuk mengirim, atau UBAH <nomor> untuk mengubah satu jawaban (misalnya UBAH 3).",
  ].join("\n");
}

/** Opens the form: the notice first when the first question is already personal data. */
export function startForm(form: Form, ctx: FormContext): FormStep {
  const state = initialFormState(form);
  const intro =
    `${form.title}\n${form.summary}\nAda ${form.fields.length} pertanyaan. Jawaban Anda tersimpan; Anda ` +
    `dapat berhenti dan melanjutkan nanti di chat ini.`;
  if (firstPersonalIndex(form) === 0)
    return {
      kind: "continue",
      state: { ...state, phase: "notice" },
      messages: [intro, privacyNotice(form, ctx.officeName, ctx.retentionYears)],
    };
  return { kind: "continue", state, messages: [intro, questionText(form, state, ctx)] };
}

/** The next question (or the notice, or the summary) after `index` was answered. */
function advance(form: Form, state: FormState, ctx: FormContext, messages: string[]): FormStep {
  if (state.editing) {
    const next = { ...state, phase: "summary" as const, editing: false };
    return { kind: "continue", state: next, messages: [...messages, summaryText(form, next)] };
  }
  const index = state.index + 1;
  if (index >= form.fields.length) {
    const next = { ...state, phase: "summary" as const, index: form.fields.length - 1 };
    return { kind: "continue", state: next, messages: [...messages, summaryText(form, next)] };
  }
  const next = { ...state, index };
  if (form.fields[index]?.personal && !state.consentAt) {
    return {
      kind: "continue",
      state: { ...next, phase: "notice" },
      messages: [...messages, privacyNotice(form, ctx.officeName, ctx.retentionYears)],
    };
  }
  return { kind: "continue", state: next, messages: [...messages, questionText(form, next, ctx)] };
}

const consentWords = new Set(["setuju", "saya setuju", "ya setuju", "ya, setuju"]);

/** A file for a question that takes several: kept until SELESAI, or until the last one allowed. */
function collectFile(
  form: Form,
  state: FormState,
  field: Extract<FormField, { type: "file" }>,
  input: FieldInput,
  ctx: FormContext,
): FormStep {
  const pending = state.pendingFiles ?? [];
  const max = field.max ?? 1;
  const min = field.min ?? 1;
  const word = input.kind === "text" ? input.text.trim().toLowerCase() : "";
  if (input.kind === "text") {
    if (word === "selesai" || word === "sudah") {
      if (pending.length < min)
        return {
          kind: "continue",
          state,
          messages: [`Pertanyaan ini perlu paling sedikit ${min} berkas; baru ${pending.length} yang diterima. Kirim berkas berikutnya.`],
        };
      return commitFiles(form, state, field, pending, ctx, []);
    }
    if (field.optional && pending.length === 0 && ["-", "lewati", "skip"].includes(word)) {
      return advance(form, { ...state, answers: { ...state.answers, [field.id]: { skipped: true } }, pendingFiles: [] }, ctx, [
        "Dilewati.",
      ]);
    }
    return {
      kind: "continue",
      state,
      messages: [
        pending.length > 0
          ? `Kirim berkas berikutnya, atau ketik SELESAI bila sudah (${pending.length} berkas diterima).`
          : `Untuk pertanyaan ini kirim berkasnya. ${fileHint(field)}`,
      ],
    };
  }
  const check = acceptsFile(field, input.file.mime);
  if (!check.ok) return { kind: "continue", state, messages: [check.error] };
  const next = [...pending, { id: input.file.id, name: input.file.name }];
  if (next.length >= max)
    return commitFiles(form, state, field, next, ctx, [`Berkas "${input.file.name}" diterima (${next.length} dari paling banyak ${max}).`]);
  return {
    kind: "continue",
    state: { ...state, pendingFiles: next },
    messages: [
      `Berkas "${input.file.name}" diterima (${next.length} dari paling banyak ${max}). Kirim berkas ` +
        `berikutnya, atau ketik SELESAI bila sudah.`,
    ],
  };
}

function commitFiles(
  form: Form,
  state: FormState,
  field: FormField,
  files: { id: string; name: string }[],
  ctx: FormContext,
  messages: string[],
): FormStep {
  const answer: FieldAnswer = {
    value: files.map((f) => f.id).join(","),
    display: `${files.map((f) => f.name).join(", ")} (${files.length} berkas)`,
    fileIds: files.map((f) => f.id),
  };
  return advance(form, { ...state, answers: { ...state.answers, [field.id]: answer }, pendingFiles: [] }, ctx, messages);
}

/** Handles one message from the applicant while the form is open. */
export function stepForm(form: Form, state: FormState, input: FieldInput, ctx: FormContext): FormStep {
  const word = input.kind === "text" ? input.text.trim().toLowerCase() : "";

  if (state.phase === "notice") {
    // Consent is given in so many words: a stray "ok" or "ya" is not taken as agreement.
    if (consentWords.has(word)) {
      const next: FormState = { ...state, phase: "asking", consentAt: ctx.now };
      return { kind: "continue", state: next, messages: ["Terima kasih. Persetujuan Anda dicatat.", questionText(form, next, ctx)] };
    }
    if (["tidak", "tidak setuju", "no"].includes(word)) {
      return {
        kind: "cancel",
        messages: [
          "Baik, pendaftaran dihentikan dan jawaban Anda dihapus. Untuk layanan tanpa chat, silakan datang ke " +
            "Klinik Layanan pada jam kerja.",
        ],
      };
    }
    const notKept = input.kind === "file" ? "Berkas ini tidak kami simpan. " : "";
    return { kind: "continue", state, messages: [`${notKept}Mohon balas SETUJU untuk melanjutkan, atau TIDAK untuk berhenti.`] };
  }

  if (state.phase === "summary") {
    if (["kirim", "ya", "kirimkan"].includes(word)) {
      const missing = form.fields.filter((f) => !f.optional && !state.answers[f.id]);
      if (missing.length > 0)
        return { kind: "continue", state, messages: [`Masih ada yang belum diisi: ${missing.map((f) => f.label).join(", ")}.`] };
      return { kind: "submit", state, messages: [] };
    }
    const edit = /^ubah\s+(\d+)$/.exec(word);
    if (edit) {
      const index = Number(edit[1]) - 1;
      if (!form.fields[index])
        return { kind: "continue", state, messages: [`Nomor ${edit[1]} tidak ada. Pilih 1 sampai ${form.fields.length}.`] };
      const next: FormState = { ...state, phase: "asking", index, editing: true };
      return { kind: "continue", state: next, messages: [questionText(form, next, ctx)] };
    }
    if (input.kind === "file") {
      const fileQuestions = form.fields.flatMap((f, i) => (f.type === "file" ? [i + 1] : []));
      return {
        kind: "continue",
        state,
        messages: [
          `Berkas ini tidak kami simpan, karena semua pertanyaan sudah dijawab. Untuk mengganti berkas, ketik ` +
            `UBAH dengan nomor pertanyaannya${fileQuestions.length > 0 ? ` (${fileQuestions.join(", ")})` : ""}, ` +
            `lalu kirim berkasnya.`,
        ],
      };
    }
    return { kind: "continue", state, messages: ["Balas KIRIM untuk mengirim, atau UBAH <nomor> untuk mengubah satu jawaban."] };
  }

  // Asking.
  if (word === "kembali") {
    state = { ...state, pendingFiles: [] };
    if (state.editing) {
      const next = { ...state, phase: "summary" as const, editing: false };
      return { kind: "continue", state: next, messages: [summaryText(form, next)] };
    }
    if (state.index === 0) return { kind: "continue", state, messages: ["Ini pertanyaan pertama.", questionText(form, state, ctx)] };
    const next = { ...state, index: state.index - 1 };
    const previous = next.answers[form.fields[next.index]?.id ?? ""];
    const shown =
      previous && !("skipped" in previous) ? `Jawaban sebelumnya: ${previous.display}. Kirim jawaban baru.` : "Kirim jawaban baru.";
    return { kind: "continue", state: next, messages: [questionText(form, next, ctx), shown] };
  }
  const field = form.fields[state.index] as FormField;
  if (field.type === "file" && (field.max ?? 1) > 1) return collectFile(form, state, field, input, ctx);
  const result = readAnswer(field, input, ctx);
  if (!result.ok) return { kind: "continue", state, messages: [result.error] };
  const next: FormState = { ...state, answers: { ...state.answers, [field.id]: result.answer } };
  const ack = "skipped" in result.answer ? "Dilewati." : field.type === "file" ? "Berkas diterima." : undefined;
  return advance(form, next, ctx, ack ? [ack] : []);
}

/** The answers as label → shown value, for the case file and the officials' view. */
export function answersForCase(form: Form, state: FormState): { label: string; value: string }[] {
  return form.fields.flatMap((f) => {
    const a = state.answers[f.id];
    if (!a || "skipped" in a) return [];
    return [{ label: f.label, value: f.type === "date" ? formatDateId(a.value) : a.display }];
  });
}

/** Stored files the form collected. */
export function formFileIds(state: FormState): string[] {
  return Object.values(state.answers).flatMap((a) => ("skipped" in a ? [] : (a.fileIds ?? (a.fileId ? [a.fileId] : []))));
}
