// Manages officials: add one holding a position, list them, issue an enrolment code, and follow the
// directory over time: move (mutasi/rotasi), leave (pensiun, pindah keluar), history, and import
// from the personnel register (officials-changes.ts).
// Usage:
//   npm run officials -- add --office ntt-provinsi --name "Maria Goreti Bria" --position sekretaris [--from 2026-01-02] [--admin]
//   npm run officials -- list --office ntt-provinsi
//   npm run officials -- code --office ntt-provinsi --name "Maria Goreti Bria" [--hours 72]
//   npm run officials -- move --office ntt-provinsi --name "Maria Goreti Bria" --to arsiparis [--on 2027-01-02]
//   npm run officials -- leave --office ntt-provinsi --name "Yohanes Seran" --reason pensiun
//   npm run officials -- history --office ntt-provinsi --name "Yohanes Seran"
//   npm run officials -- import register.xlsx --office ntt-provinsi [--map titles.yaml] [--dry-run]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { parseDate } from "../domain/field-types.ts";
import { issueEnrolmentCode } from "../engine/enrolment.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { derivedSecret, serverKeyMaterial } from "../store/server-key.ts";
import { planIsEmpty } from "../domain/officials-import.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";
import { describePlan, officialsChanges } from "./officials-changes.ts";

const usage = `Usage:
  npm run officials -- add  --office <id> --name "<full name>" --position <position id> [--nip <18 digits>] [--from YYYY-MM-DD] [--admin]
  npm run officials -- list --office <id>
  npm run officials -- code --office <id> --name "<full name>" [--hours 72]
  npm run officials -- move --office <id> --name "<full name>" --to <position id or title> [--on YYYY-MM-DD]
  npm run officials -- leave --office <id> --name "<full name>" --reason <pensiun|pindah tugas|…> [--on YYYY-MM-DD]
     (--on: the day the change takes effect, in the office's calendar; today without it. A move may be
      dated ahead: the open steps follow on that day. A leave may be today or a past day.)
  npm run officials -- history --office <id> --name "<full name>"
  npm run officials -- import <register.csv|.xlsx> --office <id> [--map <titles.yaml>] [--dry-run]
     (the register's NIP, Nama and Jabatan columns; titles.yaml maps a Jabatan to a position id, or to null to skip it)`;

runCli(async (env) => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      office: { type: "string" },
      name: { type: "string" },
      position: { type: "string" },
      from: { type: "string" },
      admin: { type: "boolean", default: false },
      hours: { type: "string", default: "72" },
      to: { type: "string" },
      reason: { type: "string" },
      on: { type: "string" },
      map: { type: "string" },
      nip: { type: "string" },
      "dry-run": { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  const commands = ["add", "list", "code", "move", "leave", "history", "import"];
  if (!command || !commands.includes(command) || !values.office) throw new CliError(usage);
  const context = await openCliContext(env);
  const { db, catalog, config } = context;
  try {
    const office = catalog.offices.get(values.office)?.office;
    if (!office) throw new CliError(`Unknown office "${values.office}". Known: ${[...catalog.offices.keys()].join(", ")}`);
    if (command === "import") {
      const file = positionals[1];
      if (!file) throw new CliError(usage);
      const { plan, applied } = await officialsChanges(context, office).importRegister(file, values.map, !values["dry-run"]);
      for (const line of describePlan(plan, office)) console.log(line);
      if (plan.errors.length > 0) {
        console.error(`${plan.errors.length} row(s) cannot be placed: nothing was imported. Fix them or map their titles (--map).`);
        return 1;
      }
      if (planIsEmpty(plan)) console.log("Nothing to change: the directory already matches the register.");
      else console.log(applied ? "Applied." : "Dry run: nothing was changed. Run again without --dry-run to apply.");
      return 0;
    }
    if (["move", "leave", "history"].includes(command)) {
      if (!values.name) throw new CliError(usage);
      const date = values.on === undefined ? undefined : parseDate(values.on);
      if (date === null) throw new CliError(`--on: expected a date such as 2027-01-02, got "${values.on}".`);
      const effective = date ? { date } : {};
      const changes = officialsChanges(context, office);
      if (command === "history") console.log(await changes.history(values.name));
      else if (command === "move") {
        if (!values.to) throw new CliError(usage);
        console.log(await changes.move(values.name, values.to, effective));
      } else {
        if (!values.reason) throw new CliError(usage);
        console.log(await changes.leave(values.name, values.reason, effective));
      }
      return 0;
    }
    if (command === "list") {
      const officials = await db.prisma.official.findMany({
        where: { officeId: office.id },
        include: { holdings: { include: { position: true } }, identities: true },
        orderBy: { name: "asc" },
      });
      for (const o of officials) {
        const positions =
          o.holdings
            .filter((h) => !h.endsOn)
            .map((h) => h.position.title)
            .join(", ") || "-";
        const channels = [...new Set(o.identities.map((i) => i.channel))].join(", ") || "belum terdaftar";
        console.log(`${o.name}${o.isAdmin ? " [admin]" : ""} — ${positions} — ${channels}`);
      }
      return 0;
    }
    if (!values.name) throw new CliError(usage);
    if (command === "add") {
      const position = office.positions.find((p) => p.id === values.position);
      if (!position)
        throw new CliError(
          `Unknown position "${values.position ?? ""}" in ${office.id}. Known: ${office.positions.map((p) => p.id).join(", ")}`,
        );
      if (values.nip !== undefined && !/^\d{18}$/.test(values.nip)) throw new CliError("--nip must be the 18 digits of the NIP");
      const from = values.from ? new Date(`${values.from}T00:00:00Z`) : new Date();
      if (Number.isNaN(from.getTime())) throw new CliError("--from must be a date YYYY-MM-DD");
      const name = values.name;
      await db.write(async (tx) => {
        const id = randomUUID();
        await tx.official.create({ data: { id, officeId: office.id, name, nip: values.nip ?? null, isAdmin: values.admin ?? false } });
        await tx.positionHolding.create({
          data: { id: randomUUID(), officialId: id, positionId: `${office.id}/${position.id}`, startsOn: from },
        });
      });
      console.log(
        `Added ${name} as ${position.title} (${office.shortName}) from ` +
          `${from.toISOString().slice(0, 10)}.\nIssue an enrolment code: npm run officials -- code --office ` +
          `${office.id} --name "${name}"`,
      );
      return 0;
    }
    const official = await db.prisma.official.findFirst({ where: { officeId: office.id, name: values.name, active: true } });
    if (!official) throw new CliError(`No active official named "${values.name}" in ${office.id}.`);
    const hours = Number(values.hours);
    if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 14) throw new CliError("--hours must be between 1 and 336");
    let secret: Buffer;
    try {
      secret = derivedSecret(serverKeyMaterial(config, { create: false }), "enrolment-codes");
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const { code, expiresAt } = await createEngineStore(db).transaction((tx) =>
      issueEnrolmentCode(tx, official, new Date(), hours, secret),
    );
    console.log(
      `Enrolment code for ${official.name}: ${code}\nSingle use, valid until ` +
        `${expiresAt.toISOString()}.\nThe official sends "/daftar ${code}" to the bot (on Telegram, the link ` +
        `t.me/<bot>?start=${code.replace("-", "")} does the same; <bot>: the office's own bot when it has one).`,
    );
    return 0;
  } finally {
    await db.close();
  }
});
