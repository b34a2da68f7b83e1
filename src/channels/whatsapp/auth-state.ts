// Baileys' authentication state (credentials + signal keys) kept in the database through the
// KeyValueStore port, wrapped in Baileys' cacheable key store. A restart resumes without pairing.
import {
  BufferJSON,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataTypeMap,
} from "@whiskeysockets/baileys";
import type { KeyValueStore } from "../../engine/ports.ts";

const CREDS = "creds";

export interface DatabaseAuthState {
  state: AuthenticationState;
  saveCreds(): Promise<void>;
  /** Forgets the session (after WhatsApp logged the device out). */
  clear(): Promise<void>;
  /** True when the stored credentials belong to a paired device. */
  paired: boolean;
}

export async function useDatabaseAuthState(
  kv: KeyValueStore,
  logger?: Parameters<typeof makeCacheableSignalKeyStore>[1],
): Promise<DatabaseAuthState> {
  const stored = (await kv.get([CREDS])).get(CREDS);
  const creds: AuthenticationCreds = stored ? (JSON.parse(stored, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();
  const keys = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const rows = await kv.get(ids.map((id) => `${type}:${id}`));
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const raw = rows.get(`${type}:${id}`);
        if (raw === undefined) continue;
        let value = JSON.parse(raw, BufferJSON.reviver) as unknown;
        if (type === "app-state-sync-key" && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        result[id] = value as SignalDataTypeMap[T];
      }
      return result;
    },
    async set(data: { [T in keyof SignalDataTypeMap]?: { [id: string]: SignalDataTypeMap[T] | null } }) {
      const entries: [string, string | null][] = [];
      for (const [type, values] of Object.entries(data)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          entries.push([`${type}:${id}`, value === null || value === undefined ? null : JSON.stringify(value, BufferJSON.replacer)]);
        }
      }
      // Baileys retries its own transactional key writes; a write outside them is tried again here.
      for (let attempt = 1; ; attempt++) {
        try {
          await kv.set(entries);
          return;
        } catch (error) {
          if (attempt >= 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    },
  };
  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, logger) },
    saveCreds: () => kv.set([[CREDS, JSON.stringify(creds, BufferJSON.replacer)]]),
    clear: () => kv.clear(),
    paired: Boolean(creds.registered || creds.me?.id),
  };
}
