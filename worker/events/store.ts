import type { EventStore, Row } from "../../plugins/contract";
import { chunk } from "../db/chunk";
import type { EventValue } from "../db/events-schema";

type StoredEvent = { record_id: string | null; name: string; occurred_at: number; data: string };

function rowOf(e: StoredEvent): Row {
  const data = JSON.parse(e.data) as Record<string, EventValue>;
  const row: Row = { record_id: e.record_id, name: e.name, occurred_at: new Date(e.occurred_at).toISOString() };
  for (const [key, value] of Object.entries(data)) row[`data.${key}`] = Array.isArray(value) ? JSON.stringify(value) : value;
  return row;
}

// Record ids, names and the workspace share one statement's 100 parameters.
const RECORDS_PER_READ = 80;

/** One workspace's events as rows, read through the (record, name, occurred-at) index. */
export function tenantEventStore(db: D1Database, tenantId: string): EventStore {
  return {
    async rowsOf(recordIds, names) {
      const rows: Row[] = [];
      for (const ids of chunk(recordIds, RECORDS_PER_READ)) {
        const { results } = await db
          .prepare(
            `select record_id, name, occurred_at, data from events
             where record_id in (select value from json_each(?1)) and +tenant_id = ?2 ${names ? "and name in (select value from json_each(?3))" : ""}
             order by occurred_at`,
          )
          .bind(JSON.stringify(ids), tenantId, ...(names ? [JSON.stringify(names)] : []))
          .all<StoredEvent>();
        rows.push(...results.map(rowOf));
      }
      return rows;
    },
    async latest(limit) {
      const { results } = await db
        .prepare("select record_id, name, occurred_at, data from events where tenant_id = ?1 order by occurred_at desc limit ?2")
        .bind(tenantId, limit)
        .all<StoredEvent>();
      return results.map(rowOf);
    },
  };
}
