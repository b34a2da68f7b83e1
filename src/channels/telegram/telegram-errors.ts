// Turns Bot API failures into SendFailure: 429 waits for retry_after, 5xx and network errors are
// retried, anything else (blocked by the user, chat not found, bad request) is permanent.
import { GrammyError, HttpError } from "grammy";
import { errorSummary } from "../../engine/error-info.ts";
import { SendFailure } from "../../engine/outbox-dispatcher.ts";

export function toSendFailure(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    const description = `${error.error_code} ${error.description}`;
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 1;
      return new SendFailure(description, true, seconds * 1000);
    }
    if (error.error_code >= 500) return new SendFailure(description, true);
    return new SendFailure(description, false);
  }
  // A network failure's cause names the URL, token included: only its kind and code are kept.
  if (error instanceof HttpError) return new SendFailure(`network: ${errorSummary(error.error)}`, true);
  return new SendFailure(errorSummary(error), true);
}

/** Edits that have nothing to change, or whose message is gone, are done as far as we care. */
export function isHarmlessEditError(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified|message to edit not found|message can't be edited/i.test(error.description)
  );
}
