// One person's data, found by their NIK or by a chat: what the office holds about them (access on
// request, UU 27/2022 Pasal 7) and its erasure on request (Pasal 8). Erasure removes what the daily
// purge removes (retention-purge.ts) from every case of the person, and their forms in progress,
// prompts, messages and chat identity. It is refused, with reasons the admin can pass on, while a
// case is still open or when a case is a record the office must archive (src/domain/retention.ts).
// Each erasure is an audit event per case (counts only, never the NIK), and the person is told.
import { createHmac, randomUUID } from "node:crypto";
import { erasureRefusal, retentionEnd, retentionYears, type RetentionSetting } from "../domain/retention.ts";
import type { ChannelName } from "../engine/types.ts";
import { serviceOf } from "../engine/case-rows.ts";
import type { PersonCase, PersonDataPort, PersonKey, PersonPlan } from "../engine/person-data-port.ts";
import { createAuditAppender } from "./audit-chain.ts";
import type { Database, Tx } from "./database.ts";
import { removeUnreferencedBlobs } from "./file-store.ts";
import { erasureNoticeKey, purgeCase, purgeNote, type CaseToPurge } from "./retention-purge.ts";

type Reader = Pick<Tx, "case" | "formSession">;

export interface OfficeRules {
  (officeId: string): { dataRetention?: RetentionSetting | undefined } | undefined;
}

const digits = (text: string) => text.replace(/\D/g, "");

/** A person's own NIK question ("NIK (16 angka pada KTP)", "NIK operator …"), not a cooperative's NIK. */
const personNikLabel = (label: unknown) => typeof label === "string" && /^NIK\b/i.test(label) && !/koperasi/i.test(label);

/** Whether a case's data holds this NIK as the answer to a person's NIK question. */
function holdsNik(data: string, nik: string): boolean {
  try {
    const parsed = JSON.parse(data) as { answers?: { label?: unknown; value?: unknown }[] };
    return (parsed.answers ?? []).some((a) => personNikLabel(a.label) && typeof a.value === "string" && digits(a.value) === nik);
  } catch {
    return false;
  }
}

/** Whether a form in progress (of this office, when one is named) holds this NIK as its "nik" answer. */
function sessionHoldsNik(state: string, nik: string, officeId: string | null): boolean {
  try {
    const parsed = JSON.parse(state) as { officeId?: unknown; answers?: { nik?: { value?: unknown } } };
    if (officeId && typeof parsed.officeId === "string" && parsed.officeId !== officeId) return false;
    return parsed.answers?.nik?.value === nik;
  } catch {
    return false;
  }
}

export const chatKeyOf = (chat: { channel: string; chatId: string }) => `${chat.channel}:${chat.chatId}`;
const chatOfKey = (key: string) => ({ channel: key.slice(0, key.indexOf(":")), chatId: key.slice(key.indexOf(":") + 1) });

type CaseFound = CaseToPurge & {
  code: string;
  status: string;
  officeId: string;
  sopNumber: number;
  closedAt: Date | null;
  createdAt: Date;
};

/** The person's cases (of `officeId`, or all) and the chats they used. */
export async function findPerson(r: Reader, key: PersonKey, officeId: string | null) {
  const office = officeId ? { officeId } : {};
  const select = {
    id: true,
    code: true,
    title: true,
    data: true,
    status: true,
    officeId: true,
    sopNumber: true,
    closedAt: true,
    createdAt: true,
    openerChannel: true,
    openerChatId: true,
    purgedAt: true,
  } as const;
  let cases: (CaseFound & { purgedAt: Date | null })[];
  const chats = new Map<string, { channel: string; chatId: string }>();
  let sessions: string[];
  if ("nik" in key) {
    cases = (await r.case.findMany({ where: { ...office, data: { contains: key.nik } }, select, orderBy: { createdAt: "asc" } })).filter(
      (c) => holdsNik(c.data, key.nik),
    );
    sessions = (await r.formSession.findMany({ where: { state: { contains: key.nik } }, select: { chatKey: true, state: true } }))
      .filter((s) => sessionHoldsNik(s.state, key.nik, officeId))
      .map((s) => s.chatKey);
  } else {
    chats.set(chatKeyOf(key), key);
    cases = await r.case.findMany({
      where: { ...office, openerChannel: key.channel, openerChatId: key.chatId },
      select,
      orderBy: { createdAt: "asc" },
    });
    sessions = (await r.formSession.findMany({ where: { chatKey: chatKeyOf(key) }, select: { chatKey: true } })).map((s) => s.chatKey);
  }
  for (const c of cases)
    if (c.openerChannel && c.openerChatId)
      chats.set(chatKeyOf({ channel: c.openerChannel, chatId: c.openerChatId }), { channel: c.openerChannel, chatId: c.openerChatId });
  for (const s of sessions) chats.set(s, chatOfKey(s));
  // A chat is the person's own when every case it opened is theirs; a chat that also sent other
  // people's applications (a cooperative's operator) keeps its address, menus and identity.
  const own = new Set<string>();
  for (const [chatKey, chat] of chats) {
    const all = await r.case.count({ where: { openerChannel: chat.channel, openerChatId: chat.chatId } });
    const theirs = cases.filter((c) => c.openerChannel === chat.channel && c.openerChatId === chat.chatId).length;
    if (all === theirs) own.add(chatKey);
  }
  return { cases, chats: [...chats.values()], sessions, own };
}

/** What an erasure would do, and why it may not (Indonesian reasons, for the admin to pass on). */
export async function planErasure(r: Reader, key: PersonKey, officeId: string | null, rules: OfficeRules): Promise<PersonPlan> {
  return planFrom(await findPerson(r, key, officeId), rules);
}

function planFrom(found: Awaited<ReturnType<typeof findPerson>>, rules: OfficeRules): PersonPlan {
  const refusals: string[] = [];
  const cases: PersonCase[] = [];
  for (const c of found.cases) {
    const office = rules(c.officeId);
    const refusal = erasureRefusal(office ?? {}, c);
    const service = serviceOf(c.title);
    if (refusal?.kind === "open")
      refusals.push(`Permohonan ${c.code} (${service}) masih diproses: datanya dapat dihapus setelah permohonan selesai atau dibatalkan.`);
    if (refusal?.kind === "archive" && c.closedAt) {
      const until = retentionEnd(c.closedAt, retentionYears(office ?? {}))
        .toISOString()
        .slice(0, 10);
      refusals.push(`Permohonan ${c.code} (${service}): ${refusal.reason} Data disimpan sampai ${until}, lalu dihapus otomatis.`);
    }
    cases.push({ code: c.code, service, status: c.status, purged: c.purgedAt !== null });
  }
  return {
    cases,
    chats: found.chats.map((c) => ({ channel: c.channel as ChannelName, chatId: c.chatId })),
    formsInProgress: found.sessions.length,
    refusals,
  };
}

export interface ErasureOptions {
  key: PersonKey;
  officeId: string | null;
  rules: OfficeRules;
  now: Date;
  by: { officialId: string | null; label: string };
  /** What the person is told on each of their chats. */
  notice: string;
  filesDir: string;
}

/** Erases the person's data unless refused; returns the plan it followed and whether it erased. */
export async function erasePerson(db: Database, options: ErasureOptions): Promise<PersonPlan & { erased: boolean }> {
  const blobs: string[] = [];
  const outcome = await db.write(async (tx) => {
    const found = await findPerson(tx, options.key, options.officeId);
    const plan = planFrom(found, options.rules);
    if (plan.refusals.length > 0 || (plan.cases.length === 0 && plan.chats.length === 0)) return { ...plan, erased: false };
    const { cases } = found;
    const audit = createAuditAppender(tx);
    const event = (caseId: string | null, note: string) =>
      audit.append({
        at: options.now,
        caseId,
        stepId: null,
        actorOfficialId: options.by.officialId,
        actorLabel: options.by.label,
        actingAs: null,
        action: "data-erased",
        note,
        flowHash: null,
      });
    for (const kase of cases.filter((c) => c.purgedAt === null)) {
      const { files } = await purgeCase(
        tx,
        kase,
        options.now,
        (n) => purgeNote("atas permintaan pemilik data", n),
        (note) => event(kase.id, note),
      );
      blobs.push(...files);
    }
    const ownChats = plan.chats.filter((c) => found.own.has(chatKeyOf(c)));
    const forms = await tx.formSession.deleteMany({ where: { chatKey: { in: found.sessions } } });
    await tx.pendingPrompt.deleteMany({ where: { chatKey: { in: ownChats.map(chatKeyOf) } } });
    // Delivered texts quoting the NIK outside any case (the admin's own /hapusdata answers, a form
    // summary before it was sent) or in the erased cases lose their text; other cases are not touched.
    const erasedIds = cases.map((c) => c.id);
    let messages =
      "nik" in options.key
        ? (
            await tx.outboxMessage.updateMany({
              where: {
                text: { contains: options.key.nik },
                status: { not: "pending" },
                OR: [{ caseId: null }, { caseId: { in: erasedIds } }],
              },
              data: { text: "" },
            })
          ).count
        : 0;
    let identities = 0;
    for (const chat of ownChats) {
      messages += (await tx.outboxMessage.deleteMany({ where: { ...chat, caseId: null, status: { not: "pending" } } })).count;
      const externalId = chat.chatId.replace(/^console:/, "");
      identities += (await tx.chatIdentity.deleteMany({ where: { channel: chat.channel, externalId, officialId: null } })).count;
      // Files sent for a form never submitted (no case holds them).
      const loose = await tx.storedFile.findMany({
        where: { channel: chat.channel, uploaderId: externalId, caseId: null },
        select: { id: true, blobId: true },
      });
      await tx.storedFile.deleteMany({ where: { id: { in: loose.map((f) => f.id) } } });
      blobs.push(...loose.map((f) => f.blobId ?? f.id));
    }
    await event(
      null,
      `data pribadi dihapus atas permintaan pemilik data: ${plan.cases.length} kasus, ${forms.count} formulir, ` +
        `${messages} pesan, ${identities} identitas chat`,
    );
    await audit.flush();
    for (const chat of ownChats)
      await tx.outboxMessage.create({
        data: {
          ...chat,
          text: options.notice,
          dedupeKey: `${erasureNoticeKey}${randomUUID()}`,
          nextAttemptAt: options.now,
          createdAt: options.now,
        },
      });
    return { ...plan, erased: true };
  });
  if (outcome.erased) await removeUnreferencedBlobs(db, options.filesDir, blobs);
  return outcome;
}

export interface PersonDataPortOptions {
  rules: OfficeRules;
  filesDir: string;
  /** The key of the corrected answers' hashes (derivedSecret(key, "corrections")). */
  secret: Buffer;
  now(): Date;
  /** What the person is told once their data of this office was erased. */
  notice(officeId: string): string;
}

export function createPersonDataPort(db: Database, options: PersonDataPortOptions): PersonDataPort {
  return {
    plan: (key, officeId) => planErasure(db.reader, key, officeId, options.rules),
    erase: (key, officeId, by) =>
      erasePerson(db, {
        key,
        officeId,
        rules: options.rules,
        now: options.now(),
        by,
        notice: options.notice(officeId),
        filesDir: options.filesDir,
      }),
    hashOldValue: (caseId, value) => createHmac("sha256", options.secret).update(`${caseId}\n${value}`).digest("hex"),
  };
}
