// The arguments of `npm run wa:pair`: an optional phone number (a pairing code instead of a QR code)
// and which account to pair: `--office <id>` (that office's own number, WHATSAPP_OFFICE_ACCOUNTS),
// `--account <name>` (any account by the name its session is stored under), or neither (the shared
// number, WHATSAPP_ACCOUNT).
import type { Config } from "../config.ts";
import { CliError } from "./cli-context.ts";

/** "0812-3456-7890" or "+62 812 3456 7890" → "6281234567890". */
export function normalizePhone(input: string): string | null {
  let digits = input.replace(/[^0-9+]/g, "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  if (digits.startsWith("0")) digits = `62${digits.slice(1)}`;
  return /^62\d{8,13}$/.test(digits) ? digits : null;
}

/** The arguments: an optional phone number, and which account (`--office <id>` or `--account <name>`). */
export function parsePairArgs(args: string[]): { phone: string | null; office: string | null; account: string | null } {
  const rest = [...args];
  const take = (flag: string): string | null => {
    const i = rest.indexOf(flag);
    if (i < 0) return null;
    const value = rest[i + 1];
    if (!value || value.startsWith("--")) throw new CliError(`${flag} needs a value, e.g. npm run wa:pair -- ${flag} kota-kupang`);
    rest.splice(i, 2);
    return value;
  };
  const office = take("--office");
  const account = take("--account");
  if (office && account) throw new CliError("Give --office or --account, not both.");
  const unknown = rest.find((a) => a.startsWith("--"));
  if (unknown) throw new CliError(`Unknown option ${unknown}. Usage: npm run wa:pair -- [--office <id> | --account <name>] [phone number]`);
  if (rest.length > 1) throw new CliError("Give at most one phone number.");
  const phoneArg = rest[0];
  const phone = phoneArg ? normalizePhone(phoneArg) : null;
  if (phoneArg && !phone) throw new CliError(`"${phoneArg}" is not an Indonesian mobile number. Example: npm run wa:pair -- 081234567890`);
  return { phone, office, account };
}

/** The account to pair: an office's own (WHATSAPP_OFFICE_ACCOUNTS), one named, or the shared number's. */
export function accountToPair(
  args: { office: string | null; account: string | null },
  config: Config,
  env: Record<string, string | undefined>,
): string {
  if (args.account) {
    if (!/^[a-z0-9-]{1,32}$/.test(args.account)) throw new CliError("--account: expected a short lower-case name, e.g. kupang");
    return args.account;
  }
  if (args.office) {
    const own = config.whatsapp?.accounts.find((a) => a.office === args.office);
    if (!own)
      throw new CliError(
        `Office "${args.office}" has no WhatsApp number of its own: add ${args.office}=<account> to WHATSAPP_OFFICE_ACCOUNTS first ` +
          "(or pair by name with --account <name>).",
      );
    return own.account;
  }
  return config.whatsapp?.accounts.find((a) => a.office === null)?.account ?? env["WHATSAPP_ACCOUNT"] ?? "default";
}
