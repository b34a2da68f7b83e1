// The keys stored files are encrypted with, and the encryption itself (AES-256-GCM). A key is known
// by its id: the first 16 hex characters of a SHA-256 over it, safe to store and to print (it does
// not reveal the key). Files written now carry that id in their header ("SOPF2"), so the key a file
// needs is known before trying it; files written before ("SOPF1") are tried with each known key.
//
// A key ring holds the current key (FILE_ENCRYPTION_KEY) and the keys of before a rotation
// (FILE_ENCRYPTION_OLD_KEYS), until `files:rotate-key` has moved every file to the current key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const MAGIC_V1 = Buffer.from("SOPF1");
const MAGIC_V2 = Buffer.from("SOPF2");
const ID_BYTES = 8;

export interface KeyRing {
  current: Buffer;
  currentId: string;
  /** Every known key by id, the current one included. */
  byId: ReadonlyMap<string, Buffer>;
}

/** A wrong, missing or unknown key, or bytes that were altered: the message says which and what to do. */
export class FileKeyError extends Error {}

export function keyId(key: Buffer): string {
  return createHash("sha256")
    .update("sopbot key id\n")
    .update(key)
    .digest("hex")
    .slice(0, ID_BYTES * 2);
}

export function keyRing(current: Buffer, old: Buffer[] = []): KeyRing {
  const byId = new Map<string, Buffer>();
  for (const key of [current, ...old]) {
    if (key.length !== 32) throw new FileKeyError("an encryption key must be 32 bytes (64 hex characters)");
    byId.set(keyId(key), key);
  }
  return { current, currentId: keyId(current), byId };
}

/** Encrypts under the ring's current key, recording the key's id in the header. */
export function encrypt(plain: Buffer, ring: KeyRing): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.current, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC_V2, Buffer.from(ring.currentId, "hex"), iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, iv: Buffer, tag: Buffer, body: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

/** The id of the key a stored file's bytes were encrypted with (null: an old file, which does not say). */
export function sealedKeyId(sealed: Buffer): string | null {
  return sealed.subarray(0, MAGIC_V2.length).equals(MAGIC_V2)
    ? sealed.subarray(MAGIC_V2.length, MAGIC_V2.length + ID_BYTES).toString("hex")
    : null;
}

/** Decrypts a stored file; `label` names it in the error. Returns the bytes and the id of the key that opened them. */
export function decrypt(sealed: Buffer, ring: KeyRing, label = "a stored file"): { bytes: Buffer; keyId: string } {
  const known = [...ring.byId.keys()].join(", ");
  if (sealed.subarray(0, MAGIC_V2.length).equals(MAGIC_V2)) {
    const id = sealed.subarray(MAGIC_V2.length, MAGIC_V2.length + ID_BYTES).toString("hex");
    const key = ring.byId.get(id);
    if (!key)
      throw new FileKeyError(
        `${label} is encrypted with key ${id}, which is not configured (known keys: ${known}). Set that key as ` +
          `FILE_ENCRYPTION_KEY, or list it in FILE_ENCRYPTION_OLD_KEYS until npm run files:rotate-key has run.`,
      );
    const at = MAGIC_V2.length + ID_BYTES;
    const bytes = open(key, sealed.subarray(at, at + 12), sealed.subarray(at + 12, at + 28), sealed.subarray(at + 28));
    if (!bytes) throw new FileKeyError(`${label} does not decrypt with key ${id}: its bytes were altered or damaged.`);
    return { bytes, keyId: id };
  }
  if (!sealed.subarray(0, MAGIC_V1.length).equals(MAGIC_V1)) throw new FileKeyError(`${label} is not a sopbot file.`);
  const at = MAGIC_V1.length;
  for (const [id, key] of ring.byId) {
    const bytes = open(key, sealed.subarray(at, at + 12), sealed.subarray(at + 12, at + 28), sealed.subarray(at + 28));
    if (bytes) return { bytes, keyId: id };
  }
  throw new FileKeyError(
    `${label} does not decrypt with any configured key (${known}): the key is wrong, or the file was altered. ` +
      `Set the key it was written with as FILE_ENCRYPTION_KEY or in FILE_ENCRYPTION_OLD_KEYS.`,
  );
}
