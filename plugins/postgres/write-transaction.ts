import type { PluginContext } from "../contract";
import type { PostgresApp } from "./options";
import { openDriver, type Session } from "./session";
import { toSendError } from "./send-errors";

const BEGIN = "BEGIN READ WRITE";
const COMMIT = "COMMIT";

/**
 * One connection and one read-write transaction for one batch a Destination sends: every row of
 * the batch lands, or none does. Sources never come here; they keep their read-only sessions.
 * Nothing is rolled back by hand: closing the connection ends a transaction that did not commit.
 */
export async function withWriteTransaction<T>(app: PostgresApp, ctx: PluginContext, work: (session: Session) => Promise<T>): Promise<T> {
  const { sql, session, close } = openDriver(app, ctx, {});
  try {
    ctx.onQuery?.(BEGIN);
    await sql.unsafe(BEGIN);
    const result = await work(session);
    ctx.onQuery?.(COMMIT);
    await sql.unsafe(COMMIT);
    return result;
  } catch (err) {
    throw toSendError(err, app.password);
  } finally {
    await close();
  }
}
