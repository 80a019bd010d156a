import { SendError, type ExportOutcome } from "../contract";

type Outcomes = Map<string, ExportOutcome>;

export const failure = (err: unknown): ExportOutcome => {
  const refusal = err instanceof SendError ? err : new SendError(String(err), true);
  return { ok: false, error: refusal.message, retryable: refusal.retryable, retryAfterMs: refusal.details.retryAfterMs };
};

/**
 * Calls `step` for each item in turn, each with its own outcome. After a retryable failure (Mailchimp
 * throttling or down) the items left are not tried: they wait with the one that failed.
 */
export async function eachItem<T extends { exportId: string }>(
  items: T[],
  outcomes: Outcomes,
  step: (item: T) => Promise<ExportOutcome | null>,
): Promise<{ passed: T[]; halted?: ExportOutcome }> {
  const passed: T[] = [];
  for (const [i, item] of items.entries()) {
    try {
      const outcome = await step(item);
      if (outcome) outcomes.set(item.exportId, outcome);
      else passed.push(item);
    } catch (err) {
      const failed = failure(err);
      outcomes.set(item.exportId, failed);
      if (!failed.ok && failed.retryable) {
        for (const waiting of items.slice(i + 1)) outcomes.set(waiting.exportId, failed);
        return { passed, halted: failed };
      }
    }
  }
  return { passed };
}
