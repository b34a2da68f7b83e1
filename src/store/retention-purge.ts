// The daily purge: keeps applicants' personal data only as long as the privacy notice promises.
// For a closed case past its office's retention (src/domain/retention.ts) it removes the form
// answers, the stored files, the texts of its messages and conversation, the subject in its title,
// the applicant's chat address, and the applicant's chat identity once no other kept case needs it.
// The case, its steps and its audit trail stay (kinds, times, officials, hashes: they hold no
// applicant data), and each purge is an audit event with its counts, so `audit:verify` still passes.
// Also the housekeeping of rows that outlive their use: delivered message texts, spent action
// tokens, old inbound receipts, used or expired enrolment codes, forms abandoned unsent, delivered
// messages of no case, generated files (charts, exports) once delivered, and encrypted bytes no row
// holds any more. Idempotent: a second run does nothing.
import { retentionCutoff } from "../domain/retention.ts";
import { applicantActor, serviceOf } from "../engine/case-rows.ts";
import { createAuditAppender } from "./audit-chain.ts";
import type { Database, Tx } from "./database.ts";
import { removeUnreferencedBlobs, sweepOrphanBlobs } from "./file-store.ts";

export interface PurgeOptions {
  offices: { id: string; years: number }[];
  /** Where stored files live (their bytes are removed after the rows are). */
  filesDir: string;
  /** Encrypted bytes touched more recently than this stay (an upload of the same content may be reusing them); default an hour. */
  blobGraceMs?: number;
  now: Date;
  /** Days a delivered message keeps its text (WhatsApp may ask for a resend; edits reuse it). */
  deliveredTextDays?: number;
  /** Days spent tokens, inbound receipts and used or expired enrolment codes are kept. */
  housekeepingDays?: number;
  /** Cases purged per transaction. */
  batch?: number;
}

export interface PurgeOutcome {
  cases: number;
  answers: number;
  files: number;
  messages: number;
  entries: number;
  identities: number;
  trimmedTexts: number;
  tokens: number;
  receipts: number;
  enrolmentCodes: number;
  /** Forms abandoned for the housekeeping period (never sent: no case, so no retention applies). */
  staleForms: number;
  /** Delivered messages of no case (menus, questions, replies) past the housekeeping period. */
  oldMessages: number;
  /** Charts and exports the bot made, removed once delivered; uploads for forms never submitted. */
  generatedFiles: number;
  /** Encrypted files removed from the disk (no row held them any more). */
  blobs: number;
}

const closed = ["completed", "rejected", "cancelled"];
/** The outbox key of the message telling a person their data was erased: once delivered, the row goes (it holds their address). */
export const erasureNoticeKey = "erasure-notice:";
const day = 86_400_000;

/** The form answers a case's data holds (an applicant's form), or its fields (a case opened otherwise). */
function answersIn(data: string): number {
  try {
    const parsed = JSON.parse(data) as unknown;
    if (!parsed || typeof parsed !== "object") return 0;
    const answers = (parsed as { answers?: unknown }).answers;
    return Array.isArray(answers) ? answers.length : Object.keys(parsed).length;
  } catch {
    return 0;
  }
}

export type CaseToPurge = { id: string; title: string; data: string; openerChannel: string | null; openerChatId: string | null };
export type PurgeCounts = { answers: number; files: number; messages: number; entries: number; identities: number };

/**
 * Removes one case's personal data inside `tx` (the retention purge, or an erasure on request);
 * `describe` words the audit note from the counts. Returns the counts and the blobs to remove after commit.
 */
export async function purgeCase(
  tx: Tx,
  kase: CaseToPurge,
  now: Date,
  describe: (counts: PurgeCounts) => string,
  append: (note: string) => Promise<void>,
) {
  const files = (await tx.storedFile.findMany({ where: { caseId: kase.id }, select: { id: true, blobId: true } })).map(
    (f) => f.blobId ?? f.id,
  );
  await tx.storedFile.deleteMany({ where: { caseId: kase.id } });
  const messages = await tx.outboxMessage.updateMany({ where: { caseId: kase.id }, data: { text: "", fileIds: null } });
  const entries = await tx.caseEntry.updateMany({ where: { caseId: kase.id }, data: { text: null, fileId: null } });
  await tx.caseEntry.updateMany({ where: { caseId: kase.id, authorOfficialId: null }, data: { authorLabel: applicantActor } });
  let identities = 0;
  if (kase.openerChannel && kase.openerChatId) {
    const chat = { channel: kase.openerChannel, chatId: kase.openerChatId };
    // The applicant's address on the case's own messages goes; officials' addresses stay.
    await tx.outboxMessage.updateMany({ where: { caseId: kase.id, ...chat }, data: { chatId: "" } });
    const others = await tx.case.count({
      where: { id: { not: kase.id }, openerChannel: chat.channel, openerChatId: chat.chatId, purgedAt: null },
    });
    if (others === 0) {
      // No other kept case of this chat: its remaining messages (menus, forms) and its identity go too.
      await tx.outboxMessage.deleteMany({ where: { ...chat, caseId: null, status: { not: "pending" } } });
      const externalId = chat.chatId.replace(/^console:/, "");
      identities = (await tx.chatIdentity.deleteMany({ where: { channel: chat.channel, externalId, officialId: null } })).count;
    }
  }
  await tx.case.update({
    where: { id: kase.id },
    data: { data: "{}", title: serviceOf(kase.title), openerChatId: null, purgedAt: now },
  });
  const counts = { answers: answersIn(kase.data), files: files.length, messages: messages.count, entries: entries.count, identities };
  await append(describe(counts));
  return { counts, files };
}

/** The audit note of a purge or an erasure: why, and what went (counts only). */
export function purgeNote(why: string, n: PurgeCounts): string {
  return (
    `data pribadi dihapus, ${why}: ${n.answers} jawaban, ${n.files} berkas, ${n.messages} pesan, ` +
    `${n.entries} catatan percakapan, ${n.identities} identitas chat`
  );
}

async function purgeOffice(db: Database, office: { id: string; years: number }, options: PurgeOptions, total: PurgeOutcome) {
  const cutoff = retentionCutoff(options.now, office.years);
  for (;;) {
    const removed: string[] = [];
    const done = await db.write(async (tx) => {
      const cases = await tx.case.findMany({
        where: { officeId: office.id, status: { in: closed }, purgedAt: null, closedAt: { lt: cutoff } },
        select: { id: true, title: true, data: true, openerChannel: true, openerChatId: true },
        orderBy: { closedAt: "asc" },
        take: options.batch ?? 100,
      });
      const audit = createAuditAppender(tx);
      for (const kase of cases) {
        const { counts, files } = await purgeCase(
          tx,
          kase,
          options.now,
          (n) => purgeNote(`${office.years} tahun setelah kasus ditutup`, n),
          (note) =>
            audit.append({
              at: options.now,
              caseId: kase.id,
              stepId: null,
              actorOfficialId: null,
              actorLabel: "sistem",
              actingAs: null,
              action: "data-purged",
              note,
              flowHash: null,
            }),
        );
        removed.push(...files);
        total.cases++;
        total.answers += counts.answers;
        total.files += counts.files;
        total.messages += counts.messages;
        total.entries += counts.entries;
        total.identities += counts.identities;
      }
      await audit.flush();
      return cases.length < (options.batch ?? 100);
    });
    // After the commit: a crash before this leaves unreferenced encrypted bytes (the daily sweep takes
    // them), never a row without its file. Bytes another row shares stay.
    total.blobs += await removeUnreferencedBlobs(db, options.filesDir, removed, options.blobGraceMs);
    if (done) return;
  }
}

async function housekeeping(db: Database, options: PurgeOptions, total: PurgeOutcome): Promise<void> {
  const now = options.now.getTime();
  const deliveredBefore = new Date(now - (options.deliveredTextDays ?? 7) * day);
  const keptBefore = new Date(now - (options.housekeepingDays ?? 30) * day);
  await db.write(async (tx) => {
    total.trimmedTexts = (
      await tx.outboxMessage.updateMany({
        where: { status: { in: ["sent", "merged"] }, createdAt: { lt: deliveredBefore }, text: { not: "" } },
        data: { text: "" },
      })
    ).count;
    total.trimmedTexts += (
      await tx.outboxMessage.deleteMany({ where: { dedupeKey: { startsWith: erasureNoticeKey }, status: "sent" } })
    ).count;
    // A form never sent made no case: its answers go after the housekeeping period without activity.
    total.staleForms = (
      await tx.formSession.deleteMany({ where: { kind: { in: ["menu", "form", "pick-case"] }, updatedAt: { lt: keptBefore } } })
    ).count;
    // Delivered messages of no case, except one that a kept row still points to (the lead of a merged
    // message whose members carry a step's buttons, or a message a later edit changes).
    const oldIds = (
      await tx.outboxMessage.findMany({
        where: { caseId: null, taskId: null, status: { in: ["sent", "merged"] }, createdAt: { lt: keptBefore } },
        select: { id: true },
      })
    ).map((m) => m.id);
    const pointedTo = new Set<number>();
    for (let i = 0; i < oldIds.length; i += 500) {
      const part = oldIds.slice(i, i + 500);
      for (const r of await tx.outboxMessage.findMany({
        where: { OR: [{ mergedIntoId: { in: part } }, { editOfId: { in: part } }], id: { notIn: part } },
        select: { mergedIntoId: true, editOfId: true },
      })) {
        if (r.mergedIntoId !== null) pointedTo.add(r.mergedIntoId);
        if (r.editOfId !== null) pointedTo.add(r.editOfId);
      }
    }
    const removable = oldIds.filter((id) => !pointedTo.has(id));
    total.oldMessages = 0;
    for (let i = 0; i < removable.length; i += 500)
      total.oldMessages += (await tx.outboxMessage.deleteMany({ where: { id: { in: removable.slice(i, i + 500) } } })).count;
    total.receipts = (await tx.inboundReceipt.deleteMany({ where: { receivedAt: { lt: keptBefore } } })).count;
    total.enrolmentCodes = (
      await tx.enrolmentCode.deleteMany({
        where: { createdAt: { lt: keptBefore }, OR: [{ usedAt: { not: null } }, { expiresAt: { lt: options.now } }] },
      })
    ).count;
    // Tokens of steps no longer pending can act on nothing (a press on them is told the step moved on).
    const old = await tx.actionToken.findMany({ where: { createdAt: { lt: keptBefore } }, select: { taskId: true }, distinct: ["taskId"] });
    const spent = await tx.stepTask.findMany({
      where: { id: { in: old.map((t) => t.taskId) }, status: { not: "open" } },
      select: { id: true },
    });
    total.tokens = (
      await tx.actionToken.deleteMany({ where: { taskId: { in: spent.map((t) => t.id) }, createdAt: { lt: keptBefore } } })
    ).count;
    // Charts and exports are sent, not kept: their rows go a while after they were made (unless a
    // message still waiting to go out carries them). Files sent for a form never submitted (no case
    // holds them) go after twice the housekeeping period.
    const waiting = new Set(
      (await tx.outboxMessage.findMany({ where: { status: "pending", fileIds: { not: null } }, select: { fileIds: true } })).flatMap(
        (m) => JSON.parse(m.fileIds ?? "[]") as string[],
      ),
    );
    const looseBefore = new Date(now - 2 * (options.housekeepingDays ?? 30) * day);
    const generated = await tx.storedFile.findMany({
      where: {
        caseId: null,
        OR: [
          { channel: "system", createdAt: { lt: deliveredBefore } },
          { channel: { not: "system" }, createdAt: { lt: looseBefore } },
        ],
      },
      select: { id: true },
    });
    const unwanted = generated.map((g) => g.id).filter((id) => !waiting.has(id));
    total.generatedFiles = (await tx.storedFile.deleteMany({ where: { id: { in: unwanted } } })).count;
  });
  total.blobs += await sweepOrphanBlobs(db, options.filesDir, options.blobGraceMs);
}

export async function purgeExpiredData(db: Database, options: PurgeOptions): Promise<PurgeOutcome> {
  const total: PurgeOutcome = {
    cases: 0,
    answers: 0,
    files: 0,
    messages: 0,
    entries: 0,
    identities: 0,
    trimmedTexts: 0,
    tokens: 0,
    receipts: 0,
    enrolmentCodes: 0,
    staleForms: 0,
    oldMessages: 0,
    generatedFiles: 0,
    blobs: 0,
  };
  for (const office of options.offices) await purgeOffice(db, office, options, total);
  await housekeeping(db, options, total);
  return total;
}
