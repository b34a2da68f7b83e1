// The KeyValueStore port on the WhatsAppAuth table, one namespace per linked account. The WhatsApp
// session's signal keys are read and written while messages are decrypted, and must not wait for a
// queue of presses: reads go to the reader, writes aside from the case transactions (db.writeAside).
import type { KeyValueStore } from "../engine/ports.ts";
import type { Database } from "./database.ts";

export function createKeyValueStore(db: Database, account: string): KeyValueStore {
  return {
    async get(keys) {
      if (keys.length === 0) return new Map();
      const rows = await db.reader.whatsAppAuth.findMany({ where: { account, key: { in: keys } } });
      return new Map(rows.map((r) => [r.key, r.value]));
    },
    async set(entries) {
      if (entries.length === 0) return;
      await db.writeAside(async (tx) => {
        for (const [key, value] of entries) {
          if (value === null) await tx.whatsAppAuth.deleteMany({ where: { account, key } });
          else
            await tx.whatsAppAuth.upsert({ where: { account_key: { account, key } }, create: { account, key, value }, update: { value } });
        }
      });
    },
    async clear() {
      await db.writeAside((tx) => tx.whatsAppAuth.deleteMany({ where: { account } }));
    },
  };
}
