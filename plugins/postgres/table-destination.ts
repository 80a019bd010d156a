import { defineDestinationType } from "../contract";
import { byColumns, membershipPairs, outcomesOf, planBatch, type Keyed } from "../shared/batch-plan";
import { tableDestinationOptionSpecs, tableDestinationSchema, type TableDestination } from "./destination-options";
import type { PostgresApp } from "./options";
import { withSession } from "./session";
import { LIST_COLUMN, targetFields } from "./target-fields";
import { membershipWrites, tableWrites } from "./table-writes";
import { withWriteTransaction } from "./write-transaction";

const json = (rows: unknown[]) => JSON.stringify(rows);

export const tableDestination = defineDestinationType<PostgresApp, TableDestination>({
  type: "table",
  displayName: "Table",
  description: "Writes each Record as a row of a table, found by a unique key column, in one transaction per batch.",
  options: tableDestinationOptionSpecs,
  optionsSchema: tableDestinationSchema,
  limits: () => ({ batchSize: 500, requestsPerSecond: 20, concurrency: 2 }),

  // Only the catalog is read here, so the read-only session is enough.
  async fields(app, options, ctx) {
    return withSession(app, ctx, (session) => targetFields(session, app.schema, options));
  },

  async send(app, options, items, ctx) {
    const plan = planBatch(items, options.keyColumn);
    if (!plan.leaving.length && !plan.upserts.length && !plan.updates.length) return plan.answered;
    const writes = tableWrites(app.schema, options.table, options.keyColumn);
    const memberships = options.membershipsTable ? membershipWrites(app.schema, options.membershipsTable, options.keyColumn, LIST_COLUMN) : null;
    const pairs = (keyed: Keyed[], change: "add" | "remove") => membershipPairs(keyed, change).map((p) => ({ [options.keyColumn]: p.key, [LIST_COLUMN]: p.list }));
    // Written rows are no longer flagged as gone.
    const unflag = options.onLeave === "flag" && options.flagColumn ? { [options.flagColumn]: false } : {};
    const updated = await withWriteTransaction(app, ctx, async (s) => {
      // Memberships go before the rows they name and come after them, so a foreign key between the tables holds throughout.
      const removed = pairs([...plan.leaving, ...plan.upserts, ...plan.updates], "remove");
      if (memberships && removed.length) await s.query(memberships.remove, [json(removed)]);
      if (plan.leaving.length) {
        const keys = json(plan.leaving.map((k) => ({ [options.keyColumn]: k.key })));
        await s.query(options.onLeave === "flag" ? writes.flag(options.flagColumn!) : writes.delete, [keys]);
      }
      for (const group of byColumns(plan.upserts, options.keyColumn, unflag)) await s.query(writes.upsert(group.columns), [json(group.rows)]);
      const found = new Set<Keyed>();
      for (const group of byColumns(plan.updates, options.keyColumn, unflag)) {
        const { rows } = await s.query(writes.update(group.columns), [json(group.rows)]);
        for (const row of rows) found.add(group.members[Number(row.position) - 1]!);
      }
      const added = pairs([...plan.upserts, ...found], "add");
      if (memberships && added.length) await s.query(memberships.add, [json(added)]);
      return found;
    });
    return outcomesOf(plan, updated, { [options.onLeave === "flag" ? "flagged" : "deleted"]: true });
  },
});
