import { z } from "zod";
import { type Column, defineSourceType, PluginError } from "../contract";
import { aggregateByRecord, columnsNeeded, normalizeValue } from "../shared/aggregate";
import { describeTable, exposedColumns, listTables, type TableColumn } from "./catalog";
import { identifierSchema, qualified, quoteIdent } from "./identifiers";
import type { PostgresApp } from "./options";
import { withSession } from "./session";
import { planCount, planPage } from "./table-paging";
import { ValueList } from "./value-lists";
import { TABLE_SOURCE_OPTIONS } from "../shared/sql-options";

/** Columns arrive as a list, or as comma-separated text from a plain form field. */
const columnList = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((c) => c.trim()).filter(Boolean))
  .pipe(
    z
      .array(identifierSchema)
      .max(1600)
      .refine((names) => new Set(names).size === names.length, "names a column twice"),
  )
  .transform((names) => (names.length ? names : undefined));

export const tableOptionsSchema = z.object({ table: identifierSchema, columns: columnList.optional() }).strict();
export type TableOptions = z.infer<typeof tableOptionsSchema>;

const publicColumn = ({ name, type, incremental }: TableColumn): Column => ({ name, type, incremental });
const MAX_PREVIEW = 1000;

export const tableSource = defineSourceType<PostgresApp, TableOptions>({
  type: "table",
  displayName: "Table or view",
  description: "Rows of one table or view, one Record per value of the identifying column.",
  options: TABLE_SOURCE_OPTIONS,
  optionsSchema: tableOptionsSchema,
  keyedBy: "identity_column",

  async optionChoices(app, source, optionKey, ctx) {
    if (optionKey === "table") return withSession(app, ctx, (s) => listTables(s, app.schema));
    if (optionKey !== "columns") throw new PluginError("invalid_options", `Option "${optionKey}" has no choices to list`);
    const table = identifierSchema.safeParse(source.table);
    if (!table.success) throw new PluginError("invalid_options", "Choose a table first");
    const info = await withSession(app, ctx, (s) => describeTable(s, app.schema, table.data));
    return info.columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` }));
  },

  async columns(app, source, ctx) {
    const info = await withSession(app, ctx, (s) => describeTable(s, app.schema, source.table));
    return exposedColumns(info, app.schema, source.table, source.columns).map(publicColumn);
  },

  async preview(app, source, request, ctx) {
    const limit = Math.max(1, Math.min(MAX_PREVIEW, Math.floor(request.limit)));
    return withSession(app, ctx, async (s) => {
      const info = await describeTable(s, app.schema, source.table);
      const columns = exposedColumns(info, app.schema, source.table, source.columns);
      const order = info.key.length ? ` ORDER BY ${info.key.map((k) => `t.${quoteIdent(k)}`).join(", ")}` : "";
      const select = columns.map((c) => `t.${quoteIdent(c.name)}`).join(", ");
      const { rows } = await s.query(`SELECT ${select} FROM ${qualified(app.schema, source.table)} t${order} LIMIT ${limit}`);
      return { columns: columns.map(publicColumn), rows };
    });
  },

  async importRecords(app, source, request, ctx) {
    return withSession(app, ctx, async (s) => {
      const info = await describeTable(s, app.schema, source.table);
      const plan = planPage(info, qualified(app.schema, source.table), exposedColumns(info, app.schema, source.table, source.columns), request);
      return plan.page((await s.query(plan.text, plan.params)).rows);
    });
  },

  async countRows(app, source, request, ctx) {
    return withSession(app, ctx, async (s) => {
      const info = await describeTable(s, app.schema, source.table);
      const plan = planCount(qualified(app.schema, source.table), exposedColumns(info, app.schema, source.table, source.columns), request.incremental);
      return Number((await s.query(plan.text, plan.params)).rows[0]!.count);
    });
  },

  /*
   * One statement for the whole batch. Its names are not looked up first: they are quoted, and
   * PostgreSQL resolves them against its catalog before reading a row, refusing an unknown one in
   * its own words. Checking them here as well would double the round trips of the busiest call.
   */
  async recordProperties(app, source, request, ctx) {
    const { column, propertyKey, caseInsensitive } = request.identity;
    const needed = columnsNeeded(column, request.properties);
    const hidden = source.columns ? needed.filter((c) => !source.columns!.includes(c)) : [];
    if (hidden.length) throw new PluginError("not_found", `${hidden.map((c) => `column "${c}"`).join(", ")} is not among this Source's columns: ${source.columns!.join(", ")}`);
    const fold = (v: string) => (caseInsensitive ? v.toLowerCase() : v);
    const keys = [...new Set(request.records.map((r) => r.values[propertyKey]).filter((v): v is string => v !== null && v !== undefined).map(fold))];
    // Folding the column needs it as text; the plain comparison keeps the column's own type (and its index).
    const matched = caseInsensitive ? `lower(t.${quoteIdent(column)}::text)` : `t.${quoteIdent(column)}`;
    const rows = keys.length
      ? await withSession(app, ctx, async (s) => {
          const text = `SELECT ${needed.map((c) => `t.${quoteIdent(c)}`).join(", ")} FROM ${qualified(app.schema, source.table)} t WHERE ${matched} = ANY($1)`;
          return (await s.query(text, [new ValueList(keys)])).rows;
        })
      : [];
    return aggregateByRecord(
      request.records,
      rows,
      request.properties,
      (row) => {
        const key = normalizeValue(row[column]);
        return key === null ? null : fold(key);
      },
      (record) => {
        const key = record.values[propertyKey];
        return key === null || key === undefined ? null : fold(key);
      },
    );
  },
});
