// The KeyValueStore port on the WhatsAppAuth table, one namespace per linked account.
import type { KeyValueStore } from "../engine/ports.ts";
import type { Database } from "./database.ts";

export function createKeyValueStore(db: Database, account: string): KeyValueStore {
  return {
    async get(keys) {
      if (keys.length === 0) return new Map();
      const rows = await db.write((tx) => tx.whatsAppAuth.findMany({ where: { account, key: { in: keys } } }));
      return new Map(rows.map((r) => [r.key, r.value]));
    },
    async set(entries) {
      if (entries.length === 0) return;
      await db.write(async (tx) => {
        for (const [key, value] of entries) {
          if (value === null) await tx.whatsAppAuth.deleteMany({ where: { account, key } });
          else await tx.whatsAppAuth.upsert({ where: { account_key: { account, key } }, create: { account, key, value }, update: { value } });
        }
      });
    },
    async clear() {
      await db.write((tx) => tx.whatsAppAuth.deleteMany({ where: { account } }));
    },
  };
}
