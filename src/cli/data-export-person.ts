// Access on request: writes what the office holds about one person as a readable text file (in
// Indonesian, for them): their cases with answers, files and messages, forms in progress, chats.
// Usage: npm run data:export-person -- --nik <NIK> | --chat <channel>:<chat id> [--out <file>]
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { retentionYears } from "../domain/retention.ts";
import { renderPersonRecord } from "../engine/person-report.ts";
import { exportPerson } from "../store/person-export.ts";
import { openCliContext, runCli } from "./cli-context.ts";
import { personKeyOf, personOptions } from "./person-key.ts";

runCli(async (env) => {
  const { values } = parseArgs({ options: { ...personOptions, out: { type: "string" } } });
  const key = personKeyOf(values);
  const { config, db, catalog } = await openCliContext(env);
  try {
    const office = catalog.offices.get(config.defaultOffice)?.office;
    const now = new Date();
    const record = await exportPerson(db, {
      key,
      officeId: null,
      officeName: office?.name ?? config.defaultOffice,
      timeZone: office?.timeZone ?? "Asia/Jakarta",
      retentionYears: retentionYears(office ?? {}),
      now,
    });
    const name = "nik" in key ? key.nik : `${key.channel}-${key.chatId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const out = values.out ?? `data-pribadi-${name}-${now.toISOString().slice(0, 10)}.txt`;
    writeFileSync(out, renderPersonRecord(record), { mode: 0o600 });
    console.log(
      `Written ${out}: ${record.cases.length} case(s), ${record.formsInProgress.length} form(s) in progress, ` +
        `${record.chats.length} chat(s).`,
    );
    console.log("It holds personal data: hand it to the person only, and delete your copy afterwards.");
    return 0;
  } finally {
    await db.close();
  }
});
