// The case engine: opens cases, offers each step to the people who hold the acting position (or
// their Plt./Plh.), carries out decisions, and fires deadlines. Every operation runs in one
// transaction: the pure decide() picks the transition; this module writes the task rows, the
// audit events, the outbox messages and the deadline rows that follow from it.
import { createHash, randomBytes } from "node:crypto";
import { resolveActor } from "../domain/actor-resolution.ts";
import { allowedActions, decide, type CaseEffect, type CaseState, type StepAction } from "../domain/case-machine.ts";
import type { Office } from "../domain/office-schema.ts";
import type { Sop, SopStep } from "../domain/sop-schema.ts";
import { stepStandardTime } from "../domain/sop-summary.ts";
import { addOfficeMinutes, addWorkingDays, isOfficeTime, localDate, atLocal, type WorkCalendar } from "../domain/working-time.ts";
import { actionLabels, caseTexts, decisionWords, formatDateTime, refusals, stepMessage, stepPosition } from "./case-messages.ts";
import type { ActionRef, Candidate, CaseRow, DelegationRow, EngineStore, EngineTx, OfficialRow, TaskRow, TokenAction } from "./case-ports.ts";
import type { Clock } from "./ports.ts";
import type { ChannelName } from "./types.ts";

export interface SopSource {
  sop: Sop;
  hash: string;
  text: string;
}

export interface CaseEngineDeps {
  store: EngineStore;
  clock: Clock;
  office(officeId: string): Office | undefined;
  /** The current catalog's SOP (a new case pins its content). */
  sop(number: number): SopSource | undefined;
  calendar(officeId: string): WorkCalendar;
  /** Escalation at this multiple of the standard time (default 2). */
  escalationFactor?: number;
}

/** Who is acting, as the engine sees it. */
export interface Actor {
  official: OfficialRow;
  channel: ChannelName;
  chatId: string;
}

export type Reply = { text: string; actions?: ActionRef[]; taskId?: string; fileIds?: string[] };

export interface OpenCaseInput {
  officeId: string;
  sopNumber: number;
  title: string;
  openedBy?: OfficialRow;
  opener?: { channel: ChannelName; chatId: string };
  subjectOfficialId?: string;
  data?: Record<string, unknown>;
  /** A chat form sent by the applicant: completes the SOP's first step when it is the applicant's. */
  applicantSubmission?: { label: string; note: string; fileIds: string[] };
}

const codeAlphabet = "ACDEFHJKMNPQRTUVWXY34679"; // no look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, G

export function newCaseCode(sopNumber: number, random: () => Buffer = () => randomBytes(5)): string {
  const bytes = random();
  let suffix = "";
  for (const b of bytes) suffix += codeAlphabet[b % codeAlphabet.length];
  return `${sopNumber}-${suffix}`;
}

/** Accepts "18-7q3fk", "18 7Q3FK", "187Q3FK": upper-cased, separators removed, dash restored. */
export function normalizeCaseCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, "");
  const match = /^(\d{1,2})([A-Z0-9]{5})$/.exec(compact);
  // Anything else is not a code; it is shown back cut short (never echo a whole flood).
  const raw = input.trim().toUpperCase();
  return match ? `${match[1]}-${match[2]}` : raw.length > 16 ? `${raw.slice(0, 16)}…` : raw;
}

function newToken(): string {
  return randomBytes(9).toString("base64url");
}

export function hashCode(code: string): string {
  return createHash("sha256").update(code.trim().toUpperCase().replace(/[^0-9A-Z]/g, "")).digest("hex");
}

function activeDelegationFor(delegations: DelegationRow[], absentOfficialId: string, now: Date): DelegationRow | undefined {
  return delegations.find((d) => d.absentOfficialId === absentOfficialId && !d.endedAt && d.startsAt <= now && d.endsAt > now);
}

export function createCaseEngine(deps: CaseEngineDeps) {
  const { store, clock } = deps;
  const escalationFactor = deps.escalationFactor ?? 2;

  function officeOf(officeId: string): Office {
    const office = deps.office(officeId);
    if (!office) throw new Error(`Unknown office ${officeId}`);
    return office;
  }

  function stepOf(sop: Sop, stepId: string): SopStep {
    const step = sop.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`SOP ${sop.number} has no step ${stepId}`);
    return step;
  }

  function positionTitle(office: Office, key: string | null): string | undefined {
    return key ? office.positions.find((p) => p.id === key)?.title : undefined;
  }

  /** The actor label for the audit trail: "Maria (Sekretaris)", or "Agustinus (Plt. Sekretaris untuk Maria)". */
  async function actingAs(tx: EngineTx, office: Office, official: OfficialRow, task: TaskRow | null): Promise<string> {
    const candidate = task?.candidates.find((c) => c.officialId === official.id);
    if (candidate?.delegationId) {
      const absent = candidate.onBehalfOfOfficialId ? await tx.official(candidate.onBehalfOfOfficialId) : null;
      const delegation = (await tx.delegations(office.id)).find((d) => d.id === candidate.delegationId);
      const title = positionTitle(office, candidate.positionKey) ?? "";
      return `${delegation?.kind === "plt" ? "Plt." : "Plh."} ${title}${absent ? ` untuk ${absent.name}` : ""}`.trim();
    }
    const title = positionTitle(office, candidate?.positionKey ?? null);
    if (title) return title;
    const keys = await tx.positionsOf(official.id, clock.now());
    return keys.map((k) => positionTitle(office, k) ?? k).join(", ") || (official.isAdmin ? "admin" : "pejabat");
  }

  /** Superior position holders, walking up past vacant positions. */
  async function superiorHolders(tx: EngineTx, office: Office, positionKey: string, now: Date): Promise<{ key: string; holders: OfficialRow[] } | null> {
    let current = office.positions.find((p) => p.id === positionKey)?.superior ?? null;
    while (current) {
      const holders = await tx.holders(office.id, current, now);
      if (holders.length > 0) return { key: current, holders };
      current = office.positions.find((p) => p.id === current)?.superior ?? null;
    }
    return null;
  }

  /** Holders of a position; a vacant position falls to its nearest held superior. */
  async function positionCandidates(tx: EngineTx, office: Office, key: string, now: Date): Promise<{ candidates: Candidate[]; vacancy?: string }> {
    const holders = await tx.holders(office.id, key, now);
    if (holders.length > 0) return { candidates: holders.map((h) => ({ officialId: h.id, positionKey: key })) };
    const up = await superiorHolders(tx, office, key, now);
    if (!up) return { candidates: [] };
    return {
      candidates: up.holders.map((h) => ({ officialId: h.id, positionKey: up.key })),
      vacancy: positionTitle(office, key) ?? key,
    };
  }

  /** The nearest step (before, then after) whose actor is a position: who records an outside party's part. */
  function recorderStep(office: Office, sop: Sop, step: SopStep): string | null {
    const index = sop.steps.indexOf(step);
    const order = [...sop.steps.slice(0, index).reverse(), ...sop.steps.slice(index + 1)];
    for (const s of order) {
      const r = resolveActor(office, s.actor, sop.number);
      if (r.kind === "position") return r.position.id;
    }
    return null;
  }

  async function resolveCandidates(
    tx: EngineTx,
    office: Office,
    sop: Sop,
    step: SopStep,
    kase: CaseRow,
    now: Date,
    previousDoer: string | null,
  ): Promise<{ candidates: Candidate[]; waitingFor: string | null; vacancy?: string }> {
    const resolved = resolveActor(office, step.actor, sop.number);
    let result: { candidates: Candidate[]; waitingFor: string | null; vacancy?: string };
    if (resolved.kind === "position") {
      const key = (kase.data["choices"] as Record<string, string> | undefined)?.[step.actor] ?? resolved.position.id;
      const { candidates, vacancy } = await positionCandidates(tx, office, key, now);
      result = { candidates, waitingFor: null, ...(vacancy ? { vacancy } : {}) };
    } else if (resolved.kind === "party" && resolved.party === "employee") {
      const employee = kase.subjectOfficialId ?? kase.openedByOfficialId;
      const keys = employee ? await tx.positionsOf(employee, now) : [];
      result = { candidates: employee ? [{ officialId: employee, positionKey: keys[0] ?? null }] : [], waitingFor: "employee" };
    } else if (resolved.kind === "party" && resolved.party === "employee-superior") {
      const employee = kase.subjectOfficialId ?? kase.openedByOfficialId;
      const keys = employee ? await tx.positionsOf(employee, now) : [];
      const up = keys[0] ? await superiorHolders(tx, office, keys[0], now) : null;
      result = { candidates: up ? up.holders.map((h) => ({ officialId: h.id, positionKey: up.key })) : [], waitingFor: null };
    } else {
      // Applicant or an outside body: the office names who records it, else the official of the nearest internal step.
      const key = (resolved.kind === "party" ? resolved.recordedBy : undefined) ?? recorderStep(office, sop, step);
      const { candidates } = key ? await positionCandidates(tx, office, key, now) : { candidates: [] };
      result = { candidates, waitingFor: resolved.kind === "party" ? resolved.party : "external" };
    }
    // A returned step goes back to the person who did it, if they still may.
    if (previousDoer && result.candidates.some((c) => c.officialId === previousDoer)) {
      result.candidates = result.candidates.filter((c) => c.officialId === previousDoer);
    }
    if (result.candidates.length === 0) {
      // Nobody holds the position or any superior: the office's admins see it.
      const admins = (await tx.officialsOfOffice(office.id)).filter((o) => o.isAdmin);
      result.candidates = admins.map((a) => ({ officialId: a.id, positionKey: null }));
    }
    // Plt./Plh.: an absent candidate is replaced by the deputy.
    const delegations = await tx.delegations(office.id);
    result.candidates = result.candidates.map((c) => {
      const d = activeDelegationFor(delegations, c.officialId, now);
      return d ? { officialId: d.deputyOfficialId, positionKey: c.positionKey, delegationId: d.id, onBehalfOfOfficialId: c.officialId } : c;
    });
    // One entry per person.
    const seen = new Set<string>();
    result.candidates = result.candidates.filter((c) => (seen.has(c.officialId) ? false : (seen.add(c.officialId), true)));
    return result;
  }

  function dueTimes(step: SopStep, openedAt: Date, calendar: WorkCalendar): { dueAt: Date | null; escalateAt: Date | null } {
    const standard = stepStandardTime(step);
    if (!standard) return { dueAt: null, escalateAt: null };
    if ("minutes" in standard) {
      return {
        dueAt: addOfficeMinutes(openedAt, standard.minutes, calendar),
        escalateAt: addOfficeMinutes(openedAt, standard.minutes * escalationFactor, calendar),
      };
    }
    return {
      dueAt: addWorkingDays(openedAt, standard.workingDays, calendar),
      escalateAt: addWorkingDays(openedAt, Math.ceil(standard.workingDays * escalationFactor), calendar),
    };
  }

  async function notifyOfficial(
    tx: EngineTx,
    officialId: string,
    text: string,
    at: Date,
    extra: { actions?: ActionRef[]; caseId?: string; taskId?: string; fileIds?: string[]; dedupeKey?: string } = {},
  ): Promise<void> {
    const address = (await tx.addressesOf(officialId))[0];
    if (!address) return;
    await tx.enqueue({ channel: address.channel, chatId: address.chatId, text, ...extra }, at);
  }

  async function notifyOpener(tx: EngineTx, kase: CaseRow, text: string, at: Date, skipOfficialIds: string[] = []): Promise<void> {
    if (kase.openedByOfficialId && skipOfficialIds.includes(kase.openedByOfficialId)) return;
    if (kase.openerChannel && kase.openerChatId) {
      await tx.enqueue({ channel: kase.openerChannel, chatId: kase.openerChatId, text, caseId: kase.id }, at);
    } else if (kase.openedByOfficialId) {
      await notifyOfficial(tx, kase.openedByOfficialId, text, at, { caseId: kase.id });
    }
  }

  /** Creates tokens for the actions a person is offered on a task. */
  async function offer(tx: EngineTx, task: TaskRow, actions: TokenAction[], at: Date): Promise<ActionRef[]> {
    const refs: ActionRef[] = [];
    for (const action of actions) {
      const token = newToken();
      await tx.createToken(token, task.id, task.visit, action, at);
      refs.push({ label: actionLabels[action], token });
    }
    return refs;
  }

  /** Shows the outcome on every message that offered buttons for a task, and removes the buttons. */
  async function closeTaskMessages(tx: EngineTx, task: TaskRow, outcome: string, at: Date, onlyChats?: Set<string>): Promise<void> {
    for (const m of await tx.actionMessagesOfTask(task.id)) {
      if (onlyChats && !onlyChats.has(`${m.channel}:${m.chatId}`)) continue;
      await tx.enqueue({ channel: m.channel, chatId: m.chatId, text: `${m.text}\n\n${outcome}`, editOfId: m.id, caseId: task.caseId }, at);
    }
  }

  /** The latest step before `step` that the applicant does (where a "request" sends the case). */
  function applicantStepBefore(office: Office, sop: Sop, step: SopStep): SopStep | null {
    const index = sop.steps.indexOf(step);
    for (let i = index - 1; i >= 0; i--) {
      const s = sop.steps[i] as SopStep;
      const r = resolveActor(office, s.actor, sop.number);
      if (r.kind === "party" && r.party === "applicant") return s;
    }
    return null;
  }

  /** A case an applicant opened from a chat form: the applicant can be asked for what is missing. */
  function isApplicantCase(kase: CaseRow): boolean {
    return typeof kase.data["form"] === "string" && kase.openerChatId !== null;
  }

  function stepActions(kase: CaseRow, sop: Sop, step: SopStep): TokenAction[] {
    const actions = allowedActions(step).flatMap((a): TokenAction[] => (a === "done" ? ["done", "done-note"] : a === "request" ? [] : [a]));
    const office = officeOf(kase.officeId);
    const isInternal = resolveActor(office, step.actor, sop.number).kind === "position";
    if (isInternal && isApplicantCase(kase) && applicantStepBefore(office, sop, step)) actions.push("ask-applicant");
    return actions;
  }

  async function sendStepMessage(tx: EngineTx, kase: CaseRow, sop: Sop, task: TaskRow, at: Date, opts: { returned?: { by: string; reason: string }; only?: string } = {}): Promise<void> {
    const office = officeOf(kase.officeId);
    const step = stepOf(sop, task.stepId);
    const many = task.candidates.length > 1 && !task.takenByOfficialId;
    for (const c of task.candidates) {
      if (opts.only && c.officialId !== opts.only) continue;
      if (task.takenByOfficialId && c.officialId !== task.takenByOfficialId) continue;
      const absent = c.onBehalfOfOfficialId ? await tx.official(c.onBehalfOfOfficialId) : null;
      const text = stepMessage({
        kase,
        sop,
        step,
        dueAt: task.dueAt,
        timeZone: office.timeZone,
        offeredToMany: many,
        waitingFor: task.waitingFor,
        ...(opts.returned ? { returned: opts.returned } : {}),
        ...(absent ? { onBehalfOf: absent.name } : {}),
      });
      const actions = await offer(tx, task, many ? ["take"] : stepActions(kase, sop, step), at);
      const files = (await tx.filesOfCase(kase.id)).slice(-10);
      const answers = Array.isArray(kase.data["answers"]) ? (kase.data["answers"] as { label: string; value: string }[]) : [];
      const withAnswers = answers.length > 0 ? `${text}\nData permohonan:\n${answers.map((a) => `• ${a.label}: ${a.value}`).join("\n")}` : text;
      const withFiles = files.length > 0 ? `${withAnswers}\nBerkas kasus terlampir (${files.length}): ${files.map((f) => f.name).join(", ")}` : withAnswers;
      await notifyOfficial(tx, c.officialId, withFiles, at, { actions, caseId: kase.id, taskId: task.id, ...(files.length > 0 ? { fileIds: files.map((f) => f.id) } : {}) });
    }
  }

  async function openStep(tx: EngineTx, kase: CaseRow, sop: Sop, stepId: string, visit: number, at: Date, returned?: { by: string; reason: string }): Promise<TaskRow> {
    const office = officeOf(kase.officeId);
    const step = stepOf(sop, stepId);
    const previous = returned ? (await tx.tasksOfCase(kase.id)).filter((t) => t.stepId === stepId && t.decidedByOfficialId).at(-1) : undefined;
    const { candidates, waitingFor, vacancy } = await resolveCandidates(tx, office, sop, step, kase, at, previous?.decidedByOfficialId ?? null);
    const { dueAt, escalateAt } = dueTimes(step, at, deps.calendar(kase.officeId));
    const task: TaskRow = {
      id: `${kase.id}:${visit}`,
      caseId: kase.id,
      stepId,
      visit,
      status: "open",
      candidates,
      waitingFor,
      takenByOfficialId: candidates.length === 1 ? (candidates[0]?.officialId ?? null) : null,
      openedAt: at,
      dueAt,
      escalateAt,
      decidedByOfficialId: null,
      decision: null,
      note: null,
      closedAt: null,
    };
    await tx.createTask(task);
    if (dueAt) await tx.addDeadline({ id: `${task.id}:reminder`, caseId: kase.id, taskId: task.id, kind: "reminder", dueAt });
    if (escalateAt) await tx.addDeadline({ id: `${task.id}:escalation`, caseId: kase.id, taskId: task.id, kind: "escalation", dueAt: escalateAt });
    const names = await Promise.all(candidates.map(async (c) => (await tx.official(c.officialId))?.name ?? c.officialId));
    await tx.appendAudit({
      at,
      caseId: kase.id,
      stepId,
      actorLabel: "sistem",
      action: returned ? "step-reopened" : "step-opened",
      note: [`ditawarkan kepada ${names.join(", ") || "(tidak ada)"}`, vacancy ? `jabatan ${vacancy} kosong` : null, returned ? `alasan: ${returned.reason}` : null]
        .filter(Boolean)
        .join("; "),
      flowHash: kase.flowHash,
    });
    await sendStepMessage(tx, kase, sop, task, at, returned ? { returned } : {});
    if (waitingFor === "applicant" && isApplicantCase(kase) && kase.openerChannel && kase.openerChatId) {
      await noticeApplicant(tx, kase, sop, step, task, at, returned?.reason);
    }
    if (vacancy) {
      for (const c of candidates) await notifyOfficial(tx, c.officialId, caseTexts.vacant(vacancy, names.join(", ")), at, { caseId: kase.id });
    }
    return task;
  }

  /** Carries out the effects decide() returned. */
  async function applyEffects(tx: EngineTx, kase: CaseRow, sop: Sop, effects: CaseEffect[], at: Date, by: string): Promise<void> {
    for (const effect of effects) {
      if (effect.type === "step-opened") {
        await openStep(tx, kase, sop, effect.stepId, effect.visit, at, effect.returnedFrom ? { by, reason: effect.returnedFrom.reason } : undefined);
        const applicantStep = isApplicantCase(kase) && resolveActor(officeOf(kase.officeId), stepOf(sop, effect.stepId).actor, sop.number).kind === "party";
        if (effect.returnedFrom && !applicantStep) {
          const stepText = stepPosition(sop, stepOf(sop, effect.stepId));
          const task = (await tx.tasksOfCase(kase.id)).find((t) => t.visit === effect.visit);
          await notifyOpener(tx, kase, caseTexts.returnedToOpener(kase, effect.returnedFrom.reason, stepText), at, task?.candidates.map((c) => c.officialId) ?? []);
        }
      } else if (effect.type === "case-closed") {
        await tx.appendAudit({ at, caseId: kase.id, actorLabel: by, action: `case-${effect.status}`, ...(effect.reason ? { note: effect.reason } : {}), flowHash: kase.flowHash });
        if (isApplicantCase(kase) && effect.status === "completed" && kase.openerChannel && kase.openerChatId) {
          // The applicant receives the result: how to collect it, and any documents the office attached.
          const files = (await tx.filesOfCase(kase.id)).filter((f) => !f.byApplicant).map((f) => f.id).slice(-5);
          const result = typeof kase.data["result"] === "string" ? kase.data["result"] : null;
          await tx.enqueue({ channel: kase.openerChannel, chatId: kase.openerChatId, text: caseTexts.applicantResult(kase, result, files.length), caseId: kase.id, ...(files.length > 0 ? { fileIds: files } : {}) }, at);
          await tx.deleteFormSession(`${kase.openerChannel}:${kase.openerChatId}`);
        } else {
          await notifyOpener(tx, kase, caseTexts.closed(kase, effect.status, effect.reason), at);
        }
      }
    }
  }

  /** Tells the applicant a step of theirs is open, and lets their chat answer it (KIRIM). */
  async function noticeApplicant(tx: EngineTx, kase: CaseRow, sop: Sop, step: SopStep, task: TaskRow, at: Date, reason?: string): Promise<void> {
    if (!kase.openerChannel || !kase.openerChatId) return;
    const chatKey = `${kase.openerChannel}:${kase.openerChatId}`;
    const officialFiles = (await tx.filesOfCase(kase.id)).filter((f) => !f.byApplicant).map((f) => f.id);
    const result = typeof kase.data["result"] === "string" ? kase.data["result"] : null;
    const last = sop.steps.at(-1)?.id === step.id;
    const text = reason ? caseTexts.requestToApplicant(kase, reason) : caseTexts.nextForApplicant(kase, step.action, last ? result : null);
    await tx.enqueue({ channel: kase.openerChannel, chatId: kase.openerChatId, text, caseId: kase.id, ...(!reason && last && officialFiles.length > 0 ? { fileIds: officialFiles.slice(-5) } : {}) }, at);
    await tx.saveFormSession({ chatKey, kind: "amend", formId: null, formHash: null, caseId: kase.id, state: { visit: task.visit, notes: [], files: [], requested: Boolean(reason) }, createdAt: at, updatedAt: at });
  }

  /** The applicant completes their open step (they sent what was asked and typed KIRIM). */
  async function decideAsApplicant(tx: EngineTx, kase: CaseRow, label: string, note: string, fileIds: string[]): Promise<boolean> {
    const at = clock.now();
    const task = (await tx.tasksOfCase(kase.id)).find((t) => t.status === "open");
    if (!task || task.waitingFor !== "applicant" || kase.status !== "open") return false;
    const sop = await tx.pinnedSop(kase.flowHash);
    const transition = decide(sop, { status: kase.status, stepId: kase.currentStepId, visit: kase.visit }, { type: "act", visit: task.visit, action: "done" });
    if (!transition.ok) return false;
    for (const id of fileIds) await tx.attachFile(id, kase.id, task.id);
    await tx.updateCase(kase.id, kase.version, {
      status: transition.state.status,
      currentStepId: transition.state.stepId,
      visit: transition.state.visit,
      ...(transition.state.status !== "open" ? { closedAt: at } : {}),
    });
    await tx.updateTask(task.id, { status: "done", decision: "done", note: note || null, closedAt: at });
    await closeTaskMessages(tx, task, `✔ Dilakukan oleh pemohon (${label}), ${formatDateTime(at, officeOf(kase.officeId).timeZone)}`, at);
    await tx.appendAudit({ at, caseId: kase.id, stepId: task.stepId, actorLabel: `Pemohon: ${label}`, actingAs: "pemohon", action: "step-done", ...(note ? { note } : {}), flowHash: kase.flowHash });
    const updated = (await tx.caseById(kase.id)) as CaseRow;
    await applyEffects(tx, updated, sop, transition.effects, at, `pemohon (${label})`);
    return true;
  }

  async function openCaseIn(tx: EngineTx, input: OpenCaseInput): Promise<CaseRow> {
    const at = clock.now();
    const source = deps.sop(input.sopNumber);
    if (!source) throw new Error(`Unknown SOP ${input.sopNumber}`);
    officeOf(input.officeId);
    await tx.pinFlow(source.hash, input.sopNumber, source.text);
    let code = newCaseCode(input.sopNumber);
    for (let i = 0; i < 5 && (await tx.caseByCode(code)); i++) code = newCaseCode(input.sopNumber);
    const kase: CaseRow = {
      id: `c_${randomBytes(8).toString("hex")}`,
      code,
      officeId: input.officeId,
      sopNumber: input.sopNumber,
      flowHash: source.hash,
      title: input.title,
      status: "open",
      currentStepId: null,
      visit: 0,
      version: 0,
      openedByOfficialId: input.openedBy?.id ?? null,
      openerChannel: input.opener?.channel ?? null,
      openerChatId: input.opener?.chatId ?? null,
      subjectOfficialId: input.subjectOfficialId ?? null,
      data: input.data ?? {},
      createdAt: at,
      closedAt: null,
    };
    await tx.createCase(kase);
    await tx.appendAudit({
      at,
      caseId: kase.id,
      ...(input.openedBy ? { actorOfficialId: input.openedBy.id } : {}),
      actorLabel: input.openedBy?.name ?? "sistem",
      action: "case-opened",
      note: `SOP ${input.sopNumber}: ${input.title}`,
      flowHash: source.hash,
    });
    if (!input.applicantSubmission) await notifyOpener(tx, kase, caseTexts.opened(kase, source.sop), at);
    const transition = decide(source.sop, { status: "open", stepId: null, visit: 0 }, { type: "start" });
    if (!transition.ok) throw new Error(`Cannot start case: ${transition.error}`);
    await tx.updateCase(kase.id, kase.version, { currentStepId: transition.state.stepId, visit: transition.state.visit });
    let saved = (await tx.caseById(kase.id)) as CaseRow;
    const first = source.sop.steps[0] as SopStep;
    const firstActor = resolveActor(officeOf(input.officeId), first.actor, input.sopNumber);
    const submission = input.applicantSubmission;
    if (submission && firstActor.kind === "party" && firstActor.party === "applicant") {
      // The applicant's own first step (filling the registration form) is the submission itself.
      await tx.createTask({
        id: `${kase.id}:${saved.visit}`,
        caseId: kase.id,
        stepId: first.id,
        visit: saved.visit,
        status: "done",
        candidates: [],
        waitingFor: "applicant",
        takenByOfficialId: null,
        openedAt: at,
        dueAt: null,
        escalateAt: null,
        decidedByOfficialId: null,
        decision: "done",
        note: submission.note,
        closedAt: at,
      });
      for (const id of submission.fileIds) await tx.attachFile(id, kase.id, `${kase.id}:${saved.visit}`);
      await tx.appendAudit({ at, caseId: kase.id, stepId: first.id, actorLabel: `Pemohon: ${submission.label}`, actingAs: "pemohon", action: "step-done", note: submission.note, flowHash: source.hash });
      const next = decide(source.sop, { status: "open", stepId: first.id, visit: saved.visit }, { type: "act", visit: saved.visit, action: "done" });
      if (!next.ok) throw new Error(`Cannot complete the applicant's step: ${next.error}`);
      await tx.updateCase(kase.id, saved.version, { status: next.state.status, currentStepId: next.state.stepId, visit: next.state.visit });
      saved = (await tx.caseById(kase.id)) as CaseRow;
      await applyEffects(tx, saved, source.sop, next.effects.filter((e) => e.type !== "step-closed"), at, `pemohon (${submission.label})`);
      return saved;
    }
    for (const id of submission?.fileIds ?? []) await tx.attachFile(id, kase.id, null);
    await applyEffects(tx, saved, source.sop, transition.effects, at, input.openedBy?.name ?? "sistem");
    return saved;
  }

  function mayAct(task: TaskRow, officialId: string): boolean {
    if (task.takenByOfficialId) return task.takenByOfficialId === officialId;
    return task.candidates.some((c) => c.officialId === officialId);
  }

  type ActOutcome = { ok: true; replies: Reply[] } | { ok: false; reply: string };

  /** Carries out a decision on a step (after all checks), inside the transaction. */
  async function decideStep(tx: EngineTx, actor: Actor, task: TaskRow, action: StepAction, note: string | undefined, to?: string): Promise<ActOutcome> {
    const at = clock.now();
    const kase = await tx.caseById(task.caseId);
    if (!kase) return { ok: false, reply: refusals.stale };
    if (kase.status !== "open") return { ok: false, reply: refusals.caseClosed };
    const sop = await tx.pinnedSop(kase.flowHash);
    const state: CaseState = { status: kase.status, stepId: kase.currentStepId, visit: kase.visit };
    if (state.visit !== task.visit || task.status !== "open") return { ok: false, reply: refusals.stale };
    const transition = decide(sop, state, { type: "act", visit: task.visit, action, ...(note !== undefined ? { reason: note } : {}), ...(to ? { to } : {}) });
    if (!transition.ok) {
      return { ok: false, reply: transition.error === "reason-required" ? refusals.reasonRequired : refusals.stale };
    }
    const office = officeOf(kase.officeId);
    const role = await actingAs(tx, office, actor.official, task);
    await tx.updateCase(kase.id, kase.version, {
      status: transition.state.status,
      currentStepId: transition.state.stepId,
      visit: transition.state.visit,
      ...(transition.state.status !== "open" ? { closedAt: at } : {}),
    });
    await tx.updateTask(task.id, {
      status: "done",
      decision: action,
      decidedByOfficialId: actor.official.id,
      takenByOfficialId: task.takenByOfficialId ?? actor.official.id,
      note: note ?? null,
      closedAt: at,
    });
    const step = stepOf(sop, task.stepId);
    const stepText = stepPosition(sop, step);
    await closeTaskMessages(tx, task, `✔ ${decisionWords[action][0]?.toUpperCase()}${decisionWords[action].slice(1)} oleh ${actor.official.name} (${role}), ${formatDateTime(at, office.timeZone)}${note ? `\n${action === "done" ? "Catatan" : "Alasan"}: ${note}` : ""}`, at);
    await tx.appendAudit({
      at,
      caseId: kase.id,
      stepId: task.stepId,
      actorOfficialId: actor.official.id,
      actorLabel: actor.official.name,
      actingAs: role,
      action: `step-${action}`,
      ...(note ? { note } : {}),
      flowHash: kase.flowHash,
    });
    // Everyone else who was offered the step learns it is done.
    for (const c of task.candidates) {
      if (c.officialId === actor.official.id) continue;
      await notifyOfficial(tx, c.officialId, caseTexts.decided(kase, stepText, action, `${actor.official.name} (${role})`), at, { caseId: kase.id });
    }
    const updated = (await tx.caseById(kase.id)) as CaseRow;
    await applyEffects(tx, updated, sop, transition.effects, at, `${actor.official.name} (${role})`);
    return { ok: true, replies: [{ text: `${caseTexts.decided(kase, stepText, action, "Anda")}${note && action !== "done" ? `\nAlasan: ${note}` : note ? `\nCatatan: ${note}` : ""}` }] };
  }

  async function pressIn(tx: EngineTx, actor: Actor, tokenValue: string): Promise<Reply[]> {
    const token = await tx.token(tokenValue);
    if (!token) return [{ text: refusals.unknownButton }];
    const task = await tx.taskById(token.taskId);
    if (!task) return [{ text: refusals.unknownButton }];
    const kase = await tx.caseById(task.caseId);
    if (!kase || kase.status !== "open") return [{ text: refusals.caseClosed }];
    if (task.status !== "open" || task.visit !== token.visit || kase.visit !== token.visit) return [{ text: refusals.stale }];
    if (!mayAct(task, actor.official.id)) {
      if (task.takenByOfficialId && task.candidates.some((c) => c.officialId === actor.official.id)) {
        const taker = await tx.official(task.takenByOfficialId);
        return [{ text: refusals.takenByOther(taker?.name ?? "orang lain") }];
      }
      return [{ text: refusals.notYours }];
    }
    const at = clock.now();
    const sop = await tx.pinnedSop(kase.flowHash);
    const step = stepOf(sop, task.stepId);
    const chatKey = `${actor.channel}:${actor.chatId}`;
    switch (token.action) {
      case "take": {
        if (task.takenByOfficialId) return [{ text: refusals.stale }];
        await tx.updateTask(task.id, { takenByOfficialId: actor.official.id });
        const office = officeOf(kase.officeId);
        const role = await actingAs(tx, office, actor.official, task);
        await tx.appendAudit({ at, caseId: kase.id, stepId: task.stepId, actorOfficialId: actor.official.id, actorLabel: actor.official.name, actingAs: role, action: "step-taken", flowHash: kase.flowHash });
        const stepText = stepPosition(sop, step);
        await closeTaskMessages(tx, task, `✔ Diambil oleh ${actor.official.name} (${role}), ${formatDateTime(at, office.timeZone)}`, at);
        for (const c of task.candidates) {
          if (c.officialId !== actor.official.id) await notifyOfficial(tx, c.officialId, caseTexts.taken(kase, stepText, `${actor.official.name} (${role})`), at, { caseId: kase.id });
        }
        const taken = { ...task, takenByOfficialId: actor.official.id };
        const actions = await offer(tx, taken, stepActions(kase, sop, step), at);
        return [{ text: caseTexts.youTook(kase, stepText), actions, taskId: task.id }];
      }
      case "return":
      case "reject":
        await tx.setPrompt({ chatKey, officialId: actor.official.id, kind: token.action === "return" ? "return-reason" : "reject-reason", token: tokenValue, caseId: kase.id, createdAt: at });
        return [{ text: caseTexts.askReason(kase, token.action) }];
      case "done-note":
        await tx.setPrompt({ chatKey, officialId: actor.official.id, kind: "done-note", token: tokenValue, caseId: kase.id, createdAt: at });
        return [{ text: caseTexts.askNote(kase) }];
      case "ask-applicant":
        await tx.setPrompt({ chatKey, officialId: actor.official.id, kind: "request-reason", token: tokenValue, caseId: kase.id, createdAt: at });
        return [{ text: caseTexts.askRequest(kase) }];
      case "done":
      case "approve": {
        const outcome = await decideStep(tx, actor, task, token.action, undefined);
        return outcome.ok ? outcome.replies : [{ text: outcome.reply }];
      }
    }
  }

  /** Completes a pending prompt with free text (a reason or a note). */
  async function answerPromptIn(tx: EngineTx, actor: Actor, text: string, fileId?: string): Promise<Reply[] | null> {
    const chatKey = `${actor.channel}:${actor.chatId}`;
    const prompt = await tx.prompt(chatKey);
    if (!prompt) return null;
    if (fileId && prompt.kind !== "done-note") {
      // A reason must be written; keep the question open.
      return [{ text: `${refusals.reasonRequired} Berkas tidak dapat menggantikan alasan.` }];
    }
    if (prompt.kind === "cancel-reason") {
      await tx.clearPrompt(chatKey);
      if (!prompt.caseId) return [{ text: refusals.stale }];
      return cancelIn(tx, actor, prompt.caseId, text);
    }
    const token = prompt.token ? await tx.token(prompt.token) : null;
    const task = token ? await tx.taskById(token.taskId) : null;
    await tx.clearPrompt(chatKey);
    if (!token || !task || task.visit !== token.visit || task.status !== "open") return [{ text: refusals.stale }];
    if (!mayAct(task, actor.official.id)) return [{ text: refusals.notYours }];
    const action: StepAction =
      prompt.kind === "return-reason" ? "return" : prompt.kind === "reject-reason" ? "reject" : prompt.kind === "request-reason" ? "request" : "done";
    if (fileId) await tx.attachFile(fileId, task.caseId, task.id);
    if (!text.trim()) {
      await tx.setPrompt(prompt);
      return [{ text: refusals.reasonRequired }];
    }
    let to: string | undefined;
    if (action === "request") {
      const kase = await tx.caseById(task.caseId);
      const sop = kase ? await tx.pinnedSop(kase.flowHash) : null;
      to = kase && sop ? applicantStepBefore(officeOf(kase.officeId), sop, stepOf(sop, task.stepId))?.id : undefined;
      if (!to) return [{ text: refusals.stale }];
    }
    const outcome = await decideStep(tx, actor, task, action, text.trim(), to);
    return outcome.ok ? outcome.replies : [{ text: outcome.reply }];
  }

  async function cancelIn(tx: EngineTx, actor: Actor, caseId: string, reason: string): Promise<Reply[]> {
    const at = clock.now();
    const kase = await tx.caseById(caseId);
    if (!kase) return [{ text: refusals.stale }];
    if (kase.status !== "open") return [{ text: refusals.caseClosed }];
    const sop = await tx.pinnedSop(kase.flowHash);
    const transition = decide(sop, { status: kase.status, stepId: kase.currentStepId, visit: kase.visit }, { type: "cancel", reason });
    if (!transition.ok) return [{ text: refusals.reasonRequired }];
    const office = officeOf(kase.officeId);
    const open = (await tx.tasksOfCase(kase.id)).find((t) => t.status === "open");
    await tx.updateCase(kase.id, kase.version, { status: "cancelled", currentStepId: null, closedAt: at });
    if (open) {
      await tx.updateTask(open.id, { status: "superseded", decision: "cancel", closedAt: at });
      await closeTaskMessages(tx, open, `✖ Kasus dibatalkan oleh ${actor.official.name}, ${formatDateTime(at, office.timeZone)}`, at);
      for (const c of open.candidates) {
        if (c.officialId !== actor.official.id) await notifyOfficial(tx, c.officialId, caseTexts.closed(kase, "cancelled", reason), at, { caseId: kase.id });
      }
    }
    const role = await actingAs(tx, office, actor.official, null);
    await tx.appendAudit({ at, caseId: kase.id, actorOfficialId: actor.official.id, actorLabel: actor.official.name, actingAs: role, action: "case-cancelled", note: reason, flowHash: kase.flowHash });
    await notifyOpener(tx, kase, caseTexts.closed(kase, "cancelled", reason), at, [actor.official.id]);
    return [{ text: caseTexts.closed(kase, "cancelled", reason) }];
  }

  /** Who may cancel: an admin, the official who opened the case, or the office's head and secretary. */
  async function mayCancel(tx: EngineTx, official: OfficialRow, kase: CaseRow): Promise<boolean> {
    if (official.id === kase.openedByOfficialId) return true;
    if (official.officeId !== kase.officeId) return false;
    if (official.isAdmin) return true;
    const keys = await tx.positionsOf(official.id, clock.now());
    return keys.includes("kepala-dinas") || keys.includes("sekretaris");
  }

  // ---- deadlines, delegations, digests ------------------------------------------------------

  async function fireDeadline(tx: EngineTx, deadlineId: string): Promise<boolean> {
    const at = clock.now();
    const deadline = (await tx.dueDeadlines(at, 1000)).find((d) => d.id === deadlineId);
    if (!deadline) return false;
    const task = await tx.taskById(deadline.taskId);
    const kase = task ? await tx.caseById(task.caseId) : null;
    if (!task || !kase || task.status !== "open" || kase.status !== "open") {
      await tx.markDeadlineFired(deadline.id, at);
      return false;
    }
    const office = officeOf(kase.officeId);
    // Nothing is sent outside the office's working time; the deadline waits for the next opening.
    if (!isOfficeTime(at, deps.calendar(kase.officeId))) return false;
    const sop = await tx.pinnedSop(kase.flowHash);
    const stepText = stepPosition(sop, stepOf(sop, task.stepId));
    const assignees = task.takenByOfficialId ? [task.takenByOfficialId] : task.candidates.map((c) => c.officialId);
    if (deadline.kind === "reminder") {
      const due = formatDateTime(task.dueAt ?? deadline.dueAt, office.timeZone);
      for (const id of assignees) {
        await notifyOfficial(tx, id, caseTexts.reminder(kase, stepText, due), at, { caseId: kase.id, dedupeKey: `reminder:${task.id}:${id}` });
      }
      await tx.appendAudit({ at, caseId: kase.id, stepId: task.stepId, actorLabel: "sistem", action: "reminder-sent", flowHash: kase.flowHash });
    } else {
      const names = (await Promise.all(assignees.map((id) => tx.official(id)))).map((o) => o?.name ?? "?").join(", ");
      const superiors = new Set<string>();
      for (const c of task.candidates) {
        if (task.takenByOfficialId && c.officialId !== task.takenByOfficialId) continue;
        const key = c.positionKey ?? (await tx.positionsOf(c.onBehalfOfOfficialId ?? c.officialId, at))[0];
        if (!key) continue;
        const up = await superiorHolders(tx, office, key, at);
        for (const h of up?.holders ?? []) superiors.add(h.id);
      }
      const since = formatDateTime(task.dueAt ?? deadline.dueAt, office.timeZone);
      for (const id of superiors) {
        await notifyOfficial(tx, id, caseTexts.escalation(kase, stepText, names, since), at, { caseId: kase.id, dedupeKey: `escalation:${task.id}:${id}` });
      }
      await tx.appendAudit({ at, caseId: kase.id, stepId: task.stepId, actorLabel: "sistem", action: "escalated", note: `kepada ${superiors.size} atasan`, flowHash: kase.flowHash });
    }
    await tx.markDeadlineFired(deadline.id, at);
    return true;
  }

  async function applyDelegationsIn(tx: EngineTx, officeId: string): Promise<number> {
    const at = clock.now();
    let moved = 0;
    for (const d of await tx.delegations(officeId)) {
      const active = !d.endedAt && d.startsAt <= at && d.endsAt > at;
      const started = active && !d.appliedAt;
      // Hand back whatever a delegation holds once it is over, whether or not a tick applied it:
      // steps opened while it ran were given to the deputy directly.
      const finished = !active && !d.revertedAt && (d.endsAt <= at || d.endedAt !== null);
      if (!started && !finished) continue;
      for (const task of await tx.openTasks(officeId)) {
        const kase = await tx.caseById(task.caseId);
        if (!kase) continue;
        let changed = false;
        const candidates = task.candidates.map((c): Candidate => {
          if (started && c.officialId === d.absentOfficialId && !c.delegationId) {
            changed = true;
            return { officialId: d.deputyOfficialId, positionKey: c.positionKey, delegationId: d.id, onBehalfOfOfficialId: d.absentOfficialId };
          }
          if (finished && c.delegationId === d.id) {
            changed = true;
            return { officialId: d.absentOfficialId, positionKey: c.positionKey };
          }
          return c;
        });
        if (!changed) continue;
        const from = started ? d.absentOfficialId : d.deputyOfficialId;
        const to = started ? d.deputyOfficialId : d.absentOfficialId;
        const takenBy = task.takenByOfficialId === from ? to : task.takenByOfficialId;
        await tx.updateTask(task.id, { candidates, takenByOfficialId: takenBy });
        moved += 1;
        const [fromName, toName] = await Promise.all([tx.official(from), tx.official(to)]);
        const fromChats = new Set((await tx.addressesOf(from)).map((a) => `${a.channel}:${a.chatId}`));
        await closeTaskMessages(tx, task, `➜ Dialihkan kepada ${toName?.name ?? to} (${d.kind === "plt" ? "Plt." : "Plh."})`, at, fromChats);
        await tx.appendAudit({
          at,
          caseId: task.caseId,
          stepId: task.stepId,
          actorLabel: "sistem",
          action: started ? "step-delegated" : "step-returned-from-delegate",
          note: `${fromName?.name ?? from} → ${toName?.name ?? to} (${d.kind === "plt" ? "Plt." : "Plh."})`,
          flowHash: kase.flowHash,
        });
        const sop = await tx.pinnedSop(kase.flowHash);
        await sendStepMessage(tx, kase, sop, { ...task, candidates, takenByOfficialId: takenBy }, at, { only: to });
      }
      await tx.updateDelegation(d.id, started ? { appliedAt: at } : { revertedAt: at });
      await tx.appendAudit({ at, actorLabel: "sistem", action: started ? "delegation-started" : "delegation-ended", note: `${d.kind} ${d.id}` });
    }
    return moved;
  }

/** Tasks listed one by one in a morning digest; more are counted, not listed. */
  const digestLines = 15;

  async function digestIn(tx: EngineTx, officeId: string): Promise<number> {
    const at = clock.now();
    const office = officeOf(officeId);
    const calendar = deps.calendar(officeId);
    const date = localDate(at, calendar.timeZone);
    if (!isOfficeTime(at, calendar) || at < atLocal(date, 7 * 60 + 30, calendar.timeZone)) return 0;
    const tasks = await tx.openTasks(officeId);
    const perOfficial = new Map<string, TaskRow[]>();
    for (const t of tasks) {
      const people = t.takenByOfficialId ? [t.takenByOfficialId] : t.candidates.map((c) => c.officialId);
      for (const p of people) perOfficial.set(p, [...(perOfficial.get(p) ?? []), t]);
    }
    let sent = 0;
    for (const [officialId, list] of perOfficial) {
      if (!(await tx.claimDigest(officialId, date, at))) continue;
      const lines: string[] = [];
      const sorted = [...list].sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
      // One readable message: the first few by due time (overdue first); the rest counted.
      for (const t of sorted.slice(0, digestLines)) {
        const kase = await tx.caseById(t.caseId);
        if (!kase) continue;
        const sop = await tx.pinnedSop(kase.flowHash);
        const overdue = t.dueAt && t.dueAt <= at;
        lines.push(`• ${overdue ? "[TERLAMBAT] " : ""}${kase.code} — ${kase.title}: ${stepPosition(sop, stepOf(sop, t.stepId))}${t.dueAt ? `, batas ${formatDateTime(t.dueAt, office.timeZone)}` : ""}`);
      }
      const overdueCount = sorted.filter((t) => t.dueAt && t.dueAt <= at).length;
      if (sorted.length > digestLines) lines.push(`… dan ${sorted.length - digestLines} tugas lainnya.`);
      await notifyOfficial(tx, officialId, [`Selamat pagi. Tugas terbuka Anda hari ini: ${sorted.length}${overdueCount ? `, ${overdueCount} terlambat` : ""}.`, ...lines, "Ketik /tugas untuk memilih tindakan."].join("\n"), at, {
        dedupeKey: `digest:${officialId}:${date}`,
      });
      sent += 1;
    }
    return sent;
  }

  return {
    openCase: (input: OpenCaseInput) => store.transaction((tx) => openCaseIn(tx, input)),
    openCaseIn,
    decideAsApplicant,
    isApplicantCase,
    applyDelegationsIn,
    pressIn,
    answerPromptIn,
    cancelIn,
    mayCancel,
    sendStepMessage,
    mayAct,
    actingAs,
    officeOf,
    stepOf,

    /** Fires every due deadline, one transaction each. Returns how many were sent. */
    async fireDueDeadlines(): Promise<number> {
      const due = await store.transaction((tx) => tx.dueDeadlines(clock.now(), 500));
      let fired = 0;
      for (const d of due) if (await store.transaction((tx) => fireDeadline(tx, d.id))) fired += 1;
      return fired;
    },
    /** Moves pending steps to deputies when a delegation starts, and back when it ends. */
    async applyDelegations(officeIds: string[]): Promise<number> {
      let moved = 0;
      for (const id of officeIds) moved += await store.transaction((tx) => applyDelegationsIn(tx, id));
      return moved;
    },
    /** Sends each official's morning digest once per local working day (from 07:30 office time). */
    async sendDigests(officeIds: string[]): Promise<number> {
      let sent = 0;
      for (const id of officeIds) sent += await store.transaction((tx) => digestIn(tx, id));
      return sent;
    },
  };
}

export type CaseEngine = ReturnType<typeof createCaseEngine>;
