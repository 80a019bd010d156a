import { PluginError, SendError } from "../contract";
import { toPluginError } from "./errors";
import { MysqlServerError } from "./wire/results";

/**
 * Refusals of what a row holds whose SQLSTATE is the catch-all HY000 rather than a data (22) or
 * integrity (23) class.
 */
const ROW_REFUSED = new Set([
  1048, // a NOT NULL column given NULL
  1265, // a value cut short to fit (SQLSTATE 01000, an error in strict mode)
  1364, // a NOT NULL column without a default left out
  1366, // a value the column's type cannot take
  1367, // an illegal value
  1411, // a value a conversion function refused
  3819, // a CHECK constraint (MySQL)
  4025, // a CHECK constraint (MariaDB)
]);

/**
 * A failed batch as the core needs it. A row the server refuses fails the batch for good, and the
 * core splits it until the row stands alone, carrying the server's words. Anything else (no
 * connection, a deadlock or lock wait, a time limit, a missing table or grant that a person may
 * yet put right) is tried again later, until the workspace's attempts run out.
 */
export function toSendError(err: unknown): unknown {
  if (err instanceof SendError) return err;
  if (err instanceof MysqlServerError) {
    const rowRefused = /^2[23]/.test(err.sqlState) || ROW_REFUSED.has(err.errno);
    return new SendError(err.message, !rowRefused);
  }
  const refusal = toPluginError(err);
  if (refusal instanceof PluginError) return new SendError(refusal.message, true);
  return refusal;
}
