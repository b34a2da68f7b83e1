// A chat command is a module: its names, who may use it, a help line, and a run() that parses its
// arguments, checks rights and returns the replies. The chat service only routes to it.
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
}

export interface OfficialCommandContext extends CommandContext {
  official: OfficialRow;
  actor: Actor;
}

export type ChatCommand =
  | { names: string[]; audience: "anyone"; help?: string; run(c: CommandContext): Promise<Reply[]> }
  | { names: string[]; audience: "official"; help?: string; run(c: OfficialCommandContext): Promise<Reply[]> };

export interface CommandRegistry {
  find(name: string): ChatCommand | undefined;
  /** The help lines of the officials' commands, in the order they were registered. */
  officialHelp(): string[];
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
    officialHelp: () => commands.filter((c) => c.audience === "official" && c.help).map((c) => c.help as string),
  };
}
