// What the health and metrics endpoints read from the database: whether it answers and has every
// migration this version knows, the outbox backlog, and the steps past their due time per office.
// Small reads on the read path (they never wait for a write); nothing personal is returned.
import { existsSync, readdirSync } from "node:fs";
import { defaultMigrationsDir, defaultPostgresMigrationsDir, type Database } from "./database.ts";

export interface OutboxBacklog {
  /** Messages not sent yet (waiting for their turn, a retry or a connection). */
  pending: number;
  /** Messages given up and parked (npm run outbox:failed). */
  failed: number;
  /** When the oldest pending message was queued; null when none is. */
  oldestPendingAt: Date | null;
}

export interface OpsQueries {
  /** A trivial query: resolves when the database answers. */
  ping(): Promise<void>;
  /** The migrations of this version that the database has not applied (or has failed). */
  missingMigrations(): Promise<string[]>;
  outboxBacklog(): Promise<OutboxBacklog>;
  /** Open steps whose due time is before `now`, by office; steps waiting for the applicant are theirs, not counted. */
  overdueSteps(now: Date): Promise<Map<string, number>>;
}

/** The names of the migration folders this version carries (prisma/migrations or prisma/postgres/migrations). */
function knownMigrations(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

export function createOpsQueries(db: Database, migrationsDir?: string): OpsQueries {
  const known = knownMigrations(migrationsDir ?? (db.provider === "sqlite" ? defaultMigrationsDir : defaultPostgresMigrationsDir));
  return {
    ping: () => db.read(async (view) => void (await view.$queryRawUnsafe("SELECT 1"))),
    missingMigrations: () =>
      db.read(async (view) => {
        const rows = await view.$queryRawUnsafe<{ name: string }[]>(
          'SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        );
        const applied = new Set(rows.map((r) => r.name));
        return known.filter((name) => !applied.has(name));
      }),
    outboxBacklog: () =>
      db.read(async (view) => {
        const pending = await view.outboxMessage.count({ where: { status: "pending" } });
        const failed = await view.outboxMessage.count({ where: { status: "failed" } });
        const oldest = await view.outboxMessage.aggregate({ where: { status: "pending" }, _min: { createdAt: true } });
        return { pending, failed, oldestPendingAt: oldest._min.createdAt };
      }),
    overdueSteps: (now) =>
      db.read(async (view) => {
        const tasks = await view.stepTask.findMany({
          where: {
            status: "open",
            dueAt: { lt: now },
            OR: [{ waitingFor: null }, { waitingFor: { notIn: ["applicant", "request"] } }],
          },
          select: { case: { select: { officeId: true } } },
        });
        const byOffice = new Map<string, number>();
        for (const t of tasks) byOffice.set(t.case.officeId, (byOffice.get(t.case.officeId) ?? 0) + 1);
        return byOffice;
      }),
  };
}
