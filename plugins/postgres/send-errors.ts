import postgres from "postgres";
import { PluginError, SendError } from "../contract";
import { scrub, toPluginError } from "./errors";

/**
 * SQLSTATEs that refuse what a row holds: cardinality (21: one key twice in a batch), data
 * exceptions (22: a value the column's type cannot take) and integrity constraints (23: NOT NULL,
 * CHECK, UNIQUE, foreign keys), plus an error raised by the table's own trigger (P0001).
 */
const ROW_REFUSED = /^(21|22|23)|^P0001$/;

/**
 * A failed batch as the core needs it. A row the database refuses fails the batch for good, and
 * the core splits it until the row stands alone, carrying the database's words. Anything else
 * (no connection, a deadlock or serialization failure, a time limit, a missing table or grant that
 * a person may yet put right) is tried again later, until the workspace's attempts run out.
 */
export function toSendError(err: unknown, secret: string | undefined): unknown {
  if (err instanceof SendError) return err;
  if (err instanceof postgres.PostgresError) {
    return new SendError(scrub(err.message, secret), !ROW_REFUSED.test(err.code));
  }
  const refusal = toPluginError(err, secret);
  if (refusal instanceof PluginError) return new SendError(refusal.message, true);
  return refusal;
}
