import postgres from "postgres";
import type { PluginContext, PropertyRead, SourceType } from "../../../plugins/contract";
import { postgresPlugin } from "../../../plugins/postgres";
import type { PostgresApp } from "../../../plugins/postgres/options";
import { openSocket } from "../../../plugins/postgres/socket";
import { POSTGRES_FIXTURE } from "../../support/customer-databases";

export const fixtureApp: PostgresApp = {
  host: POSTGRES_FIXTURE.host,
  port: POSTGRES_FIXTURE.port,
  database: POSTGRES_FIXTURE.database,
  user: POSTGRES_FIXTURE.user,
  password: POSTGRES_FIXTURE.password,
  ssl: "disable",
  schema: "public",
};

export const postgresAppType = postgresPlugin.apps[0]!;
export const tableSource = postgresAppType.sources.find((s) => s.type === "table") as SourceType<PostgresApp, { table: string; columns?: string[] }>;
export const querySource = postgresAppType.sources.find((s) => s.type === "query") as SourceType<PostgresApp, { query: string }>;

export const prop = (p: Partial<PropertyRead> & Pick<PropertyRead, "key" | "column">): PropertyRead => ({ aggregation: "exact", filters: [], array: false, ...p });

/** A plugin context that remembers every statement the plugin reports. */
export function recordingContext(signal = new AbortController().signal): { ctx: PluginContext; statements: string[] } {
  const statements: string[] = [];
  const ctx: PluginContext = { tenantId: "ten_pgtest", signal, files: { read: async () => null, size: async () => null }, onQuery: (s) => statements.push(s) };
  return { ctx, statements };
}

export const isTransactionControl = (statement: string) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(statement);

/** A read-write connection for scratch tables, which the read-only plugin cannot make. */
export function adminSql() {
  const options = {
    host: POSTGRES_FIXTURE.host,
    port: POSTGRES_FIXTURE.port,
    database: POSTGRES_FIXTURE.database,
    username: POSTGRES_FIXTURE.user,
    password: POSTGRES_FIXTURE.password,
    max: 1,
    fetch_types: false,
    onnotice: () => {},
    socket: () => openSocket({ host: POSTGRES_FIXTURE.host, port: POSTGRES_FIXTURE.port, tls: false, timeoutMs: 5000, signal: new AbortController().signal }),
  };
  return postgres(options as postgres.Options<Record<string, postgres.PostgresType>>);
}

let counter = 0;
/** Table names unique per run and per file, so parallel test files never share scratch tables. */
export const scratchTable = (label: string) => `gf_pgtest_${label}_${Date.now().toString(36)}_${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
