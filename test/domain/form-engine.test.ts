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
  retention: "5 tahun",
  result: "Diambil di kantor.",
  fields: [
    { id: "koperasi", type: "text", label: "Nama koperasi" },
    { id: "nama", type: "text", label: "Nama lengkap", personal: true },
    { id: "peran", type: "choice", label: "Peran", options: ["Pengurus", "Pengawas"] },
    { id: "email", type: "email", label: "Email", personal: true, optional: true },
  ],
};
const ctx = { today: "2026-11-22", now: "2026-11-22T01:00:00.000Z", regions: [], officeName: "Dinas Koperasi UKM Provinsi NTT" };
const say = (state: FormState, text: string) => stepForm(form, state, { kind: "text", text }, ctx);

describe("form engine", () => {
  it("asks one question at a time with progress, shows the notice before the first personal field, and submits", () => {
    const start = startForm(form, ctx);
    expect(start.messages[1]).toMatch(/^Pertanyaan 1 dari 4 — Layanan Uji\nNama koperasi/);
    let step = say(start.kind === "continue" ? start.state : (undefined as never), "KSP Maju Bersama");
    expect(step.messages.at(-1)).toContain("Pemberitahuan data pribadi");
    expect(step.messages.at(-1)).toContain("nama lengkap, email");
    expect(step.messages.at(-1)).toContain("disimpan 5 tahun");
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
});
