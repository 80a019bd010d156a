import type { PluginContext } from "../contract";
import type { AppOptions } from "./options";
import { toSendError } from "./send-errors";
import { onConnection, sessionSettings, type Session } from "./session";

/**
 * Strict for every table, whatever the server's own mode: a value a column cannot hold is refused
 * instead of being cut, rounded or zeroed without a word.
 */
const STRICT = "sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')";

/**
 * One connection and one read-write transaction for one batch a Destination sends: every row of
 * the batch lands, or none does. Sources never come here; they keep their read-only sessions.
 * Nothing is rolled back by hand: closing the connection ends a transaction that did not commit.
 */
export async function withWriteTransaction<T>(app: AppOptions, ctx: PluginContext, work: (session: Session) => Promise<T>): Promise<T> {
  try {
    return await onConnection(app, ctx, async (command, session, server) => {
      await command(`${sessionSettings(server)}, ${STRICT}`);
      await command("START TRANSACTION READ WRITE");
      const result = await work(session);
      await command("COMMIT");
      return result;
    });
  } catch (err) {
    throw toSendError(err);
  }
}
