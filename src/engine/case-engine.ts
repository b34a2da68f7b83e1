// The case engine: opens cases, offers each step to the people who hold the acting position (or
// their Plt./Plh.), carries out decisions, carries the conversation between the applicant and the
// officials, and fires deadlines. Every operation runs in one transaction: the pure decide() picks
// the transition; the parts under ./case/ write the task rows, conversation entries, audit events,
// outbox messages and deadline rows that follow from it.
import { createAssignment } from "./case/assignment.ts";
import { createContext, isApplicantCase, type CaseEngineDeps } from "./case/context.ts";
import { createBulk } from "./case/bulk.ts";
import { createConversation } from "./case/conversation.ts";
import { createDeadlines } from "./case/deadlines.ts";
import { createDelegations } from "./case/delegations.ts";
import { createDigests } from "./case/digests.ts";
import { createLifecycle, type OpenCaseInput } from "./case/lifecycle.ts";
import { createNotices } from "./case/notices.ts";
import { createPresses } from "./case/presses.ts";
import { createReassignment } from "./case/reassign.ts";
import { createTransitions } from "./case/transitions.ts";

export type { Actor, CaseEngineDeps, Reply, SopSource } from "./case/context.ts";
export type { OpenCaseInput } from "./case/lifecycle.ts";
export { newCaseCode, normalizeCaseCode, findCaseCodes } from "./case/codes.ts";

export function createCaseEngine(deps: CaseEngineDeps) {
  const { store } = deps;
  const ctx = createContext(deps);
  const assign = createAssignment(ctx);
  const notices = createNotices(ctx, assign);
  const transitions = createTransitions(ctx, assign, notices);
  const conversation = createConversation(ctx, assign, notices, transitions);
  const lifecycle = createLifecycle(ctx, assign, notices, transitions);
  const bulk = createBulk(ctx, assign, notices, transitions);
  const presses = createPresses(ctx, assign, notices, transitions, conversation, bulk, lifecycle.cancelIn);
  const deadlines = createDeadlines(ctx, store, assign, notices);
  const delegations = createDelegations(ctx, notices);
  const digests = createDigests(ctx, notices);
  const reassignment = createReassignment(ctx, assign, notices);

  return {
    openCase: (input: OpenCaseInput) => store.transaction((tx) => lifecycle.openCaseIn(tx, input)),
    openCaseIn: lifecycle.openCaseIn,
    cancelIn: lifecycle.cancelIn,
    mayCancel: lifecycle.mayCancel,
    isApplicantCase,
    pressIn: presses.pressIn,
    answerPromptIn: presses.answerPromptIn,
    fromApplicant: conversation.fromApplicant,
    toApplicant: conversation.toApplicant,
    waitsForApplicant: conversation.waitsForApplicant,
    sendStepMessage: notices.sendStepMessage,
    notifyOfficial: notices.notifyOfficial,
    bulkOffers: bulk.offers,
    markSeen: notices.markSeen,
    filesFor: notices.filesFor,
    mayAct: assign.mayAct,
    actingAs: assign.actingAs,
    officeOf: ctx.officeOf,
    stepOf: ctx.stepOf,
    applyDelegationsIn: delegations.applyDelegationsIn,
    /** Offers again the open steps a directory change affects (a transfer, someone leaving). */
    reassignIn: reassignment.reassignIn,
    fireDueDeadlines: deadlines.fireDueDeadlines,
    /** Moves pending steps to deputies when a delegation starts, and back when it ends. */
    async applyDelegations(officeIds: string[]): Promise<number> {
      let moved = 0;
      for (const id of officeIds) moved += await store.transaction((tx) => delegations.applyDelegationsIn(tx, id));
      return moved;
    },
    /** Offers again the open steps left with someone who left or moved (once a day, in the tick). */
    async refreshAssignments(officeIds: string[]): Promise<number> {
      let moved = 0;
      for (const id of officeIds) moved += await store.transaction((tx) => reassignment.refreshIn(tx, id));
      return moved;
    },
    /** Sends each official's morning digest once per local working day (from 07:30 office time). */
    async sendDigests(officeIds: string[]): Promise<number> {
      let sent = 0;
      for (const id of officeIds) sent += await store.transaction((tx) => digests.digestIn(tx, id));
      return sent;
    },
  };
}

export type CaseEngine = ReturnType<typeof createCaseEngine>;
