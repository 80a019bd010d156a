import postgres from "postgres";
import { PluginError, type PluginContext, type Row } from "../contract";
import { toPluginError } from "./errors";
import type { PostgresApp } from "./options";
import { openSocket } from "./socket";
import { type ValueList, valueListTypes } from "./value-lists";

/** Budgets inside the core's per-call deadline: reaching the server, then each statement. */
export const CONNECT_TIMEOUT_MS = 5_000;
export const STATEMENT_TIMEOUT_MS = 10_000;

export interface ResultColumn {
  name: string;
  /** The type's OID. */
  type: number;
}

export interface Session {
  /** Runs one statement; `params` are bound as `$1…`, their types inferred by the server from where they are used. */
  query(text: string, params?: readonly (string | null | ValueList)[]): Promise<{ rows: Row[]; columns: ResultColumn[] }>;
  /** Parses a statement without running it, to learn its parameter and result types. */
  describe(text: string, paramCount: number): Promise<{ parameterTypes: number[]; columns: ResultColumn[] }>;
}

const BEGIN = "BEGIN READ ONLY";

/** Dates stay as PostgreSQL writes them (`2024-03-05`) instead of becoming midnight instants. */
const dateAsText = { to: 1082, from: [1082], serialize: String, parse: (x: string) => x };

/**
 * Every parameter is text for the server to parse. The driver's own serializers for these types
 * would turn "true" into false, quote JSON text again and cut timestamps to milliseconds, which
 * would make a cursor at a microsecond mark skip or repeat rows.
 */
const textParameters: Record<string, postgres.PostgresType> = Object.fromEntries(
  [16, 17, 114, 1114, 1184, 3802].map((oid) => [`text_${oid}`, { to: oid, from: [], serialize: String, parse: (x: string) => x }]),
);

type Settings = Record<string, string | number | boolean>;

/**
 * A driver holding at most one connection for one plugin call, with the settings every session
 * shares plus `settings`. Cancelling the call closes it.
 */
export function openDriver(app: PostgresApp, ctx: PluginContext, settings: Settings) {
  let sockets = 0;
  // The driver accepts a socket factory at run time; its typings do not declare it.
  const options: postgres.Options<Record<string, postgres.PostgresType>> & { socket: () => Promise<unknown> } = {
    host: app.host,
    port: app.port,
    database: app.database,
    username: app.user,
    password: app.password ?? "",
    max: 1,
    connect_timeout: CONNECT_TIMEOUT_MS / 1000,
    prepare: false,
    fetch_types: false,
    onnotice: () => {},
    types: { dateAsText, ...textParameters, ...valueListTypes },
    // The driver reconnects whenever a socket closes, endlessly while the first statement waits;
    // a call gets one connection, so a second request for one means the first was lost.
    socket: () =>
      sockets++
        ? Promise.reject(new PluginError("connection_failed", `The connection to ${app.host}:${app.port} was closed before the work was done`))
        : openSocket({ host: app.host, port: app.port, tls: app.ssl === "require", timeoutMs: CONNECT_TIMEOUT_MS, signal: ctx.signal }),
    connection: {
      application_name: "groupflow",
      statement_timeout: STATEMENT_TIMEOUT_MS,
      // Should the Worker vanish mid-call, the server does not hold the session open for long.
      idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS * 3,
      // Stable text for timestamps and dates, whatever the server's defaults.
      TimeZone: "UTC",
      DateStyle: "ISO",
      ...settings,
    },
  };
  const sql = postgres(options);
  const cancel = () => void sql.end({ timeout: 0 });
  ctx.signal.addEventListener("abort", cancel, { once: true });
  const session: Session = {
    async query(text, params = []) {
      ctx.onQuery?.(text);
      const result = await sql.unsafe(text, params as never[]);
      return { rows: [...result], columns: result.columns.map((c) => ({ name: c.name, type: c.type })) };
    },
    async describe(text, paramCount) {
      ctx.onQuery?.(text);
      const statement = await sql.unsafe(text, new Array<null>(paramCount).fill(null) as never[]).describe();
      return { parameterTypes: [...statement.types], columns: statement.columns.map((c) => ({ name: c.name, type: c.type })) };
    },
  };
  const close = async () => {
    ctx.signal.removeEventListener("abort", cancel);
    await sql.end({ timeout: 1 });
  };
  return { sql, session, close };
}

/**
 * One connection for one plugin call, every statement inside one READ ONLY transaction. There is
 * no COMMIT: closing the connection ends a transaction that could not have written anything, and
 * spares a round trip.
 */
export async function withSession<T>(app: PostgresApp, ctx: PluginContext, work: (session: Session) => Promise<T>): Promise<T> {
  // A second guard beside BEGIN READ ONLY: no statement of this session may write, in or out of it.
  const { sql, session, close } = openDriver(app, ctx, { default_transaction_read_only: true });
  try {
    ctx.onQuery?.(BEGIN);
    // Queued ahead of the work's first statement on the same connection, so it costs no extra wait.
    const begin = sql.unsafe(BEGIN).execute();
    const [, result] = await Promise.all([begin, work(session)]);
    return result;
  } catch (err) {
    throw toPluginError(err, app.password);
  } finally {
    await close();
  }
}
