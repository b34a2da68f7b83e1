// The form conversation: notice before the first personal field, progress, going back, summary,
// changing one answer, and sending.
import { describe, expect, it } from "vitest";
import { startForm, stepForm, type FormState } from "../../src/domain/form-engine.ts";
import type { Form } from "../../src/domain/form-schema.ts";

const form: Form = {
  id: "uji",
  sop: 30,
  title: "Layanan Uji",
  summary: "Formulir untuk pengujian.",
  servedBy: "Bidang Kelembagaan",
  result: "Diambil di kantor.",
  fields: [
    { id: "koperasi", type: "text", label: "Nama koperasi" },
    { id: "nama", type: "text", label: "Nama lengkap", personal: true },
    { id: "peran", type: "choice", label: "Peran", options: ["Pengurus", "Pengawas"] },
    { id: "email", type: "email", label: "Email", personal: true, optional: true },
  ],
};
const ctx = {
  today: "2026-11-22",
  now: "2026-11-22T01:00:00.000Z",
  regions: [],
  officeName: "Dinas Koperasi UKM Provinsi NTT",
  retentionYears: 5,
};
const say = (state: FormState, text: string) => stepForm(form, state, { kind: "text", text }, ctx);

describe("form engine", () => {
  it("asks one question at a time with progress, shows the notice before the first personal field, and submits", () => {
    const start = startForm(form, ctx);
    expect(start.messages[1]).toMatch(/^Pertanyaan 1 dari 4 — Layanan Uji\nNama koperasi/);
    let step = say(start.kind === "continue" ? start.state : (undefined as never), "KSP Maju Bersama");
    expect(step.messages.at(-1)).toContain("Pemberitahuan data pribadi");
    expect(step.messages.at(-1)).toContain("nama lengkap, email");
    expect(step.messages.at(-1)).toContain("dan 5 tahun sesudahnya");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "mungkin");
    expect(step.messages).toEqual(["Mohon balas SETUJU untuk melanjutkan, atau TIDAK untuk berhenti."]);
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "SETUJU");
    if (step.kind !== "continue") throw new Error();
    expect(step.state.consentAt).toBe(ctx.now);
    expect(step.messages[1]).toMatch(/^Pertanyaan 2 dari 4/);
    step = say(step.state, "Budi Santoso");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "KEMBALI");
    if (step.kind !== "continue") throw new Error();
    expect(step.messages).toContain("Jawaban sebelumnya: Budi Santoso. Kirim jawaban baru.");
    step = say(step.state, "Budi Santoso Lado");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "9");
    expect(step.messages).toEqual(["Pilih salah satu dengan membalas angkanya (1 sampai 2)."]);
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "1");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "-");
    if (step.kind !== "continue") throw new Error();
    expect(step.state.phase).toBe("summary");
    expect(step.messages.at(-1)).toContain("2. Nama lengkap: Budi Santoso Lado");
    expect(step.messages.at(-1)).toContain("4. Email: (dilewati)");
    step = say(step.state, "UBAH 3");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "Pengawas");
    if (step.kind !== "continue") throw new Error();
    expect(step.state.phase).toBe("summary");
    expect(step.messages.at(-1)).toContain("3. Peran: Pengawas");
    const sent = say(step.state, "KIRIM");
    expect(sent.kind).toBe("submit");
  });

  it("stops and forgets the answers when the notice is refused", () => {
    const start = startForm(form, ctx);
    if (start.kind !== "continue") throw new Error();
    const step = say(start.state, "KSP");
    if (step.kind !== "continue") throw new Error();
    expect(say(step.state, "TIDAK")).toMatchObject({ kind: "cancel" });
  });

  it("takes consent only in so many words: a stray OK or YA is asked again, and nothing is taken as a name", () => {
    const start = startForm(form, ctx);
    if (start.kind !== "continue") throw new Error();
    let step = say(start.state, "KSP Maju");
    for (const word of ["ok", "ya", "oke"]) {
      if (step.kind !== "continue") throw new Error();
      step = say(step.state, word);
      expect(step.messages).toEqual(["Mohon balas SETUJU untuk melanjutkan, atau TIDAK untuk berhenti."]);
    }
    if (step.kind !== "continue") throw new Error();
    expect(step.state.consentAt).toBeNull();
    step = say(step.state, "setuju");
    if (step.kind !== "continue") throw new Error();
    step = say(step.state, "setuju");
    expect(step.messages[0]).toContain('"setuju" tampaknya bukan jawaban');
    if (step.kind !== "continue") throw new Error();
    expect(step.state.answers["nama"]).toBeUndefined();
  });

  it("takes several files for a question that allows them, until SELESAI or the maximum, and only the kinds it names", () => {
    const files: Form = {
      ...form,
      fields: [
        { id: "berkas", type: "file", label: "Berita acara dan daftar hadir", accept: ["pdf", "jpg"], min: 1, max: 3 },
        { id: "catatan", type: "text", label: "Catatan" },
      ],
    };
    const send = (state: FormState, id: string, mime = "application/pdf") =>
      stepForm(files, state, { kind: "file", file: { id, name: `${id}.pdf`, mime } }, ctx);
    const start = startForm(files, ctx);
    if (start.kind !== "continue") throw new Error();
    expect(start.messages[1]).toContain("Kirim 1 sampai 3 berkas (foto atau PDF), satu per satu, lalu ketik SELESAI bila sudah.");
    let step = stepForm(files, start.state, { kind: "text", text: "SELESAI" }, ctx);
    expect(step.messages[0]).toContain("paling sedikit 1 berkas; baru 0");
    if (step.kind !== "continue") throw new Error();
    step = send(step.state, "a");
    expect(step.messages[0]).toContain(
      'Berkas "a.pdf" diterima (1 dari paling banyak 3). Kirim berkas berikutnya, atau ketik SELESAI bila sudah.',
    );
    if (step.kind !== "continue") throw new Error();
    step = send(step.state, "png", "image/png");
    expect(step.messages[0]).toContain("Untuk pertanyaan ini kirim foto atau PDF");
    if (step.kind !== "continue") throw new Error();
    step = send(step.state, "b");
    if (step.kind !== "continue") throw new Error();
    step = stepForm(files, step.state, { kind: "text", text: "selesai" }, ctx);
    if (step.kind !== "continue") throw new Error();
    expect(step.state.answers["berkas"]).toMatchObject({ fileIds: ["a", "b"], display: "a.pdf, b.pdf (2 berkas)" });
    expect(step.messages.at(-1)).toMatch(/^Pertanyaan 2 dari 2/);
    // The maximum ends the question by itself.
    step = stepForm(
      files,
      { ...step.state, index: 0, answers: {} },
      { kind: "file", file: { id: "x", name: "x.pdf", mime: "application/pdf" } },
      ctx,
    );
    if (step.kind !== "continue") throw new Error();
    step = send(step.state, "y");
    if (step.kind !== "continue") throw new Error();
    step = send(step.state, "z");
    if (step.kind !== "continue") throw new Error();
    expect(step.state.answers["berkas"]).toMatchObject({ fileIds: ["x", "y", "z"] });
    expect(step.state.index).toBe(1);
  });

  it("says a file it cannot use is not kept: at the notice and at the summary", () => {
    const start = startForm(form, ctx);
    if (start.kind !== "continue") throw new Error();
    const notice = say(start.state, "KSP");
    if (notice.kind !== "continue") throw new Error();
    const file = { kind: "file" as const, file: { id: "f", name: "f.pdf", mime: "application/pdf" } };
    expect(stepForm(form, notice.state, file, ctx).messages[0]).toBe(
      "Berkas ini tidak kami simpan. Mohon balas SETUJU untuk melanjutkan, atau TIDAK untuk berhenti.",
    );
    const summary: FormState = { ...notice.state, phase: "summary" };
    expect(stepForm(form, summary, file, ctx).messages[0]).toContain(
      "Berkas ini tidak kami simpan, karena semua pertanyaan sudah dijawab.",
    );
  });
});
