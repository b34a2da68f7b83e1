// Several messages waiting for one chat, sent as one. A chat is paced (Telegram about one message a
// second, WhatsApp slower), so a busy official would wait on our message count: when notifications
// queue up behind the pace, they go out together — "5 tugas baru", each with its own text and its
// own choices (labelled with its case code). An edit queued for one of them (the step was decided
// meanwhile) is folded in: that part shows its outcome and loses its choices. Pure.
import type { ActionRef } from "./case-ports.ts";

/** A message of a combined one, or an edit of such a message. */
export interface MergeMember {
  id: number;
  text: string;
  actions?: ActionRef[];
  /** Set on an edit: the member it changes (its text and choices replace the member's). */
  editOfId?: number;
}

/** Most messages combined into one. */
export const MERGE_MAX = 20;
/** Longest line of a task in a combined message. */
const BRIEF_LINE = 110;
/** Longest combined text (Telegram takes 4096; the rest stays for the next one). */
export const MERGE_MAX_TEXT = 3900;
/** Most choices on one combined message (Telegram allows 100 buttons). */
export const MERGE_MAX_ACTIONS = 40;

const codeOf = (text: string) => /kasus (\d{1,2}-[A-Z0-9]{5})/.exec(text)?.[1] ?? null;

/** What each member shows now: its latest edit's text and choices (none when the edit removed them). */
export function currentMembers(members: MergeMember[]): { id: number; text: string; actions: ActionRef[] }[] {
  const messages = members.filter((m) => m.editOfId === undefined).sort((a, b) => a.id - b.id);
  const edits = members.filter((m) => m.editOfId !== undefined).sort((a, b) => a.id - b.id);
  return messages.map((m) => {
    const edit = edits.filter((e) => e.editOfId === m.id).at(-1);
    return { id: m.id, text: edit ? edit.text : m.text, actions: edit ? (edit.actions ?? []) : (m.actions ?? []) };
  });
}

/**
 * The combined message. Several tasks: a header ("5 tugas baru:"), each part numbered, every choice
 * labelled with its case code. Otherwise (a reply and one new task, say): the parts one under the
 * other, choices as they were.
 */
export function composeMerged(members: MergeMember[]): { text: string; actions: ActionRef[] } {
  const shown = currentMembers(members);
  const tasks = shown.filter((m) => m.actions.length > 0).length;
  if (tasks <= 1) return { text: shown.map((m) => m.text).join("\n\n———\n\n"), actions: shown.flatMap((m) => m.actions) };
  const header = tasks === shown.length ? `${shown.length} tugas baru:` : `${shown.length} pesan baru (${tasks} menunggu pilihan Anda):`;
  // Each task briefly — what it is, its step, its deadline or what changed; the long view stays
  // behind /kasus. A message without choices (a notice) is shown whole.
  const cut = (line: string) => (line.length > BRIEF_LINE ? `${line.slice(0, BRIEF_LINE - 1)}…` : line);
  const brief = (m: { text: string; actions: ActionRef[] }) => {
    if (m.actions.length === 0) return m.text;
    const lines = m.text.split("\n");
    const kept = lines.filter(
      (l, i) =>
        i === 0 || /^(Perihal:|Langkah \d|Waktu baku|Diminta kepada pemohon|Pemohon:|• )/.test(l) || (i === 1 && !l.startsWith("SOP ")),
    );
    const code = codeOf(m.text);
    return [...kept.map(cut), ...(kept.length < lines.length && code ? [`(selengkapnya: /kasus ${code})`] : [])].join("\n");
  };
  const sections = shown.map((m, i) => `【${i + 1}】 ${brief(m)}`);
  const actions = shown.flatMap((m, i) => {
    const code = codeOf(m.text);
    return m.actions.map((a) => ({ token: a.token, label: `${code ?? `【${i + 1}】`} · ${a.label}` }));
  });
  const sameStep =
    new Set(shown.filter((m) => m.actions.length > 0).map((m) => /Langkah \d+ dari \d+/.exec(m.text)?.[0] ?? m.id)).size === 1;
  const footer = sameStep ? ["", "Beberapa tugas pada langkah yang sama: ketik /tugas untuk menyelesaikannya sekaligus."] : [];
  return { text: [header, "", sections.join("\n\n"), ...footer].join("\n"), actions };
}

/** Whether a queued message may be combined with others: no files, not an edit, short enough. */
export function mergeable(row: { editOfId?: number; fileIds?: string[]; text: string; actions?: ActionRef[] }): boolean {
  return (
    row.editOfId === undefined &&
    (row.fileIds?.length ?? 0) === 0 &&
    row.text.length <= MERGE_MAX_TEXT - 200 &&
    (row.actions?.length ?? 0) <= MERGE_MAX_ACTIONS
  );
}

/**
 * Which of the rows queued behind a combined message join it: the mergeable ones in order, and the
 * edits of messages already in it (folded in); edits of older messages are passed over (they go out
 * after the new messages), and it stops at the first other row, or when the combined message would
 * grow past its limits. `base` is what the combined message holds so far (the lead
 * alone, before anything joined it).
 */
export function pickFollowers<R extends MergeMember & { fileIds?: string[] }>(base: MergeMember[], queued: R[]): R[] {
  const joined = new Set(base.filter((m) => m.editOfId === undefined).map((m) => m.id));
  const picked: R[] = [];
  let count = joined.size;
  for (const row of queued) {
    if (row.editOfId !== undefined) {
      // An edit of a joined message is folded in; an edit of an older message waits its turn.
      if (joined.has(row.editOfId)) picked.push(row);
      continue;
    }
    if (!mergeable(row) || count >= MERGE_MAX) break;
    const next = composeMerged([...base, ...picked, row]);
    if (next.text.length > MERGE_MAX_TEXT || next.actions.length > MERGE_MAX_ACTIONS) break;
    picked.push(row);
    joined.add(row.id);
    count += 1;
  }
  return picked;
}
