// A chat command is a module: its names, who may use it, a help line, and a run() that parses its
// arguments, checks rights and returns the replies. The chat service only routes to it.
//
// A command marked `outside` only reads (lists, statuses, reports, charts, exports): it runs on a
// read-only view outside the write transaction, so its reads and its rendering never hold up a
// press. What it must record (a generated file, an audit event) it hands to `record`, which runs in
// the short transaction that also records the message and its replies.
import type { Actor, Reply } from "../case-engine.ts";
import type { EngineTx, OfficialRow } from "../case-ports.ts";
import type { InboundMessage } from "../types.ts";

export interface CommandContext {
  tx: EngineTx;
  message: InboundMessage;
  official: OfficialRow | null;
  actor: Actor | null;
  args: string;
  chatKey: string;
  /** Runs `write` in the message's write transaction (at once when the command runs inside it). */
  record(write: (tx: EngineTx) => Promise<unknown>): Promise<void>;
  /** True when the command runs inside the message's write transaction (an `outside` command can, when a prompt or form was open). */
  insideWrite?: boolean;
}

export interface OfficialCommandContext extends CommandContext {
  official: OfficialRow;
  actor: Actor;
}

interface CommandInfo {
  names: string[];
  help?: string;
  /** Only reads: runs outside the write transaction (see above); a function decides by the arguments. */
  outside?: true | ((args: string) => boolean);
  /** For the office's admins only: its help line is shown to them alone (the command checks the right itself). */
  adminOnly?: true;
  /** For the holders of these positions (and admins): its help line is shown to them alone (the command checks the right itself). */
  holders?: readonly string[];
}

export type ChatCommand =
  | (CommandInfo & { audience: "anyone"; run(c: CommandContext): Promise<Reply[]> })
  | (CommandInfo & { audience: "official"; run(c: OfficialCommandContext): Promise<Reply[]> });

/** Whether a command, with these arguments, runs outside the write transaction. */
export function runsOutside(command: ChatCommand | undefined, args: string): boolean {
  return typeof command?.outside === "function" ? command.outside(args) : command?.outside === true;
}

export interface CommandRegistry {
  find(name: string): ChatCommand | undefined;
  /**
   * The help lines of the officials' commands an official may use, in the order they were registered:
   * the admins' ones for admins only, those of some positions for their holders (and admins).
   */
  officialHelp(isAdmin: boolean, positions: readonly string[]): string[];
}

export function createCommandRegistry(commands: ChatCommand[]): CommandRegistry {
  const byName = new Map<string, ChatCommand>();
  for (const command of commands) {
    for (const name of command.names) {
      if (byName.has(name)) throw new Error(`chat command /${name} is registered twice`);
      byName.set(name, command);
    }
  }
  return {
    find: (name) => byName.get(name),
    officialHelp: (isAdmin, positions) =>
      commands
        .filter((c) => c.audience === "official" && c.help && (isAdmin || !c.adminOnly))
        .filter((c) => isAdmin || !c.holders || c.holders.some((p) => positions.includes(p)))
        .map((c) => c.help as string),
  };
}
