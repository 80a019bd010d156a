import { defineDestinationType } from "../contract";
import { byColumns, membershipPairs, outcomesOf, planBatch, type Keyed } from "../shared/batch-plan";
import { tableDestinationOptionSpecs, tableDestinationSchema, type TableDestination } from "./destination-options";
import type { AppOptions } from "./options";
import { withSession, type Session } from "./session";
import { LIST_COLUMN, targetFields } from "./target-fields";
import { describeTarget } from "./target-table";
import { membershipWrites, tableWrites, type Statement } from "./table-writes";
import { matchKeyFor } from "./values";
import { withWriteTransaction } from "./write-transaction";

async function run(session: Session, statements: Statement[]) {
  const rows = [];
  for (const statement of statements) rows.push(...(await session.query(statement.sql, statement.params)).rows);
  return rows;
}

export const tableDestination = defineDestinationType<AppOptions, TableDestination>({
  type: "table",
  displayName: "Table",
  description: "Writes each Record as a row of a table, found by a unique key column, in one transaction per batch.",
  options: tableDestinationOptionSpecs,
  optionsSchema: tableDestinationSchema,
  limits: () => ({ batchSize: 500, requestsPerSecond: 20, concurrency: 2 }),

  // Only the catalog is read here, so the read-only session is enough.
  async fields(app, options, ctx) {
    return withSession(app, ctx, (session) => targetFields(session, options));
  },

  async send(app, options, items, ctx) {
    const plan = planBatch(items, options.keyColumn);
    if (!plan.leaving.length && !plan.upserts.length && !plan.updates.length) return plan.answered;
    // Written rows are no longer flagged as gone.
    const unflag = options.onLeave === "flag" && options.flagColumn ? { [options.flagColumn]: false } : {};
    const updated = await withWriteTransaction(app, ctx, async (s) => {
      // The column types say how each value is bound, so the catalog is read again for every batch.
      const table = await describeTarget(s, options.table);
      const writes = tableWrites(table, options.keyColumn);
      const memberships = options.membershipsTable ? membershipWrites(app.database, options.membershipsTable, options.keyColumn, LIST_COLUMN, writes.keyParam) : null;
      // Memberships go before the rows they name and come after them, so a foreign key between the tables holds throughout.
      if (memberships) await run(s, memberships.remove(membershipPairs([...plan.leaving, ...plan.upserts, ...plan.updates], "remove")));
      const leaving = plan.leaving.map((k) => k.key);
      await run(s, options.onLeave === "flag" ? writes.flag(options.flagColumn!, leaving) : writes.delete(leaving));
      for (const group of byColumns(plan.upserts, options.keyColumn, unflag)) await run(s, writes.upsert(group.columns, group.rows));
      const found = new Set<Keyed>();
      if (plan.updates.length) {
        const keyColumn = table.columns.find((c) => c.name === options.keyColumn)!;
        // Compared as the server compares keys, so `A@x.com` finds the row of `a@x.com` under a case-insensitive collation.
        const match = matchKeyFor(keyColumn.kind, keyColumn.collation);
        const existing = new Set((await run(s, writes.existing(plan.updates.map((k) => k.key)))).map((row) => match(row[keyColumn.name])));
        for (const k of plan.updates) if (existing.has(match(writes.keyParam(k.key)))) found.add(k);
        for (const group of byColumns([...found], options.keyColumn, unflag)) await run(s, writes.update(group.columns, group.rows));
      }
      if (memberships) await run(s, memberships.add(membershipPairs([...plan.upserts, ...found], "add")));
      return found;
    });
    return outcomesOf(plan, updated, { [options.onLeave === "flag" ? "flagged" : "deleted"]: true });
  },
});
