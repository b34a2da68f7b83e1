// Links the bot's WhatsApp number: by pairing code (npm run wa:pair -- 6281234567890) or, without a
// number, by a QR code drawn in the terminal. The session is stored in the database (WhatsAppAuth),
// so the bot resumes it at every start without pairing again. `--office <id>` pairs that office's own
// number (its account in WHATSAPP_OFFICE_ACCOUNTS), `--account <name>` any account by its name;
// neither: the shared number (WHATSAPP_ACCOUNT).
import makeWASocket, { Browsers } from "@whiskeysockets/baileys";
import pino from "pino";
import QRCode from "qrcode";
import { useDatabaseAuthState } from "../channels/whatsapp/auth-state.ts";
import { statusCodeOf } from "../channels/whatsapp/whatsapp-channel.ts";
import { decideOnClose } from "../channels/whatsapp/reconnect-policy.ts";
import { loadConfig } from "../config.ts";
import { createKeyValueStore } from "../store/key-value-store.ts";
import { errorSummary } from "../engine/error-info.ts";
import { openCliContext, runCli } from "./cli-context.ts";
import { accountToPair, parsePairArgs } from "./wa-pair-args.ts";

export { normalizePhone } from "./wa-pair-args.ts";

/** Saves the credentials, trying again a few times; says so when it cannot. */
async function saveCreds(save: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await save();
      return;
    } catch (error) {
      if (attempt >= 5) {
        console.error(`The session could not be saved (${errorSummary(error)}). Check the database and run the command again.`);
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

runCli(async (env) => {
  const args = parsePairArgs(process.argv.slice(2));
  const { phone } = args;
  const account = accountToPair(args, loadConfig(env), env);
  const { db } = await openCliContext(env);
  console.log(`Pairing the WhatsApp account "${account}".`);
  const kv = createKeyValueStore(db, account);
  const logger = pino({ level: "silent" });
  const timeout = setTimeout(() => {
    console.error("No pairing within 3 minutes. Run the command again.");
    process.exit(1);
  }, 180_000);

  let restarts = 0;
  const outcome = await new Promise<number>((resolve) => {
    const connect = async () => {
      const auth = await useDatabaseAuthState(kv);
      if (auth.paired && restarts === 0) {
        console.log(
          "This account is already paired. To pair another number, first unlink this device in WhatsApp; the bot then clears the session.",
        );
      }
      const sock = makeWASocket({
        auth: auth.state,
        logger,
        browser: Browsers.ubuntu("sopbot"),
        markOnlineOnConnect: false,
        syncFullHistory: false,
      });
      let asked = false;
      // A failed write of the credentials is tried again; nothing a handler throws escapes into Baileys.
      sock.ev.on("creds.update", () => void saveCreds(auth.saveCreds));
      sock.ev.on(
        "connection.update",
        (update) =>
          void onUpdate(update).catch((error: unknown) => {
            console.error(`Pairing failed (${errorSummary(error)}). Run the command again.`);
            resolve(1);
          }),
      );
      const onUpdate = async ({
        connection,
        qr,
        lastDisconnect,
      }: {
        connection?: string;
        qr?: string;
        lastDisconnect?: { error?: unknown };
      }) => {
        if (qr && !auth.paired) {
          if (phone && !asked) {
            asked = true;
            const code = await sock.requestPairingCode(phone);
            console.log(
              `Pairing code for +${phone}: ${code.slice(0, 4)}-${code.slice(4)}\nOn the phone: WhatsApp → ` +
                `Perangkat tertaut → Tautkan perangkat → Tautkan dengan nomor telepon, then enter the code.`,
            );
          } else if (!phone) {
            console.log(await QRCode.toString(qr, { type: "terminal", small: true }));
            console.log("Scan with WhatsApp → Perangkat tertaut → Tautkan perangkat.");
          }
        }
        if (connection === "open") {
          await saveCreds(auth.saveCreds);
          console.log(
            `WhatsApp linked (account "${account}"). The session is stored in the database; start the bot with ` +
              (args.office || args.account ? "WHATSAPP_OFFICE_ACCOUNTS naming it." : "WHATSAPP_ENABLED=true."),
          );
          sock.end(undefined);
          resolve(0);
        }
        if (connection === "close") {
          const decision = decideOnClose(statusCodeOf(lastDisconnect?.error), ++restarts);
          if (decision.action === "reconnect" && restarts < 5) setTimeout(() => void connect(), decision.delayMs);
          else {
            console.error(`WhatsApp closed the connection: ${decision.reason}`);
            if (decision.action === "stop" && decision.clearSession) await auth.clear();
            resolve(1);
          }
        }
      };
    };
    void connect().catch((error: unknown) => {
      console.error(`Pairing failed (${errorSummary(error)}). Run the command again.`);
      resolve(1);
    });
  });
  clearTimeout(timeout);
  await db.close();
  return outcome;
});
