import type { PluginContext, PropertyRead, SourceType } from "../../../plugins/contract";
import { mysqlPlugin } from "../../../plugins/mysql";
import type { AppOptions } from "../../../plugins/mysql/options";
import { MysqlConnection } from "../../../plugins/mysql/wire/connection";
import { purchasesOf } from "../../../plugins/sample/dataset";
import { MYSQL_FIXTURE } from "../../support/customer-databases";

/** The fixture database as an App's options (the local server has no TLS). */
export const FIXTURE_APP: AppOptions = { ...MYSQL_FIXTURE, ssl: "disable" };

export const mysqlApp = mysqlPlugin.apps[0]!;
export const tableSource = mysqlApp.sources.find((s) => s.type === "table") as SourceType<AppOptions, { table: string; columns?: string[] }>;
export const querySource = mysqlApp.sources.find((s) => s.type === "query") as SourceType<AppOptions, { query: string }>;

/** A plugin context that records every statement the plugin sends. */
export function recordingContext() {
  const statements: string[] = [];
  const ctx: PluginContext = {
    tenantId: "tnt_mysql_test",
    signal: new AbortController().signal,
    files: { read: async () => null, size: async () => null },
    onQuery: (sql) => statements.push(sql),
  };
  return { ctx, statements };
}

/** Statements that set up every session (time zone and time limit, then the read-only transaction); they read no data. */
export const isSessionStatement = (sql: string) => /^SET SESSION time_zone = '\+00:00', max_statement_time = \d+$/.test(sql) || sql === "START TRANSACTION READ ONLY";
/** Catalog lookups (information_schema) that validate table and column names; they read no customer rows. */
export const isCatalogStatement = (sql: string) => /\bFROM information_schema\./.test(sql);
export const dataStatements = (statements: string[]) => statements.filter((s) => !isSessionStatement(s) && !isCatalogStatement(s));

/** A root connection for setting up and tearing down test tables and accounts; plugins never get one like it. */
export function adminConnection(): Promise<MysqlConnection> {
  return MysqlConnection.connect({ ...MYSQL_FIXTURE, tls: false, timeoutMs: 5000 });
}

/** Runs setup or teardown on an admin connection that is always closed afterwards. */
export async function withAdmin<T>(work: (admin: MysqlConnection) => Promise<T>): Promise<T> {
  const admin = await adminConnection();
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

export const dropTable = (table: string) => withAdmin((admin) => admin.command(`DROP TABLE IF EXISTS \`${table}\``));

export const read = (key: string, column: string, aggregation: PropertyRead["aggregation"], extra: Partial<PropertyRead> = {}): PropertyRead => ({
  key,
  column,
  aggregation,
  filters: [],
  array: false,
  ...extra,
});

/** Cents as MySQL prints a DECIMAL(…,2) sum, e.g. 50301 → "503.01". */
export const decimal2 = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
/** The same amount as the shared aggregation writes it: no trailing zeros ("503.1", "12"). */
export const canonical = (cents: number) => decimal2(cents).replace(/\.?0+$/, "");

/** A customer's purchases summed in whole cents, straight from the dataset's formulas. */
export function expectedPurchases(u: number) {
  const purchases = purchasesOf(u);
  const cents = purchases.reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0);
  const last = purchases.map((p) => String(p.created_at)).sort().at(-1)!;
  return { cents, last, count: purchases.length };
}

let counter = 0;
/** A name no other test file uses, for tables and accounts a test creates and drops. */
export const uniqueName = (label: string) => `gf_${label}_${Date.now().toString(36)}_${(counter++).toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
