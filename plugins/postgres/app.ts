import { defineAppType, PluginError } from "../contract";
import { appOptionSpecs, appOptionsSchema, type PostgresApp } from "./options";
import { querySource } from "./query-source";
import { withSession } from "./session";
import { tableDestination } from "./table-destination";
import { tableSource } from "./table-source";

const TEST_SQL = `SELECT pg_catalog.current_setting('server_version') AS version, current_user AS "user", pg_catalog.current_database() AS database,
  pg_catalog.to_regnamespace(pg_catalog.quote_ident($1::text)) IS NOT NULL AS schema_exists`;

export const postgresApp = defineAppType<PostgresApp>({
  type: "postgres",
  displayName: "PostgreSQL",
  description: "A PostgreSQL database over a direct connection: Sources read inside read-only transactions, Destinations write one transaction per batch.",
  options: appOptionSpecs,
  optionsSchema: appOptionsSchema,
  async test(options, ctx) {
    try {
      const found = await withSession(options, ctx, async (s) => (await s.query(TEST_SQL, [options.schema])).rows[0]!);
      if (!found.schema_exists) return { ok: false, error: `schema "${options.schema}" does not exist in database "${found.database}"` };
      return { ok: true, message: `Connected to PostgreSQL ${found.version} as ${found.user} on database ${found.database}` };
    } catch (err) {
      if (err instanceof PluginError) return { ok: false, error: err.message };
      throw err;
    }
  },
  sources: [tableSource, querySource],
  destinations: [tableDestination],
});
