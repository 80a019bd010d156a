import type { ExportItem, ExportOutcome } from "../contract";

export type KeyValue = string | number | boolean;

/** An Export with the value of the key column its row is found by. */
export interface Keyed {
  item: ExportItem;
  key: KeyValue;
}

/** A batch sorted by what each Export does to the table; Exports that need no statement are already answered. */
export interface BatchPlan {
  answered: Map<string, ExportOutcome>;
  leaving: Keyed[];
  upserts: Keyed[];
  updates: Keyed[];
}

/** A delete names its row by the fields last sent, or else by the key learned when it was written. */
function keyOf(item: ExportItem, keyColumn: string): KeyValue | null {
  const value = item.fields[keyColumn];
  const first = Array.isArray(value) ? value[0] : value;
  if (first !== null && first !== undefined && typeof first !== "object") return first as KeyValue;
  return item.action === "delete" ? item.remoteId : null;
}

export function planBatch(items: ExportItem[], keyColumn: string): BatchPlan {
  const plan: BatchPlan = { answered: new Map(), leaving: [], upserts: [], updates: [] };
  for (const item of items) {
    const key = keyOf(item, keyColumn);
    if (key === null && item.action === "delete") plan.answered.set(item.exportId, { ok: true, skipped: "no key value to find its row by" });
    else if (key === null) plan.answered.set(item.exportId, { ok: false, retryable: false, error: `The Record has no value for the key column "${keyColumn}", so it has no row` });
    else if (item.action === "delete") plan.leaving.push({ item, key });
    else if (item.action === "update") plan.updates.push({ item, key });
    else plan.upserts.push({ item, key });
  }
  return plan;
}

/** Rows to write, grouped by the columns they set, so no statement fills a column an Export did not carry. */
export function byColumns(keyed: Keyed[], keyColumn: string, extra: Record<string, unknown>) {
  const groups = new Map<string, { columns: string[]; members: Keyed[]; rows: Record<string, unknown>[] }>();
  for (const k of keyed) {
    const row: Record<string, unknown> = { ...k.item.fields, [keyColumn]: k.key, ...extra };
    const columns = Object.keys(row).sort();
    const id = JSON.stringify(columns);
    const group = groups.get(id) ?? { columns, members: [], rows: [] };
    group.members.push(k);
    group.rows.push(row);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** The (key, list) pairs to add or take away, from the lists each Export says changed. */
export const membershipPairs = (keyed: Keyed[], change: "add" | "remove") => keyed.flatMap((k) => k.item.lists[change].map((list) => ({ key: k.key, list })));

/** Each Export's outcome: written rows answer with their key as the remote id, updates without a row are skipped. */
export function outcomesOf(plan: BatchPlan, updated: ReadonlySet<Keyed>, leaveSummary: Record<string, unknown>): Map<string, ExportOutcome> {
  const outcomes = new Map(plan.answered);
  for (const k of plan.leaving) outcomes.set(k.item.exportId, { ok: true, summary: leaveSummary });
  for (const k of plan.upserts) outcomes.set(k.item.exportId, { ok: true, remoteId: String(k.key) });
  for (const k of plan.updates) {
    outcomes.set(k.item.exportId, updated.has(k) ? { ok: true, remoteId: String(k.key) } : { ok: true, skipped: "no row with this key" });
  }
  return outcomes;
}
