// Access on request: everything the office holds about one person, as a PersonRecord (rendered for
// them by src/engine/person-report.ts). Only that person's cases, forms and chats are read.
import type { PersonKey } from "../engine/person-data-port.ts";
import type { PersonRecord } from "../engine/person-report.ts";
import type { Database } from "./database.ts";
import { chatKeyOf, findPerson } from "./person-data.ts";

type Answer = { label?: unknown; value?: unknown };

function answersOf(data: string): { label: string; value: string }[] {
  try {
    const parsed = JSON.parse(data) as { answers?: Answer[] };
    return (parsed.answers ?? []).map((a) => ({ label: String(a.label ?? ""), value: String(a.value ?? "") }));
  } catch {
    return [];
  }
}

function sessionAnswers(state: string): { form: string; answers: { field: string; value: string }[] } {
  try {
    const parsed = JSON.parse(state) as { formId?: string; answers?: Record<string, { display?: unknown; skipped?: unknown }> };
    const answers = Object.entries(parsed.answers ?? {})
      .filter(([, a]) => a && !a.skipped && a.display !== undefined)
      .map(([field, a]) => ({ field, value: String(a.display) }));
    return { form: parsed.formId ?? "", answers };
  } catch {
    return { form: "", answers: [] };
  }
}

export interface ExportOptions {
  key: PersonKey;
  officeId: string | null;
  officeName: string;
  timeZone: string;
  retentionYears: number;
  now: Date;
}

export async function exportPerson(db: Database, options: ExportOptions): Promise<PersonRecord> {
  const r = db.reader;
  const found = await findPerson(r, options.key, options.officeId);
  const cases: PersonRecord["cases"] = [];
  for (const c of found.cases) {
    const [files, entries, messages] = await Promise.all([
      r.storedFile.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" } }),
      r.caseEntry.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } }),
      c.openerChannel && c.openerChatId
        ? r.outboxMessage.findMany({
            where: { caseId: c.id, channel: c.openerChannel, chatId: c.openerChatId, text: { not: "" }, editOfId: null },
            orderBy: { id: "asc" },
          })
        : Promise.resolve([]),
    ]);
    const shared = entries.filter((e) => e.audience === "applicant");
    cases.push({
      code: c.code,
      title: c.title,
      status: c.status,
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      purgedAt: c.purgedAt,
      answers: answersOf(c.data),
      files: files.map((f) => ({ name: f.originalName, mime: f.mime, size: f.size, at: f.createdAt })),
      conversation: shared.filter((e) => e.text).map((e) => ({ at: e.at, author: e.authorLabel, text: e.text ?? "" })),
      internalNotes: entries.length - shared.length,
      messages: messages.map((m) => ({ at: m.createdAt, text: m.text })),
    });
  }
  const sessions = await r.formSession.findMany({ where: { chatKey: { in: found.sessions }, kind: "form" } });
  const chats: PersonRecord["chats"] = [];
  const otherMessages: PersonRecord["otherMessages"] = [];
  for (const chat of found.chats) {
    const externalId = chat.chatId.replace(/^console:/, "");
    const identity = await r.chatIdentity.findUnique({ where: { channel_externalId: { channel: chat.channel, externalId } } });
    if (identity?.officialId) continue;
    // A chat that also sent other people's applications (an operator's) is listed without its name,
    // and its menus and form questions (they may quote others' forms) are left out.
    const own = !("nik" in options.key) || found.own.has(chatKeyOf(chat));
    chats.push({ ...chat, name: own ? (identity?.displayName ?? null) : null });
    if (own) {
      const rows = await r.outboxMessage.findMany({
        where: { ...chat, caseId: null, text: { not: "" }, editOfId: null },
        orderBy: { id: "asc" },
        take: 500,
      });
      otherMessages.push(...rows.map((m) => ({ at: m.createdAt, text: m.text })));
    }
  }
  return {
    key: "nik" in options.key ? `NIK ${options.key.nik}` : `chat ${chatKeyOf(options.key)}`,
    generatedAt: options.now,
    officeName: options.officeName,
    timeZone: options.timeZone,
    retentionYears: options.retentionYears,
    chats,
    cases,
    formsInProgress: sessions.map((s) => ({ ...sessionAnswers(s.state), updatedAt: s.updatedAt })),
    otherMessages,
  };
}
