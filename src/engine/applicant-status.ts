// STATUS for an applicant: where their application is, in their words — who has it, what happens
// there, and what (if anything) they must do. Built from the applicant's side of the case only: an
// internal return or note never shows; a return between officials reads as the step it is at.
import { resolveActor } from "../domain/actor-resolution.ts";
import type { Sop, SopStep } from "../domain/sop-schema.ts";
import type { Office } from "../domain/office-schema.ts";
import { formatDateTime, stepAction, statusWords } from "./case-messages.ts";
import type { CaseRow, EngineTx } from "./case-ports.ts";

function firstSentence(text: string): string {
  const cut = text.search(/\.\s/);
  const sentence = cut > 0 ? text.slice(0, cut + 1) : text;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}

/** Who acts at a step, as an applicant would name them. */
export function actorForApplicant(office: Office, sop: Sop, step: SopStep): string {
  const who = resolveActor(office, step.actor, sop.number);
  if (who.kind === "position") return who.position.title;
  if (who.kind === "party" && who.party === "applicant") return "Anda";
  if (who.kind === "party" && who.party === "external") return who.name ?? step.actor;
  return step.actor;
}

export interface StatusDeps {
  officeOf(officeId: string): Office;
  stepOf(sop: Sop, stepId: string): SopStep;
}

/** Where a case stands, in the words an applicant uses. Only the chat that opened it may see it. */
export async function plainStatus(tx: EngineTx, deps: StatusDeps, kase: CaseRow): Promise<string> {
  const sop = await tx.pinnedSop(kase.flowHash);
  const office = deps.officeOf(kase.officeId);
  const tasks = await tx.tasksOfCase(kase.id);
  const entries = (await tx.entriesOfCase(kase.id)).filter((e) => e.audience === "applicant");
  const open = tasks.find((t) => t.status === "open");
  const formTitle = typeof kase.data["formTitle"] === "string" ? kase.data["formTitle"] : sop.title;
  const lines = [`Permohonan ${kase.code} — ${formTitle}`, `Diajukan: ${formatDateTime(kase.createdAt, office.timeZone)}`];
  if (kase.status !== "open") {
    lines.push(`Status: ${statusWords[kase.status]}${kase.closedAt ? ` pada ${formatDateTime(kase.closedAt, office.timeZone)}` : ""}.`);
    const why = entries.filter((e) => e.kind === "reject" || e.kind === "cancel").at(-1)?.text;
    if (why && kase.status !== "completed") lines.push(`Alasan: ${why}`);
    if (kase.status === "completed" && typeof kase.data["result"] === "string") lines.push(`Hasil: ${kase.data["result"]}`);
    return lines.join("\n");
  }
  lines.push("Status: sedang diproses.");
  if (open) {
    const step = deps.stepOf(sop, open.stepId);
    if (open.waitingFor === "request") {
      const asked = entries.filter((e) => e.kind === "request" && e.taskId !== null).at(-1)?.text ?? "kelengkapan berkas";
      lines.push(
        `Sekarang: menunggu Anda — petugas meminta: ${asked}`,
        "Yang perlu Anda lakukan: kirim yang diminta di chat ini, lalu ketik KIRIM.",
      );
    } else if (open.waitingFor === "applicant") {
      lines.push(`Sekarang: langkah Anda — ${step.chat?.applicant ?? firstSentence(stepAction(step))}`);
      if (!step.chat?.applicant) lines.push("Yang perlu Anda lakukan: lakukan langkah ini, lalu balas SUDAH.");
    } else {
      lines.push(
        `Sekarang: ${actorForApplicant(office, sop, step)} — ${firstSentence(stepAction(step))}`,
        "Yang perlu Anda lakukan: tidak ada untuk saat ini; kabar berikutnya kami kirim di chat ini.",
      );
      if (open.dueAt) lines.push(`Perkiraan langkah ini selesai: ${formatDateTime(open.dueAt, office.timeZone)}.`);
    }
    const next = sop.steps[sop.steps.findIndex((s) => s.id === open.stepId) + 1];
    if (next && open.waitingFor !== "request") {
      const nextWho = actorForApplicant(office, sop, next);
      lines.push(
        `Berikutnya: ${nextWho} — ${firstSentence(nextWho === "Anda" ? (next.chat?.applicant ?? stepAction(next)) : stepAction(next))}`,
      );
    }
  }
  const lastMessage = entries.filter((e) => e.kind === "to-applicant").at(-1);
  if (lastMessage?.text)
    lines.push(
      `Pesan terakhir dari petugas (${formatDateTime(lastMessage.at, office.timeZone)}): ` +
        `${lastMessage.text.length > 300 ? `${lastMessage.text.slice(0, 299)}…` : lastMessage.text}`,
    );
  return lines.join("\n");
}
