// STATUS tells the applicant the truth at every step of every SOP a chat form opens: who has the
// application, what happens there, and what (if anything) the applicant must do — and, while a
// step waits for what an official asked for, exactly that. Each case is moved on by the people
// its steps are offered to, pressing the choices they were sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveActor } from "../../src/domain/actor-resolution.ts";
import type { Sop, SopStep } from "../../src/domain/sop-schema.ts";
import { plainStatus } from "../../src/engine/applicant-status.ts";
import type { Actor } from "../../src/engine/case-engine.ts";
import { stepAction } from "../../src/engine/case-messages.ts";
import type { CaseRow, TaskRow, TokenAction } from "../../src/engine/case-ports.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { startHarness, wita, type Harness } from "../helpers/harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: wita("2026-03-16 08:00") });
});
afterAll(() => h.cleanup());

const firstSentence = (text: string) => {
  const cut = text.search(/\.\s/);
  const sentence = cut > 0 ? text.slice(0, cut + 1) : text;
  return sentence.length > 160 ? sentence.slice(0, 157) : sentence;
};

async function openTask(caseId: string): Promise<TaskRow> {
  const store = createEngineStore(h.app.db);
  const task = await store.transaction(async (tx) => (await tx.tasksOfCase(caseId)).find((t) => t.status === "open"));
  if (!task) throw new Error("no open task");
  return task;
}

async function actorFor(task: TaskRow): Promise<Actor> {
  const officialId = task.takenByOfficialId ?? task.candidates[0]?.officialId ?? "";
  const official = await h.app.db.prisma.official.findUniqueOrThrow({ where: { id: officialId } });
  const identity = await h.app.db.prisma.chatIdentity.findFirstOrThrow({ where: { officialId, channel: "console" } });
  return {
    official: { id: official.id, officeId: official.officeId, name: official.name, isAdmin: official.isAdmin, active: official.active },
    channel: "console",
    chatId: `console:${identity.externalId}`,
  };
}

/** Presses the newest token of `actions` offered on the task, as its official. */
async function press(task: TaskRow, actions: TokenAction[], text?: string): Promise<void> {
  const actor = await actorFor(task);
  const token = await h.app.db.prisma.actionToken.findFirstOrThrow({
    where: { taskId: task.id, visit: task.visit, action: { in: actions } },
    orderBy: { createdAt: "desc" },
  });
  const store = createEngineStore(h.app.db);
  await store.transaction(async (tx) => {
    await h.app.engine.pressIn(tx, actor, token.token);
    if (text) await h.app.engine.answerPromptIn(tx, actor, text);
  });
}

async function status(kase: CaseRow): Promise<string> {
  return createEngineStore(h.app.db).transaction(async (tx) => plainStatus(tx, h.app.engine, (await tx.caseById(kase.id)) as CaseRow));
}

describe("STATUS at every step of every SOP a chat form opens", () => {
  it("names who has it, what happens, and what the applicant must do", async () => {
    const office = h.app.catalog.offices.get("ntt-provinsi")?.office;
    if (!office) throw new Error("no office");
    const forms = [...h.app.catalog.forms.values()].map((f) => f.value);
    expect(forms).toHaveLength(14);
    let stepsChecked = 0;
    for (const form of forms) {
      const sop = h.app.catalog.sops.get(form.sop)?.value as Sop;
      const kase = await createEngineStore(h.app.db).transaction((tx) =>
        h.app.engine.openCaseIn(tx, {
          officeId: "ntt-provinsi",
          sopNumber: form.sop,
          title: `${form.title} — Uji`,
          opener: { channel: "console", chatId: `console:baru-status-${form.id}` },
          data: { form: form.id, formTitle: form.title, answers: [], result: form.result, applicant: { name: "Pemohon Uji" } },
          applicantSubmission: { label: "Pemohon Uji", note: "uji", fileIds: [] },
        }),
      );
      let requested = false;
      for (let guard = 0; guard < 40; guard++) {
        const current = (await h.app.db.prisma.case.findUniqueOrThrow({ where: { id: kase.id } })).status;
        if (current !== "open") break;
        const task = await openTask(kase.id);
        const step = sop.steps.find((s) => s.id === task.stepId) as SopStep;
        const who = resolveActor(office, step.actor, sop.number);
        const text = await status(kase);
        const context = `SOP ${sop.number} step ${step.id}:\n${text}`;
        expect(text, context).not.toMatch(/https?:\/\/|bit\.ly/);
        if (who.kind === "party" && who.party === "applicant") {
          expect(text, context).toContain(`Sekarang: langkah Anda — ${step.chat?.applicant}`);
          await press(task, ["done"]);
        } else {
          const name = who.kind === "position" ? who.position.title : who.kind === "party" ? (who.name ?? step.actor) : step.actor;
          expect(text, context).toContain(`Sekarang: ${name} — ${firstSentence(stepAction(step))}`);
          expect(text, context).toContain("Yang perlu Anda lakukan: tidak ada untuk saat ini");
          if (!requested && who.kind === "position") {
            // Once per case: the official asks the applicant for something; STATUS says exactly that.
            requested = true;
            await press(task, ["ask-applicant"], "Mohon kirim ulang pindaian KTP yang lebih jelas");
            const waiting = await status(kase);
            expect(waiting, context).toContain(
              "Sekarang: menunggu Anda — petugas meminta: Mohon kirim ulang pindaian KTP yang lebih jelas",
            );
            expect(waiting, context).toContain("Yang perlu Anda lakukan: kirim yang diminta di chat ini, lalu ketik KIRIM.");
            await press(await openTask(kase.id), ["withdraw"]);
            expect(await status(kase), context).toContain(`Sekarang: ${name}`);
            continue;
          }
          await press(task, ["done", "approve"]);
        }
        stepsChecked += 1;
      }
      expect((await h.app.db.prisma.case.findUniqueOrThrow({ where: { id: kase.id } })).status, `SOP ${sop.number} ran to the end`).toBe(
        "completed",
      );
      expect(await status(kase)).toContain("Status: selesai");
    }
    expect(stepsChecked).toBeGreaterThan(80);
    expect(await h.auditProblems()).toEqual([]);
  });
});
