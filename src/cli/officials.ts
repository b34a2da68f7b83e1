// Manages officials: add one holding a position, list them, and issue an enrolment code.
// Usage:
//   npm run officials -- add --office ntt-provinsi --name "Maria Goreti Bria" --position sekretaris [--from 2026-01-02] [--admin]
//   npm run officials -- list --office ntt-provinsi
//   npm run officials -- code --office ntt-provinsi --name "Maria Goreti Bria" [--hours 72]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { issueEnrolmentCode } from "../engine/enrolment.ts";
import { createEngineStore } from "../store/engine-store.ts";
import { derivedSecret, serverKeyMaterial } from "../store/server-key.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

const usage = `Usage:
  npm run officials -- add  --office <id> --name "<full name>" --position <position id> [--from YYYY-MM-DD] [--admin]
  npm run officials -- list --office <id>
  npm run officials -- code --office <id> --name "<full name>" [--hours 72]`;

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
    },
  });
  const command = positionals[0];
  if (!command || !["add", "list", "code"].includes(command) || !values.office) throw new CliError(usage);
  const { db, catalog, config } = await openCliContext(env);
  try {
    const office = catalog.offices.get(values.office)?.office;
    if (!office) throw new CliError(`Unknown office "${values.office}". Known: ${[...catalog.offices.keys()].join(", ")}`);
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
      const from = values.from ? new Date(`${values.from}T00:00:00Z`) : new Date();
      if (Number.isNaN(from.getTime())) throw new CliError("--from must be a date YYYY-MM-DD");
      const name = values.name;
      await db.write(async (tx) => {
        const id = randomUUID();
        await tx.official.create({ data: { id, officeId: office.id, name, isAdmin: values.admin ?? false } });
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
        `t.me/<bot>?start=${code.replace("-", "")} does the same).`,
    );
    return 0;
  } finally {
    await db.close();
  }
});
