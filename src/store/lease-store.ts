// The LeasePort on the Lease table. Every step is one conditional statement, so two instances
// racing for the same key cannot both win: an UPDATE … WHERE holder = me OR expired is atomic per
// row (on PostgreSQL the loser waits for the row lock, then finds the condition false), and a new
// key is created by exactly one INSERT (the other hits the primary key).
import type { LeasePort } from "../engine/ports.ts";
import type { Database } from "./database.ts";
import { isUniqueViolation } from "./storage-errors.ts";

export function createLeaseStore(db: Database): LeasePort {
  return {
    async acquire(key, holder, ttlMs, now) {
      const expiresAt = new Date(now.getTime() + ttlMs);
      const renewed = await db.write((tx) => tx.lease.updateMany({ where: { key, holder, expiresAt: { gte: now } }, data: { expiresAt } }));
      if (renewed.count === 1) return true;
      const taken = await db.write((tx) =>
        tx.lease.updateMany({ where: { key, OR: [{ expiresAt: { lt: now } }, { holder }] }, data: { holder, expiresAt, acquiredAt: now } }),
      );
      if (taken.count === 1) return true;
      try {
        await db.write((tx) => tx.lease.create({ data: { key, holder, expiresAt, acquiredAt: now } }));
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async release(key, holder) {
      await db.write((tx) => tx.lease.deleteMany({ where: { key, holder } }));
    },
    async holderOf(key, now) {
      const row = await db.prisma.lease.findUnique({ where: { key } });
      return row && row.expiresAt >= now ? row.holder : null;
    },
    async prune(prefix, before) {
      const result = await db.write((tx) => tx.lease.deleteMany({ where: { key: { startsWith: prefix }, expiresAt: { lt: before } } }));
      return result.count;
    },
  };
}
