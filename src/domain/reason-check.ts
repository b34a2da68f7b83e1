// Whether a reason someone typed says something: a return, a refusal, a request to the applicant or
// a cancellation is read by another person who must act on it, so "x", "ok" or "123" will not do.
// Pure.

export type ReasonProblem = "empty" | "no-letters" | "too-short";

/** Words that carry letters (digits and punctuation alone are not words here). */
function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
}

/**
 * Null when the reason reads as a reason: at least two words with letters and at least six letters
 * in all ("KTP buram", "salah memilih SOP"); otherwise what is wrong with it.
 */
export function reasonProblem(text: string): ReasonProblem | null {
  const trimmed = text.trim();
  if (!trimmed) return "empty";
  const found = words(trimmed);
  if (found.length === 0) return "no-letters";
  const letters = (trimmed.match(/\p{L}/gu) ?? []).length;
  return found.length >= 2 && letters >= 6 ? null : "too-short";
}

/** Null when a free message has at least one word with letters. */
export function messageProblem(text: string): ReasonProblem | null {
  const trimmed = text.trim();
  if (!trimmed) return "empty";
  return words(trimmed).length > 0 ? null : "no-letters";
}
