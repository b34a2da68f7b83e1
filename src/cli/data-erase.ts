// Erases one person's personal data on request (UU 27/2022): their form answers, files, messages,
// forms in progress and chat identity, in every case of theirs. Refused while a case is open, or
// for a case that is a record the office must archive, with the reasons to pass on. Each erasure
// is an audit event, and the person is told on their chat (sent by the running bot).
// Usage: npm run data:erase -- --nik <NIK> | --chat <channel>:<chat id> [--dry-run]
import { parseArgs } from "node:util";
import { privacyMessages } from "../engine/privacy-messages.ts";
import { erasePerson, planErasure } from "../store/person-data.ts";
import { openCliContext, runCli } from "./cli-context.ts";
import { personKeyOf, personOptions } from "./person-key.ts";

runCli(async (env) => {
  const { values } = parseArgs({ options: { ...personOptions, "dry-run": { type: "boolean" } } });
  const key = personKeyOf(values);
  const { config, db, catalog } = await openCliContext(env);
  try {
    const rules = (id: string) => catalog.offices.get(id)?.office;
    const plan = await planErasure(db.reader, key, null, rules);
    const cases = plan.cases.map((c) => `${c.code} (${c.service}, ${c.status}${c.purged ? ", already purged" : ""})`);
    console.log(`Cases: ${cases.length > 0 ? cases.join("; ") : "none"}`);
    console.log(
      `Chats: ${plan.chats.map((c) => `${c.channel}:${c.chatId}`).join(", ") || "none"}; forms in progress: ${plan.formsInProgress}`,
    );
    if (plan.refusals.length > 0) {
      console.error(`Refused. Reasons to pass on:\n${plan.refusals.map((r) => `- ${r}`).join("\n")}`);
      return 1;
    }
    if (plan.cases.length === 0 && plan.chats.length === 0) {
      console.log("Nothing is held about this person.");
      return 0;
    }
    if (values["dry-run"]) {
      console.log("Dry run: nothing was erased. Run again without --dry-run to erase.");
      return 0;
    }
    const office = catalog.offices.get(config.defaultOffice)?.office;
    const done = await erasePerson(db, {
      key,
      officeId: null,
      rules,
      now: new Date(),
      by: { officialId: null, label: "admin (baris perintah)" },
      notice: privacyMessages.erasedNotice(office?.shortName ?? "Dinas"),
      filesDir: config.files.dir,
    });
    if (!done.erased) {
      console.error(`Refused. Reasons to pass on:\n${done.refusals.map((r) => `- ${r}`).join("\n")}`);
      return 1;
    }
    console.log(`Erased: ${done.cases.length} case(s). The person is told on their chat by the running bot; the audit trail records it.`);
    return 0;
  } finally {
    await db.close();
  }
});
