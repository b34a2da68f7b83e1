// What the engine tells whoever counts its work (Prometheus, outside the engine): messages received,
// case transitions, sends and failed sends. Labels are channel names and small fixed vocabularies,
// never a chat, a person or a case.
import type { StepAction } from "../domain/case-machine.ts";
import type { EngineStore, EngineTx } from "./case-ports.ts";
import type { SendFailureReason } from "./outbox-dispatcher.ts";
import type { ChannelName } from "./types.ts";

const stepActions = ["done", "approve", "return", "reject", "request", "supplied", "withdraw"] as const satisfies StepAction[];

/** The transitions counted: a decision on a step, and a case opened or closed (the audit trail's action names). */
export const transitionKinds = [
  "case-opened",
  ...stepActions.map((a) => `step-${a}` as const),
  "case-completed",
  "case-rejected",
  "case-cancelled",
] as const;
export type TransitionKind = (typeof transitionKinds)[number];

const countedKinds: ReadonlySet<string> = new Set(transitionKinds);

export interface EngineMetrics {
  /** A message (update) from a chat was handed to the chat service. */
  received(channel: ChannelName): void;
  /** A case transition was committed. */
  transition(kind: TransitionKind): void;
  /** A message went out. */
  sent(channel: ChannelName): void;
  /** A send failed (retried later or parked). */
  sendFailed(channel: ChannelName, reason: SendFailureReason): void;
}

/**
 * The store, counting the transitions its transactions commit. They are read off the audit events a
 * transaction appends, and counted once it has committed: a transaction rolled back counts nothing,
 * and one run again after losing to a concurrent one counts its last run only.
 */
export function countTransitions(store: EngineStore, metrics: Pick<EngineMetrics, "transition">): EngineStore {
  return {
    read: (fn, options) => store.read(fn, options),
    async transaction(fn) {
      let kinds: TransitionKind[] = [];
      const result = await store.transaction((tx) => {
        kinds = [];
        const counting: EngineTx = {
          ...tx,
          appendAudit: async (draft) => {
            await tx.appendAudit(draft);
            if (countedKinds.has(draft.action)) kinds.push(draft.action as TransitionKind);
          },
        };
        return fn(counting);
      });
      for (const kind of kinds) metrics.transition(kind);
      return result;
    },
  };
}
