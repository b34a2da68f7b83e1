// /pejabat pindah|keluar|riwayat: the admins' directory changes in chat. Each shows what it will do
// and is carried out when the same command is sent again with YA at the end; each is an audit event.
import type { Reply } from "../../case-engine.ts";
import type { EngineTx, OfficialRow } from "../../case-ports.ts";
import { parseDate } from "../../../domain/field-types.ts";
import { createDirectoryChanges, DirectoryChangeError, type Effective } from "../../directory-changes.ts";
import { directoryTexts as t } from "../../directory-messages.ts";
import type { CommandContext } from "../command.ts";
import type { ChatServiceDeps } from "../deps.ts";

/** The active official whose full name starts `words` (the longest such name), and the words after it. */
function splitName(all: OfficialRow[], words: string[]): { official: OfficialRow; rest: string[] } | null {
  for (let n = words.length; n >= 1; n--) {
    const name = words.slice(0, n).join(" ").toLowerCase();
    const found = all.filter((o) => o.name.toLowerCase() === name);
    if (found.length === 1) return { official: found[0]!, rest: words.slice(n) };
  }
  return null;
}

export function directoryCommand(deps: ChatServiceDeps) {
  const changes = createDirectoryChanges(deps.engine, () => deps.clock.now());

  async function run(tx: EngineTx, admin: OfficialRow, args: string): Promise<Reply[]> {
    const words = args.trim().split(/\s+/);
    const verb = (words.shift() ?? "").toLowerCase();
    if (!["pindah", "keluar", "riwayat"].includes(verb)) return [{ text: t.usage }];
    const confirmed = words.length > 1 && /^ya$/i.test(words.at(-1) ?? "");
    if (confirmed) words.pop();
    // "… mulai TANGGAL" at the end: the day the change takes effect (today without it).
    const mulai = words.map((w) => w.toLowerCase()).lastIndexOf("mulai");
    let effective: Effective = {};
    if (verb !== "riwayat" && mulai > 0) {
      const text = words.slice(mulai + 1).join(" ");
      const date = parseDate(text);
      if (!date) return [{ text: t.badDate(text) }];
      effective = { date };
      words.splice(mulai);
    }
    const ke = words.findIndex((w) => w.toLowerCase() === "ke");
    if (verb === "pindah" && (ke < 1 || ke === words.length - 1)) return [{ text: t.usage }];
    const named = splitName(await tx.officialsOfOffice(admin.officeId), verb === "pindah" ? words.slice(0, ke) : words);
    if (!named) return [{ text: `Nama pejabat tidak dikenal. Ketik /pejabat untuk melihat daftarnya.\n\n${t.usage}` }];
    const { official, rest } = named;
    if (verb === "riwayat") return [{ text: t.history(official.name, await changes.historyIn(tx, official)) }];
    const by = { officialId: admin.id, label: admin.name };
    const command = `/pejabat ${verb} ${words.join(" ")}${effective.date ? ` mulai ${effective.date}` : ""}`;
    const when = changes.effectiveAt(official, effective);
    const tasks = (await tx.openTasksOf(official.id)).length;
    const office = deps.engine.officeOf(official.officeId);
    const current = (await tx.positionsOf(official.id, deps.clock.now())).map((k) => office.positions.find((p) => p.id === k)?.title ?? k);
    if (verb === "pindah") {
      const position = changes.findPosition(official.officeId, words.slice(ke + 1).join(" "));
      if (!confirmed) return [{ text: t.movePlan(official.name, current.join(", ") || "-", position.title, tasks, command, when) }];
      const done = await changes.moveIn(tx, official, position.id, by, effective);
      return [{ text: done.ahead ? t.movedAhead(official.name, done.to, done.label) : t.moved(official.name, done.to, done.moved) }];
    }
    const reason = rest.join(" ").trim();
    if (!reason) return [{ text: t.needReason }];
    if (when.ahead) return [{ text: t.leaveAhead(official.name, when.label) }];
    if (!confirmed) return [{ text: t.leavePlan(official.name, current.join(", ") || "-", tasks, command, when.label) }];
    const done = await changes.leaveIn(tx, official, reason, by, effective);
    return [{ text: t.left(official.name, done.moved, done.chats) }];
  }

  return async (c: CommandContext): Promise<Reply[]> => {
    if (!c.official) return [{ text: t.adminOnly }];
    if (!c.official.isAdmin) return [{ text: t.adminOnly }];
    try {
      return await run(c.tx, c.official, c.args);
    } catch (error) {
      if (error instanceof DirectoryChangeError) return [{ text: error.message }];
      throw error;
    }
  };
}
