// The admins' personal-data commands:
// - /hapusdata NIK: shows what is held and why it may not be erased; "/hapusdata NIK YA" erases it
//   (its own transaction through the PersonDataPort, so it runs outside the message's transaction).
// - /koreksi KODE [n nilai]: lists an open case's answers, or corrects answer n, checked like the form
//   checks it. The audit trail keeps a keyed hash of the old value, never the value; the applicant is told.
import { formatDateId, readAnswer } from "../../../domain/field-types.ts";
import { localDate } from "../../../domain/working-time.ts";
import { normalizeCaseCode, type Reply } from "../../case-engine.ts";
import { statusWords } from "../../case-messages.ts";
import { applicationTitle } from "../../case-rows.ts";
import type { EngineTx, OfficialRow } from "../../case-ports.ts";
import { parseNik } from "../../person-data-port.ts";
import { correctionTexts, privacyMessages as t } from "../../privacy-messages.ts";
import type { ChatCommand } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";

type Answer = { label: string; value: string };

export function privacyCommands(deps: ChatServiceDeps): ChatCommand[] {
  const { engine, clock } = deps;

  async function erase(official: OfficialRow, args: string, insideWrite: boolean): Promise<Reply[]> {
    if (!official.isAdmin) return [{ text: t.adminOnly }];
    if (!deps.personData) return [{ text: t.adminOnly }];
    // The erasure is a transaction of its own: not from inside this message's (a question or form was open).
    if (insideWrite) return [{ text: t.erasureBusy }];
    const [nikText = "", confirm = ""] = args.split(/\s+(?=ya$)/i);
    const nik = parseNik(nikText);
    if (!nik) return [{ text: t.erasureUsage }];
    const key = { nik };
    const who = `NIK ${nik}`;
    const confirmed = /^ya$/i.test(confirm.trim());
    const plan = confirmed
      ? await deps.personData.erase(key, official.officeId, { officialId: official.id, label: official.name })
      : await deps.personData.plan(key, official.officeId);
    if (plan.cases.length === 0 && plan.chats.length === 0) return [{ text: t.erasureNothing }];
    const summary = t.erasurePlan(
      who,
      plan.cases.map((c) => `${c.code} (${c.service}, ${(statusWords as Record<string, string>)[c.status] ?? c.status})`),
      plan.formsInProgress,
      plan.chats.length,
    );
    if (plan.refusals.length > 0) return [{ text: `${summary}\n\n${t.erasureRefused(plan.refusals)}` }];
    if (!confirmed) return [{ text: `${summary}\n\n${t.erasureConfirm(`/hapusdata ${nik}`)}` }];
    return [{ text: t.erasureDone(plan.cases.length) }];
  }

  async function correct(tx: EngineTx, official: OfficialRow, args: string): Promise<Reply[]> {
    if (!official.isAdmin) return [{ text: t.adminOnly }];
    const m = /^(\S+)(?:\s+(\d{1,2})(?:\s+([\s\S]+))?)?$/.exec(args.trim());
    if (!m?.[1]) return [{ text: correctionTexts.usage }];
    const kase = await tx.caseByCode(normalizeCaseCode(m[1]));
    if (!kase || kase.officeId !== official.officeId) return [{ text: correctionTexts.noCase(normalizeCaseCode(m[1])) }];
    if (kase.status !== "open") return [{ text: correctionTexts.notOpen(kase.code) }];
    const answers = (kase.data["answers"] as Answer[] | undefined) ?? [];
    if (answers.length === 0) return [{ text: correctionTexts.noAnswers(kase.code) }];
    if (!m[2]) return [{ text: correctionTexts.list(kase.code, answers) }];
    const index = Number(m[2]);
    const old = answers[index - 1];
    if (!old) return [{ text: correctionTexts.outOfRange(answers.length) }];
    if (!m[3]) return [{ text: correctionTexts.needValue(kase.code, index, old.label) }];
    const formId = kase.data["form"];
    const form = deps.forms?.().find((f) => f.form.id === formId)?.form;
    const field = form?.fields.find((f) => f.label === old.label);
    if (!field || field.type === "file") return [{ text: correctionTexts.notText(old.label) }];
    const office = engine.officeOf(kase.officeId);
    const now = clock.now();
    const read = readAnswer(
      field,
      { kind: "text", text: m[3].trim() },
      { today: localDate(now, office.timeZone), regions: office.regions.items },
    );
    if (!read.ok) return [{ text: read.error }];
    if ("skipped" in read.answer) return [{ text: correctionTexts.needValue(kase.code, index, old.label) }];
    const value = field.type === "date" ? formatDateId(read.answer.value) : read.answer.display;
    const updated = answers.map((a, i) => (i === index - 1 ? { ...a, value } : a));
    const applicant = kase.data["applicant"] as { name?: string; phone?: string | null } | undefined;
    const person =
      applicant && (field.id === "nama" || field.id === "telepon")
        ? { applicant: { ...applicant, ...(field.id === "nama" ? { name: value } : { phone: value }) } }
        : {};
    // The title names the subject as the form made it: a corrected subject renames the case.
    const formTitle = typeof kase.data["formTitle"] === "string" ? kase.data["formTitle"] : null;
    const answerOf = (id: string) => updated.find((a) => a.label === form?.fields.find((f) => f.id === id)?.label)?.value;
    const renamed = formTitle ? applicationTitle(formTitle, answerOf) : kase.title;
    const title = renamed !== kase.title ? renamed : null;
    await tx.updateCase(kase.id, kase.version, { data: { ...kase.data, answers: updated, ...person }, ...(title ? { title } : {}) });
    const hash = deps.personData?.hashOldValue(kase.id, old.value) ?? "";
    await tx.appendAudit({
      at: now,
      caseId: kase.id,
      actorOfficialId: official.id,
      actorLabel: official.name,
      action: "answer-corrected",
      note: `jawaban "${old.label}" diperbaiki; nilai lama (HMAC): ${hash.slice(0, 32)}`,
    });
    await tx.addEntry({
      caseId: kase.id,
      at: now,
      kind: "note",
      audience: "internal",
      authorOfficialId: official.id,
      authorLabel: official.name,
      text: correctionTexts.entry(old.label),
      fileId: null,
      taskId: null,
    });
    if (kase.openerChannel && kase.openerChatId)
      await tx.enqueue(
        {
          channel: kase.openerChannel,
          chatId: kase.openerChatId,
          caseId: kase.id,
          text: correctionTexts.toApplicant(kase.code, old.label, value),
        },
        now,
      );
    return [{ text: correctionTexts.done(kase.code, old.label, value) }];
  }

  return [
    {
      names: ["hapusdata"],
      audience: "official",
      // Runs outside the message's transaction: the erasure is a transaction of its own.
      outside: true,
      adminOnly: true,
      help: "/hapusdata NIK — hapus data pribadi atas permintaan pemiliknya",
      run: (c) => erase(c.official, c.args, c.insideWrite === true),
    },
    {
      names: ["koreksi"],
      audience: "official",
      adminOnly: true,
      help: "/koreksi KODE — perbaiki jawaban formulir pada kasus yang masih berjalan",
      run: (c) => correct(c.tx, c.official, c.args),
    },
  ];
}
