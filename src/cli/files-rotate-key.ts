// Re-encrypts every stored file, and re-keys every audit seal, under the current FILE_ENCRYPTION_KEY.
// Rotation: put the new key in FILE_ENCRYPTION_KEY and the old one in FILE_ENCRYPTION_OLD_KEYS,
// restart the bot (it reads both), run this; when it reports nothing left, remove the old key.
// Stopped halfway, it is simply run again. Enrolment codes issued before the rotation no longer redeem.
// Usage: npm run files:rotate-key
import { derivedSecret, serverKeyRing } from "../store/server-key.ts";
import { rotateFileKey } from "../store/file-rotation.ts";
import { CliError, openCliContext, runCli } from "./cli-context.ts";

runCli(async (env) => {
  const { config, db } = await openCliContext(env);
  try {
    if (!config.files.key) throw new CliError("Set the new key as FILE_ENCRYPTION_KEY and the old one in FILE_ENCRYPTION_OLD_KEYS first.");
    const keys = serverKeyRing(config, { create: false });
    console.log(`Rotating to key ${keys.currentId} (known keys: ${[...keys.byId.keys()].join(", ")}).`);
    let done = 0;
    const outcome = await rotateFileKey(db, {
      dir: config.files.dir,
      keys,
      sealSecret: (key) => derivedSecret(key, "audit-seals"),
      onBlob: () => {
        done++;
        if (done % 500 === 0) console.log(`${done} files done…`);
      },
    });
    console.log(
      `Done: ${outcome.blobs} files re-encrypted, ${outcome.resumed} already done by an earlier run, ${outcome.seals} seals re-keyed.`,
    );
    if (outcome.missing.length > 0) {
      console.error(
        `${outcome.missing.length} stored files have no bytes on disk (restore them from a back-up): ${outcome.missing.join(", ")}`,
      );
      return 1;
    }
    console.log("Every file is under the current key: FILE_ENCRYPTION_OLD_KEYS can be removed.");
    return 0;
  } finally {
    await db.close();
  }
});
