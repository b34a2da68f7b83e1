// The server's key material and the secrets derived from it. FILE_ENCRYPTION_KEY (32 bytes, hex)
// encrypts stored files; the embedded default (console only) makes a local one next to the database.
// Other secrets are derived from it with HKDF-SHA256, one per purpose, so an office keeps one secret
// safe (outside the database and its back-ups) instead of several.
import { hkdfSync } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { keyRing, type KeyRing } from "./file-keys.ts";
import { localFileKey } from "./file-store.ts";

/** What of the configuration decides the key (src/config.ts's Config has these). */
interface KeySettings {
  files: { key: Buffer | null; oldKeys?: Buffer[] };
  telegram: unknown;
  whatsapp: unknown;
  dataDir: string;
}

/**
 * The key material: FILE_ENCRYPTION_KEY, or the embedded default's local key file. (The configuration
 * already refuses Telegram or WhatsApp without the key; this is the last word if that changes.)
 */
export function serverKeyMaterial(config: KeySettings, options: { create?: boolean } = {}): Buffer {
  if (config.files.key) return config.files.key;
  const local = path.join(config.dataDir, ".file-key");
  // A command-line tool must use the bot's key, never make one of its own (its codes would not redeem).
  if (!config.telegram && !config.whatsapp && (options.create !== false || existsSync(local))) return localFileKey(local);
  throw new Error(
    "FILE_ENCRYPTION_KEY is not set. Set the same FILE_ENCRYPTION_KEY the bot runs with (it encrypts stored files and keys " +
      "the enrolment codes); a new one is made with: openssl rand -hex 32",
  );
}

/** The current key and the keys of before a rotation (FILE_ENCRYPTION_OLD_KEYS). */
export function serverKeyRing(config: KeySettings, options: { create?: boolean } = {}): KeyRing {
  return keyRing(serverKeyMaterial(config, options), config.files.oldKeys ?? []);
}

export type SecretPurpose = "enrolment-codes" | "audit-seals" | "corrections";

/** A 32-byte secret for one purpose, derived from the key material (the same material gives the same secret). */
export function derivedSecret(material: Buffer, purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", material, Buffer.alloc(0), `sopbot ${purpose}`, 32));
}

/** The secret new seals are keyed with (audit-chain.ts). */
export function sealKeyOf(ring: KeyRing): { keyId: string; secret: Buffer } {
  return { keyId: ring.currentId, secret: derivedSecret(ring.current, "audit-seals") };
}

/** The seal secrets of every known key, by key id (audit:verify checks seals keyed before a rotation). */
export function sealSecretsOf(ring: KeyRing): Map<string, Buffer> {
  return new Map([...ring.byId].map(([id, key]) => [id, derivedSecret(key, "audit-seals")]));
}
