// The officials' case commands: their open tasks, a case's status and history, opening and
// cancelling a case, and the files of a case.
import { normalizeCaseCode, type Reply } from "../../case-engine.ts";
import {
  caseTexts,
  decisionPhrase,
  entryLine,
  formatDateTime,
  refusals,
  stepAction,
  stepPosition,
  statusWords,
} from "../../case-messages.ts";
import type { CaseRow, EngineTx, OfficialRow, TaskRow } from "../../case-ports.ts";
import type { ChatCommand, OfficialCommandContext } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";

/** Tasks re-sent by /tugas; more are counted. */
const TASKS_SHOWN = 10;
/** Open tasks /tugas reads at most: those shown, and the rest looked at for choices to act on many at once. */
const TASKS_SCANNED = 200;

export function caseCommands(deps: ChatServiceDeps): ChatCommand[] {
  const { engine, clock } = deps;

  /** Who may see a case: those involved in it, and the office's admins, head and secretary. */
  async function canSee(tx: EngineTx, official: OfficialRow, kase: CaseRow): Promise<boolean> {
    if (kase.openedByOfficialId === official.id || kase.subjectOfficialId === official.id) return true;
    const tasks = await tx.tasksOfCase(kase.id);
    if (tasks.some((t) => t.candidates.some((c) => c.officialId === official.id) || t.decidedByOfficialId === official.id)) return true;
    // Office-wide rights (admin, head, secretary) stop at the office's own cases.
    if (official.officeId !== kase.officeId) return false;
    return official.isAdmin || (await engine.mayCancel(tx, official, kase));
  }

  async function visibleCase(tx: EngineTx, official: OfficialRow, codeText: string): Promise<CaseRow | string> {
    const code = normalizeCaseCode(codeText);
    const kase = await tx.caseByCode(code);
    if (!kase || !(await canSee(tx, official, kase))) return `Kasus ${code} tidak ditemukan di antara kasus yang dapat Anda lihat.`;
    return kase;
  }

  /** /kasus KODE: status, data, the whole conversation and the step history (the long view). */
  async function caseStatus(c: OfficialCommandContext): Promise<Reply[]> {
    if (!c.args) return [{ text: "Tulis kode kasusnya, misalnya /kasus 18-7QK3F." }];
    const found = await visibleCase(c.tx, c.official, c.args);
    if (typeof found === "string") return [{ text: found }];
    const kase = found;
    const { tx } = c;
    const sop = await tx.pinnedSop(kase.flowHash);
    const office = engine.officeOf(kase.officeId);
    const tasks = await tx.tasksOfCase(kase.id);
    const lines = [
      `Kasus ${kase.code} — ${kase.title}`,
      `SOP ${sop.number}: ${sop.title}`,
      `Status: ${statusWords[kase.status]}`,
      `Dibuka: ${formatDateTime(kase.createdAt, office.timeZone)}`,
    ];
    const open = tasks.find((t) => t.status === "open");
    if (open) {
      const who = await Promise.all(
        (open.takenByOfficialId ? [open.takenByOfficialId] : open.candidates.map((x) => x.officialId)).map((id) => tx.official(id)),
      );
      const step = engine.stepOf(sop, open.stepId);
      lines.push(
        `Sekarang: ${stepPosition(sop, step)} — ` +
          `${stepAction(step)}${open.waitingFor === "request" ? " (menunggu kelengkapan dari pemohon)" : ""}`,
        `Ditangani: ${who.map((o) => o?.name ?? "?").join(", ")}` +
          (open.dueAt
            ? `; batas ${formatDateTime(open.dueAt, office.timeZone)}` +
              (open.dueAt <= clock.now() && open.waitingFor !== "request" ? " (TERLAMBAT)" : "")
            : ""),
      );
    }
    const answers = (kase.data["answers"] as { label: string; value: string }[] | undefined) ?? [];
    if (answers.length > 0) lines.push("Data permohonan:", ...answers.map((a) => `  • ${a.label}: ${a.value}`));
    const entries = await tx.entriesOfCase(kase.id);
    if (entries.length > 0)
      lines.push(
        "Percakapan:",
        ...entries.slice(-20).map((e) => {
          const mark = e.audience === "internal" ? " [internal]" : "";
          return `  • ${formatDateTime(e.at, office.timeZone)} — ${entryLine(e)}${mark}`;
        }),
      );
    const history = tasks.filter((t) => t.status !== "open" && t.decision);
    if (history.length > 0) {
      lines.push("Riwayat langkah:");
      for (const t of history) {
        const by = t.decidedByOfficialId
          ? ((await tx.official(t.decidedByOfficialId))?.name ?? "?")
          : t.waitingFor === "applicant" || t.waitingFor === "request"
            ? null
            : "sistem";
        const action =
          (["done", "approve", "return", "reject", "request", "supplied", "withdraw", "cancel"] as const).find((a) => a === t.decision) ??
          "done";
        lines.push(
          `  • ${stepPosition(sop, engine.stepOf(sop, t.stepId))} ${decisionPhrase(action, by)}, ` +
            `${formatDateTime(t.closedAt ?? t.openedAt, office.timeZone)}`,
        );
      }
    }
    const files = await tx.filesOfCase(kase.id);
    if (files.length > 0)
      lines.push(`Berkas (${files.length}): ${files.map((f, i) => `${i + 1}. ${f.name}`).join("; ")} — /dokumen ${kase.code} [nomor]`);
    await c.record((write) => engine.markSeen(write, kase, c.official.id));
    return [{ text: lines.join("\n") }];
  }

  async function myTasks(c: OfficialCommandContext): Promise<Reply[]> {
    const now = clock.now();
    // Counted and ordered by the database (late first, then by due time, those waiting for the
    // applicant last); only the first ones are read, however many an official has.
    const { total, overdue: late, first } = await c.tx.openTaskSummary(c.official.id, now, TASKS_SCANNED);
    if (total === 0) return [{ text: "Tidak ada tugas terbuka untuk Anda saat ini." }];
    const replies: Reply[] = [
      {
        text:
          `Anda memiliki ${total} tugas terbuka${late ? `, ${late} di antaranya terlambat` : ""}. ` + `Terlambat ditampilkan lebih dahulu.`,
      },
    ];
    if (total > TASKS_SHOWN) replies.push({ text: `… dan ${total - TASKS_SHOWN} tugas lainnya. Selesaikan yang di atas lebih dahulu.` });
    // The list was read outside the write path; the tasks go out with fresh choices (new tokens) from
    // inside it, each as it is then (one decided meanwhile is left out).
    await c.record(async (tx) => {
      const current: TaskRow[] = [];
      for (const listed of first.slice(0, TASKS_SHOWN)) {
        const task = await tx.taskById(listed.id);
        const kase = task?.status === "open" ? await tx.caseById(task.caseId) : null;
        if (!task || !kase) continue;
        current.push(task);
        const sop = await tx.pinnedSop(kase.flowHash);
        await engine.sendStepMessage(tx, kase, sop, task, now, {
          only: c.official.id,
          header: task.waitingFor === "request" ? "awaiting" : "open",
        });
      }
      // Several tasks at the same step: one choice to act on them together, after the tasks themselves
      // (from the first TASKS_SCANNED: an offer covers BULK_MAX of a step at most).
      const bulk = await engine.bulkOffers(tx, c.official, [...current, ...first.slice(TASKS_SHOWN)], now);
      if (bulk.length > 0) await engine.notifyOfficial(tx, c.official.id, caseTexts.bulkOffer, now, { actions: bulk });
    });
    return replies;
  }

  async function openCase(c: OfficialCommandContext): Promise<Reply[]> {
    const match = /^(\d{1,2})\s*([\s\S]*)$/.exec(c.args);
    const number = Number(match?.[1]);
    const title = deps.sopTitle(number);
    if (!match || !title) return [{ text: "Tulis nomor SOP dan perihalnya, misalnya: /buka 13 Surat undangan rapat koordinasi" }];
    const employeeStart = deps.sopStartKind(number) === "employee";
    await engine.openCaseIn(c.tx, {
      officeId: c.official.officeId,
      sopNumber: number,
      title: match[2]?.trim() || title,
      openedBy: c.official,
      opener: { channel: c.message.channel, chatId: c.message.chatId },
      ...(employeeStart ? { subjectOfficialId: c.official.id } : {}),
    });
    return [];
  }

  async function cancelCase(c: OfficialCommandContext): Promise<Reply[]> {
    const [codeText = "", ...rest] = c.args.split(/\s+/);
    if (!codeText) return [{ text: "Tulis kode kasus dan alasannya, misalnya: /batalkan 13-7QK3F salah memilih SOP" }];
    const found = await visibleCase(c.tx, c.official, codeText);
    if (typeof found === "string") return [{ text: found }];
    if (!(await engine.mayCancel(c.tx, c.official, found)))
      return [{ text: "Maaf, hanya admin, pembuka kasus, Sekretaris, atau Kepala Dinas yang dapat membatalkan kasus." }];
    // The question for the reason; a reason given on the command line answers it at once, checked
    // like a typed one.
    await c.tx.setPrompt({
      chatKey: c.chatKey,
      officialId: c.official.id,
      kind: "cancel-reason",
      token: null,
      caseId: found.id,
      createdAt: clock.now(),
    });
    const reason = rest.join(" ").trim();
    if (!reason) return [{ text: caseTexts.askReason(found, "cancel", engine.isApplicantCase(found)) }];
    return (await engine.answerPromptIn(c.tx, c.actor, reason)) ?? [{ text: refusals.stale }];
  }

  /** /dokumen KODE [nomor]: the case's files again (all of the latest, or one by its number). */
  async function caseFiles(c: OfficialCommandContext): Promise<Reply[]> {
    const [codeText = "", pickText] = c.args.split(/\s+/);
    if (!codeText) return [{ text: "Tulis kode kasusnya, misalnya /dokumen 30-7QK3F, atau /dokumen 30-7QK3F 2 untuk berkas nomor 2." }];
    const found = await visibleCase(c.tx, c.official, codeText);
    if (typeof found === "string") return [{ text: found }];
    const pick = pickText ? Number(pickText) : undefined;
    const files = await engine.filesFor(
      c.tx,
      found,
      c.official.id,
      pick !== undefined && Number.isInteger(pick) && pick > 0 ? pick : undefined,
    );
    if (files.total === 0) return [{ text: caseTexts.noFiles(found) }];
    if (files.fileIds.length === 0)
      return [{ text: `Berkas nomor ${pickText} tidak ada. Kasus ${found.code} memiliki ${files.total} berkas.` }];
    return [{ text: `${caseTexts.files(found, files.total)} ${files.names.join(", ")}`, fileIds: files.fileIds }];
  }

  return [
    { names: ["tugas"], audience: "official", outside: true, help: "/tugas — tugas Anda yang masih terbuka", run: myTasks },
    {
      names: ["kasus", "status"],
      audience: "official",
      outside: true,
      help: "/kasus KODE — status, data, percakapan dan riwayat sebuah kasus",
      run: caseStatus,
    },
    {
      names: ["dokumen"],
      audience: "official",
      help: "/dokumen KODE [nomor] — menerima lagi berkas sebuah kasus",
      run: caseFiles,
    },
    { names: ["buka"], audience: "official", help: "/buka NOMOR-SOP perihal — membuka kasus baru", run: openCase },
    { names: ["batalkan"], audience: "official", help: "/batalkan KODE alasan — membatalkan kasus (yang berwenang)", run: cancelCase },
  ];
}
