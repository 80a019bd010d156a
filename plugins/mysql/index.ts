import { defineAppType, definePlugin, PluginError } from "../contract";
import { toPluginError } from "./errors";
import { appOptionSpecs, appOptionsSchema, type AppOptions } from "./options";
import { querySource } from "./query-source";
import { connectTo } from "./session";
import { tableDestination } from "./table-destination";
import { tableSource } from "./table-source";

const MYSQL_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><ellipse cx="12" cy="5" rx="8" ry="3"/><path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5"/><path d="M9 12l2 3 2-3 2 3"/></svg>';

export const mysqlPlugin = definePlugin({
  name: "mysql",
  displayName: "MySQL / MariaDB",
  icon: MYSQL_ICON,
  apps: [
    defineAppType<AppOptions>({
      type: "mysql",
      displayName: "MySQL or MariaDB database",
      description: "A MySQL (5.7+) or MariaDB (10.3+) database: Sources read tables and SQL queries read-only, Destinations write rows one transaction per batch.",
      options: appOptionSpecs,
      optionsSchema: appOptionsSchema,
      async test(options) {
        try {
          const connection = await connectTo(options);
          await connection.close();
          const { flavor, version } = connection.server;
          return { ok: true, message: `Connected to ${flavor} ${version} as ${options.user}, database ${options.database}` };
        } catch (err) {
          // Refusals and unreachable hosts are the answer of a test, not a failure of it.
          const refused = toPluginError(err);
          if (refused instanceof PluginError) return { ok: false, error: refused.message };
          throw refused;
        }
      },
      sources: [tableSource, querySource],
      destinations: [tableDestination],
    }),
  ],
});
