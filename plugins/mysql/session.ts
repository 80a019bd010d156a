import type { PluginContext } from "../contract";
import { toPluginError } from "./errors";
import type { AppOptions } from "./options";
import { MysqlConnection, type ResultSet } from "./wire/connection";
import type { ServerInfo } from "./wire/handshake";
import type { Param } from "./wire/params";

/** Below the core's 15 s per plugin call, so a slow server is cut off with its own message. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const STATEMENT_TIME_LIMIT_S = 10;
/** Well under the protocol's 65,535 parameters per statement, and enough for any batch of Records in one. */
export const MAX_PARAMS_PER_STATEMENT = 60_000;

export interface Session {
  readonly database: string;
  /** One statement, values bound to its `?`s; reported to `ctx.onQuery`. */
  query(sql: string, params?: readonly Param[]): Promise<ResultSet>;
}

export function connectTo(app: AppOptions): Promise<MysqlConnection> {
  return MysqlConnection.connect({
    host: app.host,
    port: app.port,
    user: app.user,
    password: app.password ?? "",
    database: app.database,
    tls: app.ssl === "require",
    timeoutMs: CONNECT_TIMEOUT_MS,
  });
}

/**
 * Times as UTC (DATETIME values are read as UTC, TIMESTAMP values converted to it) and a time
 * limit per statement; MariaDB and MySQL name that limit differently.
 */
export function sessionSettings(server: ServerInfo): string {
  const limit = server.flavor === "MariaDB" ? `max_statement_time = ${STATEMENT_TIME_LIMIT_S}` : `max_execution_time = ${STATEMENT_TIME_LIMIT_S * 1000}`;
  return `SET SESSION time_zone = '+00:00', ${limit}`;
}

/**
 * One connection for one plugin call, closed when the call ends and destroyed if the call is
 * aborted: `run` gets a way to send session commands and the session statements go through.
 */
export async function onConnection<T>(app: AppOptions, ctx: PluginContext, run: (command: (sql: string) => Promise<unknown>, session: Session, server: ServerInfo) => Promise<T>): Promise<T> {
  let connection: MysqlConnection | undefined;
  const abort = () => connection?.destroy();
  ctx.signal.addEventListener("abort", abort, { once: true });
  try {
    const open = await connectTo(app);
    connection = open;
    ctx.signal.throwIfAborted();
    const command = (sql: string) => {
      ctx.onQuery?.(sql);
      return open.command(sql);
    };
    const session: Session = {
      database: app.database,
      query(sql, params = []) {
        ctx.onQuery?.(sql);
        return open.execute(sql, params);
      },
    };
    return await run(command, session, open.server);
  } finally {
    ctx.signal.removeEventListener("abort", abort);
    await connection?.close();
  }
}

/** One connection for one plugin call, inside a read-only transaction. Every refusal leaves as a PluginError with the server's own message. */
export async function withSession<T>(app: AppOptions, ctx: PluginContext, work: (session: Session) => Promise<T>): Promise<T> {
  try {
    return await onConnection(app, ctx, async (command, session, server) => {
      await command(sessionSettings(server));
      await command("START TRANSACTION READ ONLY");
      return work(session);
    });
  } catch (err) {
    throw toPluginError(err);
  }
}
